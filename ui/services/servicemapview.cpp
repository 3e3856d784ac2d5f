#include "servicemapview.h"

#include "servicecolour.h"

#include <tracetext.h>

#include <QKeyEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <cmath>

namespace spanscope::ui {

namespace {

QString kindCaption(storage::NodeKind kind)
{
    switch (kind) {
    case storage::NodeKind::Database:
        return ServiceMapView::tr("database");
    case storage::NodeKind::Cache:
        return ServiceMapView::tr("cache");
    case storage::NodeKind::Queue:
        return ServiceMapView::tr("queue");
    case storage::NodeKind::External:
        return ServiceMapView::tr("external");
    case storage::NodeKind::Service:
        break;
    }
    return {};
}

constexpr double MinScale = 0.6;

} // namespace

QTransform ServiceMapView::toWidget() const
{
    const double scale = std::clamp(std::min(width() / std::max(1.0, m_layout.size.width()),
                                             height() / std::max(1.0, m_layout.size.height())),
                                    MinScale, 1.0);
    const QPointF offset(std::max(0.0, (width() - m_layout.size.width() * scale) / 2),
                         std::max(0.0, (height() - m_layout.size.height() * scale) / 2));
    return QTransform::fromTranslate(offset.x(), offset.y()).scale(scale, scale);
}

int ServiceMapView::nodeAt(const QPointF &position) const
{
    return m_layout.nodeAt(toWidget().inverted().map(position));
}

ServiceMapView::ServiceMapView(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Service map"));
}

void ServiceMapView::setMap(std::vector<storage::ServiceEdge> edges,
                            std::vector<std::string> services)
{
    m_edges = std::move(edges);
    const QFontMetricsF metrics(font());
    std::vector<double> labels;
    for (const storage::ServiceEdge &edge : m_edges)
        labels.push_back(metrics.horizontalAdvance(edgeLabel(edge)));
    m_layout = layoutServiceMap(m_edges, services, metrics, labels);
    if (m_current >= static_cast<int>(m_layout.nodes.size()))
        m_current = -1;
    // Drawn smaller to fit, down to MinScale; below that the scroll area takes over.
    setMinimumSize((m_layout.size * MinScale).toSize());
    updateGeometry();
    update();
}

QSize ServiceMapView::sizeHint() const
{
    return m_layout.size.toSize().expandedTo(QSize(300, 200));
}

QString ServiceMapView::edgeLabel(const storage::ServiceEdge &edge) const
{
    QString label = edge.calls == 1 ? tr("1 call") : tr("%1 calls").arg(edge.calls);
    if (!edge.messaging)
        label += tr(" · p95 %1").arg(QString::fromStdString(storage::formatDuration(edge.p95Ns)));
    if (edge.errors > 0)
        label
            += tr(" · %1% errors")
                   .arg(100.0 * static_cast<double>(edge.errors) / static_cast<double>(edge.calls),
                        0, 'f', 0);
    return label;
}

void ServiceMapView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette &pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    painter.fillRect(rect(), pal.color(QPalette::Base));
    if (m_layout.nodes.empty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("No calls between services in this time range."));
        return;
    }
    // Centred, and smaller when the view is smaller than the map.
    painter.setTransform(toWidget());
    const QFontMetricsF metrics(font());
    const QColor edgeColour = dark ? QColor(170, 170, 170) : QColor(110, 110, 110);
    const QColor errorColour = dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xc6, 0x28, 0x28);

    for (std::size_t i = 0; i < m_layout.edges.size(); ++i) {
        const auto [from, to] = m_layout.edges[i];
        const storage::ServiceEdge &edge = m_edges[i];
        const QRectF a = m_layout.nodes[from].rect, b = m_layout.nodes[to].rect;
        QPainterPath path;
        QPointF start(a.right(), a.center().y()), end(b.left(), b.center().y());
        if (b.left() <= a.left()) {
            // Back to an earlier layer (a cycle): around, below both.
            start = QPointF(a.center().x(), a.bottom());
            end = QPointF(b.center().x(), b.bottom());
            const double below = std::max(a.bottom(), b.bottom()) + 40;
            path.moveTo(start);
            path.cubicTo(QPointF(start.x(), below), QPointF(end.x(), below), end);
        } else {
            const double bend = (end.x() - start.x()) / 2;
            path.moveTo(start);
            path.cubicTo(start + QPointF(bend, 0), end - QPointF(bend, 0), end);
        }
        const QColor colour = edge.errors > 0 ? errorColour : edgeColour;
        QPen pen(colour, 1.2 + std::log10(static_cast<double>(edge.calls) + 1));
        if (edge.messaging)
            pen.setStyle(Qt::DashLine);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
        // The arrowhead, along the curve's last direction.
        const QPointF tip = path.pointAtPercent(1.0);
        const QPointF back = path.pointAtPercent(0.96);
        const double angle = std::atan2(tip.y() - back.y(), tip.x() - back.x());
        const QPointF left = tip - QPointF(std::cos(angle - 0.45), std::sin(angle - 0.45)) * 9;
        const QPointF right = tip - QPointF(std::cos(angle + 0.45), std::sin(angle + 0.45)) * 9;
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawPolygon(QPolygonF{tip, left, right});
        // The label on a background, so it reads over the lines it crosses.
        const QString label = edgeLabel(edge);
        // Past the middle, where edges fanning out of one node have spread apart.
        const QPointF middle = path.pointAtPercent(b.left() <= a.left() ? 0.5 : 0.62);
        const QRectF box(middle.x() - metrics.horizontalAdvance(label) / 2 - 3,
                         middle.y() - metrics.height() - 2, metrics.horizontalAdvance(label) + 6,
                         metrics.height());
        QColor behind = pal.color(QPalette::Base);
        behind.setAlpha(220);
        painter.setBrush(behind);
        painter.drawRect(box);
        painter.setPen(edge.errors > 0 ? errorColour : pal.color(QPalette::PlaceholderText));
        painter.drawText(box, Qt::AlignCenter, label);
    }

    for (int i = 0; i < static_cast<int>(m_layout.nodes.size()); ++i) {
        const ServiceMapLayout::Node &node = m_layout.nodes[i];
        const QString name = QString::fromStdString(node.name);
        const bool service = node.kind == storage::NodeKind::Service;
        const QColor fill = service ? serviceColour(node.name) : pal.color(QPalette::Base);
        QPen border(service ? fill.darker(130) : pal.color(QPalette::Mid),
                    i == m_current ? 3 : 1.2);
        if (node.kind == storage::NodeKind::External)
            border.setStyle(Qt::DashLine);
        if (i == m_current)
            border.setColor(pal.color(QPalette::Highlight));
        painter.setPen(border);
        painter.setBrush(fill);
        painter.drawRoundedRect(node.rect, 6, 6);
        painter.setPen(service ? textColourOn(fill) : pal.color(QPalette::Text));
        painter.drawText(node.rect.adjusted(6, 0, -6, 0), Qt::AlignCenter,
                         metrics.elidedText(name, Qt::ElideMiddle, node.rect.width() - 12));
        if (!service) {
            painter.setPen(pal.color(QPalette::PlaceholderText));
            QFont small = font();
            small.setPointSizeF(small.pointSizeF() * 0.85);
            painter.setFont(small);
            painter.drawText(QRectF(node.rect.left(), node.rect.top() - metrics.height(),
                                    node.rect.width(), metrics.height()),
                             Qt::AlignCenter, kindCaption(node.kind));
            painter.setFont(font());
        }
    }
}

void ServiceMapView::mousePressEvent(QMouseEvent *event)
{
    setFocus(Qt::MouseFocusReason);
    const int hit = nodeAt(event->position());
    if (hit < 0)
        return;
    m_current = hit;
    update();
    emit nodeActivated(QString::fromStdString(m_layout.nodes[hit].name), m_layout.nodes[hit].kind);
}

void ServiceMapView::mouseMoveEvent(QMouseEvent *event)
{
    const int hit = nodeAt(event->position());
    if (hit < 0) {
        unsetCursor();
        QToolTip::hideText();
        return;
    }
    setCursor(Qt::PointingHandCursor);
    const auto &node = m_layout.nodes[hit];
    QString tip = QString::fromStdString(node.name);
    if (node.kind != storage::NodeKind::Service)
        tip += QStringLiteral(" (%1, seen from client spans)").arg(kindCaption(node.kind));
    tip += tr("\nClick to list its traces.");
    QToolTip::showText(event->globalPosition().toPoint(), tip, this);
}

void ServiceMapView::keyPressEvent(QKeyEvent *event)
{
    const int n = static_cast<int>(m_layout.nodes.size());
    if (n == 0)
        return QWidget::keyPressEvent(event);
    switch (event->key()) {
    case Qt::Key_Right:
    case Qt::Key_Down:
        m_current = (m_current + 1) % n;
        update();
        return;
    case Qt::Key_Left:
    case Qt::Key_Up:
        m_current = m_current <= 0 ? n - 1 : m_current - 1;
        update();
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_current >= 0)
            emit nodeActivated(QString::fromStdString(m_layout.nodes[m_current].name),
                               m_layout.nodes[m_current].kind);
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

} // namespace spanscope::ui

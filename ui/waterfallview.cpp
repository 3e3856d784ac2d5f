#include "waterfallview.h"

#include <tracetext.h>

#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <cmath>

namespace spanscope::ui {

namespace {

constexpr int IndentPx = 12;
constexpr int MinTickSpacingPx = 90;
const std::vector<int> NoRows;

} // namespace

WaterfallView::WaterfallView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    horizontalScrollBar()->hide();
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
}

WaterfallView::~WaterfallView() = default;

QColor WaterfallView::serviceColour(const std::string &service)
{
    // A stable hue per name, so a service keeps its colour across traces and views.
    const std::size_t hash = std::hash<std::string>{}(service);
    return QColor::fromHsv(static_cast<int>(hash % 360), 110, 215);
}

void WaterfallView::setTrace(std::shared_ptr<const storage::TraceData> trace,
                             std::shared_ptr<const WaterfallLayout> layout)
{
    m_trace = std::move(trace);
    m_layout = std::move(layout);
    m_rows = m_layout ? std::make_unique<VisibleRows>(*m_layout) : nullptr;
    m_selected = -1;
    const std::int64_t duration = m_layout ? m_layout->durationNs() : 0;
    m_mapper = TimeMapper(0, std::max<std::int64_t>(duration, TimeMapper::MinVisibleNs),
                          timelineWidth());
    verticalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

const std::vector<int> &WaterfallView::visibleRows() const
{
    return m_rows ? m_rows->rows() : NoRows;
}

int WaterfallView::timelineWidth() const
{
    return std::max(1, viewport()->width() - LabelWidth);
}

void WaterfallView::setMapper(const TimeMapper &mapper)
{
    m_mapper = m_layout ? mapper.clampedTo(m_layout->durationNs()) : mapper;
    viewport()->update();
}

void WaterfallView::showRange(std::int64_t from, std::int64_t to)
{
    setMapper(m_mapper.showing(from, to));
}

void WaterfallView::collapseAll()
{
    if (!m_rows)
        return;
    m_rows->collapseAll();
    updateScrollBars();
    viewport()->update();
}

void WaterfallView::expandAll()
{
    if (!m_rows)
        return;
    m_rows->expandAll();
    updateScrollBars();
    viewport()->update();
}

void WaterfallView::updateScrollBars()
{
    const int shown = std::max(0, (viewport()->height() - AxisHeight) / RowHeight);
    const int rows = static_cast<int>(visibleRows().size());
    verticalScrollBar()->setRange(0, std::max(0, rows - shown));
    verticalScrollBar()->setPageStep(std::max(1, shown));
}

int WaterfallView::visiblePosition(int layoutRow) const
{
    const auto &rows = visibleRows();
    const auto it = std::lower_bound(rows.begin(), rows.end(), layoutRow); // rows are ascending
    return it != rows.end() && *it == layoutRow ? static_cast<int>(it - rows.begin()) : -1;
}

int WaterfallView::rowAt(int y) const
{
    if (y < AxisHeight)
        return -1;
    const int position = verticalScrollBar()->value() + (y - AxisHeight) / RowHeight;
    const auto &rows = visibleRows();
    return position < static_cast<int>(rows.size()) ? rows[position] : -1;
}

QRect WaterfallView::barRect(int layoutRow) const
{
    const int position = m_layout ? visiblePosition(layoutRow) : -1;
    if (position < 0)
        return {};
    const int y = AxisHeight + (position - verticalScrollBar()->value()) * RowHeight;
    const double x0 = LabelWidth + m_mapper.toX(m_layout->start(layoutRow));
    const double x1 = LabelWidth + m_mapper.toX(m_layout->end(layoutRow));
    const int left = static_cast<int>(
        std::floor(std::clamp(x0, double(LabelWidth), double(viewport()->width()))));
    const int right = static_cast<int>(
        std::ceil(std::clamp(x1, double(LabelWidth), double(viewport()->width()))));
    return QRect(left, y + 4, std::max(1, right - left), RowHeight - 8);
}

QString WaterfallView::label(int row) const
{
    if (m_layout->flags(row) & WaterfallLayout::ParentCycle)
        return tr("(spans whose parents form a cycle)");
    if (m_layout->isPlaceholder(row))
        return tr("(parent span not received)");
    return QString::fromStdString(m_trace->spans[m_layout->span(row)].span.name);
}

void WaterfallView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    const QPalette &pal = palette();
    painter.fillRect(viewport()->rect(), pal.base());
    if (!m_layout)
        return;
    const int width = viewport()->width();
    const QColor grid = pal.color(QPalette::Mid);

    // Time axis with 1-2-5 ticks and grid lines.
    painter.fillRect(QRect(0, 0, width, AxisHeight), pal.window());
    for (const std::int64_t tick : m_mapper.ticks(MinTickSpacingPx)) {
        const int x = LabelWidth + static_cast<int>(std::lround(m_mapper.toX(tick)));
        painter.setPen(grid);
        painter.drawLine(x, AxisHeight - 6, x, viewport()->height());
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(QRect(x + 3, 0, MinTickSpacingPx, AxisHeight),
                         Qt::AlignVCenter | Qt::AlignLeft,
                         QString::fromStdString(storage::formatDuration(tick)));
    }

    const auto &rows = visibleRows();
    const int first = verticalScrollBar()->value();
    const int shown = (viewport()->height() - AxisHeight) / RowHeight + 1;
    const QFontMetrics metrics(font());
    for (int i = 0; i < shown && first + i < static_cast<int>(rows.size()); ++i) {
        const int row = rows[first + i];
        const int y = AxisHeight + i * RowHeight;
        const QRect rowRect(0, y, width, RowHeight);
        if (row == m_selected)
            painter.fillRect(rowRect, pal.highlight());
        else if ((first + i) % 2)
            painter.fillRect(rowRect, pal.alternateBase());

        // Label: indentation, expander, name.
        const int indent = 4 + m_layout->depth(row) * IndentPx;
        const QColor text
            = row == m_selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);
        painter.setPen(text);
        if (m_layout->flags(row) & WaterfallLayout::HasChildren) {
            painter.drawText(QRect(indent, y, IndentPx, RowHeight), Qt::AlignCenter,
                             m_rows->isCollapsed(row) ? QStringLiteral("▸") : QStringLiteral("▾"));
        }
        QString name = label(row);
        if (m_layout->isPlaceholder(row))
            painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(
            QRect(indent + IndentPx, y, LabelWidth - indent - IndentPx - 4, RowHeight),
            Qt::AlignVCenter | Qt::AlignLeft,
            metrics.elidedText(name, Qt::ElideRight, LabelWidth - indent - IndentPx - 4));

        // Bar, coloured by service; errors are red with the service colour as a stripe.
        const QRect bar = barRect(row);
        if (bar.right() < LabelWidth || bar.left() > width)
            continue;
        const bool error = m_layout->flags(row) & WaterfallLayout::Error;
        if (m_layout->isPlaceholder(row)) {
            painter.setPen(QPen(grid, 1, Qt::DashLine));
            painter.drawRect(bar.adjusted(0, 0, -1, -1));
        } else {
            const QColor colour = serviceColour(m_layout->services()[m_layout->service(row)]);
            painter.fillRect(bar, error ? QColor(220, 50, 47) : colour);
            if (error)
                painter.fillRect(QRect(bar.left(), bar.bottom() - 2, bar.width(), 3), colour);
            // Span events as ticks on the bar.
            painter.setPen(pal.color(QPalette::Text));
            for (const storage::SpanEvent &event :
                 m_trace->spans[m_layout->span(row)].span.events) {
                const double x = LabelWidth
                    + m_mapper.toX(static_cast<std::int64_t>(event.timeUnixNano)
                                   - m_trace->summary.startNs);
                if (x >= LabelWidth && x <= width)
                    painter.drawLine(QPointF(x, bar.top()), QPointF(x, bar.bottom()));
            }
        }
        // Duration (and service) to the right of the bar when it fits.
        const QString detail = QString::fromStdString(storage::formatDuration(
                                   m_layout->end(row) - m_layout->start(row)))
            + (m_layout->isPlaceholder(row) ? QString()
                                            : QStringLiteral("  ")
                       + QString::fromStdString(m_layout->services()[m_layout->service(row)]));
        const int textWidth = metrics.horizontalAdvance(detail);
        painter.setPen(text);
        if (bar.right() + 6 + textWidth < width)
            painter.drawText(QRect(bar.right() + 6, y, textWidth + 2, RowHeight), Qt::AlignVCenter,
                             detail);
        else if (bar.left() - 6 - textWidth > LabelWidth)
            painter.drawText(QRect(bar.left() - 6 - textWidth, y, textWidth + 2, RowHeight),
                             Qt::AlignVCenter, detail);
    }
    painter.setPen(grid);
    painter.drawLine(LabelWidth - 1, 0, LabelWidth - 1, viewport()->height());
}

void WaterfallView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    m_mapper = m_mapper.resized(timelineWidth());
    updateScrollBars();
}

void WaterfallView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void WaterfallView::wheelEvent(QWheelEvent *event)
{
    const double x = event->position().x() - LabelWidth;
    if (event->modifiers() & Qt::ControlModifier) {
        setMapper(m_mapper.zoomed(std::pow(1.0015, event->angleDelta().y()), std::max(0.0, x)));
        event->accept();
    } else if (event->modifiers() & Qt::ShiftModifier || event->angleDelta().x() != 0) {
        const int delta
            = event->angleDelta().x() != 0 ? event->angleDelta().x() : event->angleDelta().y();
        setMapper(m_mapper.panned(delta / 4.0));
        event->accept();
    } else {
        QAbstractScrollArea::wheelEvent(event);
    }
}

void WaterfallView::selectRow(int layoutRow)
{
    if (!m_layout || layoutRow < -1 || layoutRow >= m_layout->rowCount() || layoutRow == m_selected)
        return;
    m_selected = layoutRow;
    if (layoutRow >= 0)
        ensureVisible(layoutRow);
    viewport()->update();
    emit spanSelected(layoutRow >= 0 ? m_layout->span(layoutRow) : -1);
}

void WaterfallView::ensureVisible(int layoutRow)
{
    const int position = visiblePosition(layoutRow);
    if (position < 0)
        return;
    QScrollBar *bar = verticalScrollBar();
    if (position < bar->value())
        bar->setValue(position);
    else if (position >= bar->value() + bar->pageStep())
        bar->setValue(position - bar->pageStep() + 1);
}

void WaterfallView::toggle(int layoutRow, bool collapse)
{
    if (!m_rows || layoutRow < 0 || !(m_layout->flags(layoutRow) & WaterfallLayout::HasChildren))
        return;
    m_rows->setCollapsed(layoutRow, collapse);
    updateScrollBars();
    viewport()->update();
}

void WaterfallView::keyPressEvent(QKeyEvent *event)
{
    const auto &rows = visibleRows();
    const int position = m_selected >= 0 ? visiblePosition(m_selected) : -1;
    switch (event->key()) {
    case Qt::Key_Down:
        if (!rows.empty())
            selectRow(rows[std::min<int>(position + 1, static_cast<int>(rows.size()) - 1)]);
        break;
    case Qt::Key_Up:
        if (!rows.empty())
            selectRow(rows[std::max(position - 1, 0)]);
        break;
    case Qt::Key_Left:
        if (m_selected >= 0 && (m_layout->flags(m_selected) & WaterfallLayout::HasChildren)
            && !m_rows->isCollapsed(m_selected))
            toggle(m_selected, true);
        else if (m_selected >= 0 && m_layout->parent(m_selected) >= 0)
            selectRow(m_layout->parent(m_selected));
        break;
    case Qt::Key_Right:
        toggle(m_selected, false);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_selected >= 0)
            toggle(m_selected, !m_rows->isCollapsed(m_selected));
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        setMapper(m_mapper.zoomed(2, timelineWidth() / 2.0));
        break;
    case Qt::Key_Minus:
        setMapper(m_mapper.zoomed(0.5, timelineWidth() / 2.0));
        break;
    case Qt::Key_0:
        if (m_layout)
            showRange(0, m_layout->durationNs());
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

void WaterfallView::mousePressEvent(QMouseEvent *event)
{
    const int row = rowAt(static_cast<int>(event->position().y()));
    if (row < 0)
        return;
    const int indent = 4 + m_layout->depth(row) * IndentPx;
    const int x = static_cast<int>(event->position().x());
    if (x >= indent && x < indent + IndentPx)
        toggle(row, !m_rows->isCollapsed(row)); // the expander
    selectRow(row);
}

void WaterfallView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const int row = rowAt(static_cast<int>(event->position().y()));
    if (row >= 0)
        toggle(row, !m_rows->isCollapsed(row));
}

} // namespace spanscope::ui

#include "flamegraphview.h"

#include "counted.h"
#include "servicecolour.h"
#include "traceopener.h"

#include <tracetext.h>

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>

#include <algorithm>

namespace spanscope::ui {

namespace {

constexpr double MinFramePx = 1.0; // narrower frames, and all below them, are left out
constexpr int MinLabelPx = 28; // narrower frames carry no name

QString duration(std::int64_t ns)
{
    return QString::fromStdString(storage::formatDuration(ns));
}

QString percent(std::int64_t part, std::int64_t whole)
{
    return whole > 0
        ? QString::number(100.0 * double(part) / double(whole), 'f', 1) + QStringLiteral(" %")
        : QStringLiteral("–");
}

} // namespace

QList<QPair<QString, QString>> FlameGraphView::keyHelp()
{
    return {
        {tr("Arrows"), tr("Flame graph: next / previous frame, parent, first child")},
        {tr("Space / click"), tr("Flame graph: zoom to the frame")},
        {tr("Escape, Backspace / Home"), tr("Flame graph: zoom out one level / all the way")},
        {tr("Enter / double-click"), tr("Flame graph: show the frame's spans in the waterfall")},
    };
}

FlameGraphView::FlameGraphView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(tr("Flame graph"));
}

namespace {

// A frame's path of (service, name) from the top, to find it again in a newer graph.
std::vector<std::pair<std::string, std::string>> pathOf(const analysis::FlameGraph &graph,
                                                        int frame)
{
    std::vector<std::pair<std::string, std::string>> path;
    for (int f = frame; f > 0; f = graph.frame(f).parent)
        path.emplace_back(graph.services()[graph.frame(f).service],
                          graph.names()[graph.frame(f).name]);
    std::reverse(path.begin(), path.end());
    return path;
}

// The frame with that path in `graph`, or the deepest ancestor of it that is there.
int frameWithPath(const analysis::FlameGraph &graph,
                  const std::vector<std::pair<std::string, std::string>> &path)
{
    int frame = 0;
    for (const auto &step : path) { // not a structured binding: lambdas cannot capture one
        const auto &children = graph.frame(frame).children;
        const auto next = std::find_if(children.begin(), children.end(), [&](int child) {
            return graph.services()[graph.frame(child).service] == step.first
                && graph.names()[graph.frame(child).name] == step.second;
        });
        if (next == children.end())
            break;
        frame = *next;
    }
    return frame;
}

} // namespace

void FlameGraphView::setAnalysis(std::shared_ptr<const TraceAnalysis> analysis)
{
    // The same trace analysed again (more spans arrived): keep the zoom and the current frame.
    const bool sameTrace = m_analysis && analysis && m_analysis->trace && analysis->trace
        && m_analysis->trace->summary.traceId == analysis->trace->summary.traceId;
    const auto zoomPath = sameTrace ? pathOf(m_analysis->flame, m_zoom)
                                    : std::vector<std::pair<std::string, std::string>>{};
    const auto currentPath = sameTrace ? pathOf(m_analysis->flame, m_current) : zoomPath;
    m_analysis = std::move(analysis);
    m_zoom = m_analysis ? frameWithPath(m_analysis->flame, zoomPath) : 0;
    m_current = m_analysis ? frameWithPath(m_analysis->flame, currentPath) : 0;
    if (!sameTrace)
        verticalScrollBar()->setValue(0);
    relayout();
}

const analysis::FlameGraph *FlameGraphView::graph() const
{
    return m_analysis ? &m_analysis->flame : nullptr;
}

void FlameGraphView::relayout()
{
    m_boxes.clear();
    m_boxOfFrame.clear();
    const int rows = m_analysis ? m_analysis->flame.maxDepth() + 1 : 0;
    const int capacity = std::max(1, (viewport()->height() - HeaderHeight) / RowHeight);
    verticalScrollBar()->setRange(0, std::max(0, rows - capacity));
    verticalScrollBar()->setPageStep(capacity);
    viewport()->update();
    if (!m_analysis)
        return;
    const analysis::FlameGraph &graph = m_analysis->flame;
    m_boxOfFrame.assign(graph.size(), -1);
    const double width = viewport()->width();
    const auto add = [this, &graph](int frame, double x, double w) {
        m_boxOfFrame[frame] = static_cast<int>(m_boxes.size());
        m_boxes.push_back({QRectF(x, graph.frame(frame).depth * RowHeight, w, RowHeight), frame});
    };
    // The zoomed frame and its ancestors span the width.
    std::vector<int> chain;
    for (int frame = m_zoom; frame >= 0; frame = graph.frame(frame).parent)
        chain.push_back(frame);
    for (auto frame = chain.rbegin(); frame != chain.rend(); ++frame)
        add(*frame, 0, width);
    struct Item
    {
        int frame;
        double x, width;
    };
    std::vector<Item> stack{{m_zoom, 0, width}};
    while (!stack.empty()) {
        const Item item = stack.back();
        stack.pop_back();
        const analysis::FlameGraph::Frame &frame = graph.frame(item.frame);
        if (frame.totalNs <= 0)
            continue;
        double x = item.x;
        for (const int child : frame.children) {
            const double w
                = item.width * double(graph.frame(child).totalNs) / double(frame.totalNs);
            if (w >= MinFramePx) {
                add(child, x, w);
                stack.push_back({child, x, w});
            }
            x += w;
        }
    }
}

QRectF FlameGraphView::frameRect(int frame) const
{
    if (frame < 0 || frame >= static_cast<int>(m_boxOfFrame.size()) || m_boxOfFrame[frame] < 0)
        return {};
    return m_boxes[m_boxOfFrame[frame]].rect.translated(
        0, HeaderHeight - verticalScrollBar()->value() * RowHeight);
}

int FlameGraphView::frameAt(const QPoint &position) const
{
    if (position.y() < HeaderHeight)
        return -1;
    const QPointF at(position.x(),
                     position.y() - HeaderHeight + verticalScrollBar()->value() * RowHeight);
    for (const Box &box : m_boxes) {
        if (box.rect.contains(at))
            return box.frame;
    }
    return -1;
}

bool FlameGraphView::isAncestorOfZoom(int frame) const
{
    for (int f = m_analysis->flame.frame(m_zoom).parent; f >= 0;
         f = m_analysis->flame.frame(f).parent) {
        if (f == frame)
            return true;
    }
    return false;
}

QString FlameGraphView::frameLabel(int frame) const
{
    const analysis::FlameGraph &graph = m_analysis->flame;
    if (frame == 0)
        return tr("All %1").arg(
            counted(qint64(m_analysis->trace->spans.size()), tr("span"), tr("spans")));
    return QString::fromStdString(graph.names()[graph.frame(frame).name]);
}

QString FlameGraphView::frameTooltip(int frame) const
{
    const analysis::FlameGraph &graph = m_analysis->flame;
    const analysis::FlameGraph::Frame &f = graph.frame(frame);
    const std::int64_t whole = graph.frame(0).totalNs;
    QString text = frame == 0 ? frameLabel(0)
                              : QString::fromStdString(graph.services()[f.service])
            + QStringLiteral(": ") + frameLabel(frame).left(2000) + QLatin1Char('\n')
            + counted(f.count, tr("span"), tr("spans")) + QStringLiteral(" · ")
            + tr("self %1").arg(duration(f.selfNs));
    text += QLatin1Char('\n')
        + tr("%1 at and below it, %2 of the trace's self time")
              .arg(duration(f.totalNs), percent(f.totalNs, whole));
    return text;
}

void FlameGraphView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    const QPalette &pal = palette();
    painter.fillRect(viewport()->rect(), pal.base());
    if (!m_analysis) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("The flame graph shows here when the open trace has been analysed."));
        return;
    }
    const analysis::FlameGraph &graph = m_analysis->flame;
    const QFontMetrics metrics(font());
    const int top = HeaderHeight - verticalScrollBar()->value() * RowHeight;
    const int height = viewport()->height();
    for (const Box &box : m_boxes) {
        const QRectF rect = box.rect.translated(0, top);
        if (rect.bottom() < HeaderHeight || rect.top() > height)
            continue;
        const analysis::FlameGraph::Frame &frame = graph.frame(box.frame);
        QColor fill = box.frame == 0 ? pal.color(QPalette::Button)
                                     : serviceColour(graph.services()[frame.service]);
        if (isAncestorOfZoom(box.frame))
            fill.setAlpha(110); // above the zoom: context, not content
        // A pixel of the base between neighbours and rows, so merged frames read apart.
        const QRectF shown = rect.adjusted(0, 0, rect.width() > 3 ? -1 : 0, -1);
        painter.fillRect(shown, fill);
        if (box.frame == m_current) {
            painter.setPen(QPen(pal.color(QPalette::Text), 2));
            painter.drawRect(shown.adjusted(1, 1, -1, -1));
        }
        if (rect.width() < MinLabelPx)
            continue;
        painter.setPen(box.frame == 0 ? pal.color(QPalette::ButtonText) : textColourOn(fill));
        const QRectF text = shown.adjusted(4, 0, -4, 0);
        painter.drawText(text, Qt::AlignVCenter | Qt::AlignLeft,
                         metrics.elidedText(frameLabel(box.frame), Qt::ElideRight,
                                            static_cast<int>(text.width())));
    }
    // The header: what is shown, and how much of the trace it is.
    painter.fillRect(QRect(0, 0, viewport()->width(), HeaderHeight), pal.window());
    painter.setPen(pal.color(QPalette::WindowText));
    const analysis::FlameGraph::Frame &zoomed = graph.frame(m_zoom);
    QString header = tr("By self time, same service and operation paths merged");
    if (m_zoom != 0)
        header = tr("Zoomed to %1: %2 of %3 (%4) · Escape zooms out")
                     .arg(frameLabel(m_zoom), duration(zoomed.totalNs),
                          duration(graph.frame(0).totalNs),
                          percent(zoomed.totalNs, graph.frame(0).totalNs));
    else
        header += tr(" · click a frame to zoom, double-click to show its spans");
    painter.drawText(QRect(6, 0, viewport()->width() - 12, HeaderHeight),
                     Qt::AlignVCenter | Qt::AlignLeft,
                     metrics.elidedText(header, Qt::ElideRight, viewport()->width() - 12));
}

void FlameGraphView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void FlameGraphView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void FlameGraphView::zoomTo(int frame)
{
    if (!m_analysis || frame < 0 || frame >= m_analysis->flame.size())
        return;
    m_zoom = frame;
    relayout();
    setCurrent(frame);
}

void FlameGraphView::setSelectedSpan(int span)
{
    if (!m_analysis || span < 0 || span >= static_cast<int>(m_analysis->trace->spans.size()))
        return;
    const int frame = m_analysis->flame.frameOfSpan(span);
    if (frame < 0)
        return;
    // Out of the zoomed part: zoom out so that it can be seen.
    if (m_boxOfFrame[frame] < 0) {
        m_zoom = 0;
        relayout();
    }
    setCurrent(frame);
}

void FlameGraphView::setCurrent(int frame)
{
    m_current = frame;
    const QRectF rect = frameRect(frame);
    if (!rect.isEmpty()) {
        const int row = m_analysis->flame.frame(frame).depth;
        QScrollBar *bar = verticalScrollBar();
        if (row < bar->value())
            bar->setValue(row);
        else if (row >= bar->value() + bar->pageStep())
            bar->setValue(row - bar->pageStep() + 1);
    }
    viewport()->update();
}

void FlameGraphView::choose(int frame)
{
    if (m_analysis && frame > 0)
        emit spansChosen(m_analysis->flame.frame(frame).spans);
}

int FlameGraphView::neighbour(int frame, int step) const
{
    const int parent = m_analysis->flame.frame(frame).parent;
    if (parent < 0)
        return -1;
    const std::vector<int> &siblings = m_analysis->flame.frame(parent).children;
    auto at = std::find(siblings.begin(), siblings.end(), frame) - siblings.begin();
    for (at += step; at >= 0 && at < static_cast<long>(siblings.size()); at += step) {
        if (m_boxOfFrame[siblings[at]] >= 0)
            return siblings[at];
    }
    return -1;
}

void FlameGraphView::keyPressEvent(QKeyEvent *event)
{
    if (!m_analysis) {
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    const analysis::FlameGraph &graph = m_analysis->flame;
    const auto move = [this](int frame) {
        if (frame >= 0)
            setCurrent(frame);
    };
    switch (event->key()) {
    case Qt::Key_Left:
        move(neighbour(m_current, -1));
        break;
    case Qt::Key_Right:
        move(neighbour(m_current, +1));
        break;
    case Qt::Key_Up:
        move(graph.frame(m_current).parent);
        break;
    case Qt::Key_Down:
        for (const int child : graph.frame(m_current).children) {
            if (m_boxOfFrame[child] >= 0) {
                move(child);
                break;
            }
        }
        break;
    case Qt::Key_Space:
        zoomTo(m_current);
        break;
    case Qt::Key_Escape:
    case Qt::Key_Backspace:
        if (m_zoom != 0)
            zoomTo(graph.frame(m_zoom).parent);
        else
            QAbstractScrollArea::keyPressEvent(event);
        break;
    case Qt::Key_Home:
        zoomTo(0);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        choose(m_current);
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

void FlameGraphView::mousePressEvent(QMouseEvent *event)
{
    const int frame = frameAt(event->position().toPoint());
    if (event->button() == Qt::LeftButton && frame >= 0)
        zoomTo(frame);
}

void FlameGraphView::mouseDoubleClickEvent(QMouseEvent *event)
{
    choose(frameAt(event->position().toPoint()));
}

bool FlameGraphView::viewportEvent(QEvent *event)
{
    if (event->type() != QEvent::ToolTip || !m_analysis)
        return QAbstractScrollArea::viewportEvent(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    const int frame = frameAt(help->pos());
    if (frame < 0)
        QToolTip::hideText();
    else
        QToolTip::showText(help->globalPos(), frameTooltip(frame), viewport());
    return true;
}

} // namespace spanscope::ui

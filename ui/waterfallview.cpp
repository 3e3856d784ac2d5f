#include "waterfallview.h"

#include "counted.h"
#include "logrowsmodel.h"
#include "servicecolour.h"

#include <tracetext.h>

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>
#include <unordered_map>

namespace spanscope::ui {

namespace {

constexpr int MinTickSpacingPx = 90;
constexpr int MinDragPx = 4; // a shorter drag is a click
const std::vector<int> NoRows;
const QColor ErrorColour(220, 50, 47);
const QColor MatchColour(255, 200, 40);
const QColor InsightColour(230, 110, 0); // orange: apart from the red of errors in both themes
constexpr int EdgeMarkerWidth = 7;
constexpr int ErrorCapWidth = 4;
constexpr int ErrorMarkSize = 8;
constexpr int MaxFoldedPattern = 200; // characters of a folded run's pattern in its label

// A finding's badge on a folded row: short, as the column is narrow.
QString badgeText(analysis::InsightKind kind)
{
    switch (kind) {
    case analysis::InsightKind::NPlusOneDb:
    case analysis::InsightKind::NPlusOneHttp:
        return QStringLiteral("N+1");
    case analysis::InsightKind::SequentialCalls:
        return QStringLiteral("seq");
    case analysis::InsightKind::RepeatedCall:
        return QStringLiteral("dup");
    case analysis::InsightKind::BrokenPropagation:
        return QStringLiteral("link");
    case analysis::InsightKind::SlowQuery:
        return QStringLiteral("slow");
    }
    return {};
}

// "SELECT a, b, c FROM items WHERE id = ?" -> "SELECT … FROM items WHERE id = ?": the column
// list says least and is longest.
QString foldedPattern(const std::string &pattern)
{
    QString text = QString::fromStdString(pattern);
    if (text.startsWith(QLatin1String("SELECT "), Qt::CaseInsensitive)) {
        const qsizetype from = text.indexOf(QLatin1String(" FROM "), 0, Qt::CaseInsensitive);
        if (from > 7 + 3)
            text = text.left(7) + QStringLiteral("…") + text.mid(from);
    }
    return text.size() > MaxFoldedPattern ? text.left(MaxFoldedPattern) + QStringLiteral("…")
                                          : text;
}

std::string spanKey(const storage::Span &span)
{
    return std::string(reinterpret_cast<const char *>(span.spanId.data()), span.spanId.size());
}

} // namespace

QList<QPair<QString, QString>> WaterfallView::keyHelp()
{
    return {
        {tr("Up / Down"), tr("Waterfall: previous / next span")},
        {tr("Left / Right"),
         tr("Waterfall: collapse / expand, fold / unfold repeated spans (Left again: parent)")},
        {tr("Home / End, PgUp / PgDn"), tr("Waterfall: first / last, page")},
        {tr("+ / - / 0"), tr("Waterfall: zoom in / out / whole trace")},
        {tr("E / Shift+E"), tr("Waterfall: next / previous span in error")},
        {tr("Shift+Left / Right"), tr("Waterfall: pan")},
        {tr("Ctrl+Wheel, Shift+Wheel"), tr("Waterfall: zoom at pointer / pan")},
        {tr("Drag on the bars"), tr("Waterfall: zoom to that time range")},
    };
}

WaterfallView::WaterfallView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    horizontalScrollBar()->hide();
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setAccessibleName(tr("Waterfall"));
    viewport()->setMouseTracking(true); // the column border shows its resize cursor on hover
}

void WaterfallView::setLabelWidth(int width)
{
    width = std::clamp(width, MinimumLabelWidth, MaximumLabelWidth);
    if (width == m_labelWidth)
        return;
    const TimeMapper before = m_mapper;
    m_labelWidth = width;
    m_mapper = before.resized(timelineWidth());
    if (m_layout)
        m_mapper = m_mapper.clampedTo(axisDuration());
    viewport()->update();
    emit viewChanged();
}

WaterfallView::~WaterfallView() = default;

void WaterfallView::setAxisDuration(std::int64_t ns)
{
    m_axisNs = ns;
    if (m_layout)
        showRange(0, axisDuration());
}

std::int64_t WaterfallView::axisDuration() const
{
    return std::max(m_layout ? m_layout->durationNs() : 0, m_axisNs);
}

void WaterfallView::setTrace(std::shared_ptr<const storage::TraceData> trace,
                             std::shared_ptr<const WaterfallLayout> layout, bool keepView)
{
    // What to carry over to the new layout, by span id: rows move as spans arrive.
    std::string selectedSpan;
    std::vector<std::string> collapsedSpans, unfoldedRuns; // runs by their first span
    if (keepView && m_layout && m_trace) {
        const auto keyOf = [this](int row) {
            return m_layout->isPlaceholder(row) ? std::string()
                                                : spanKey(m_trace->spans[m_layout->span(row)].span);
        };
        if (m_selected >= 0)
            selectedSpan = keyOf(m_selected);
        for (int row = 0; row < m_layout->rowCount(); ++row) {
            if (m_rows->isCollapsed(row))
                collapsedSpans.push_back(keyOf(row));
        }
        for (int run = 0; run < static_cast<int>(m_layout->runs().size()); ++run) {
            if (!m_rows->isFolded(run))
                unfoldedRuns.push_back(keyOf(m_layout->runs()[run].first));
        }
    }
    const TimeMapper previous = m_mapper;
    const int previousScroll = verticalScrollBar()->value();

    m_trace = std::move(trace);
    m_layout = std::move(layout);
    m_rows = m_layout ? std::make_unique<VisibleRows>(*m_layout, m_folding) : nullptr;
    m_selected = -1;
    m_matches.clear();
    m_isMatch.assign(m_layout ? m_layout->rowCount() : 0, 0);
    m_criticalPath.clear();
    m_markers.clear();
    m_findings.clear();
    m_findingOfRow.clear();
    m_findingOfRun.clear();
    const std::int64_t duration = axisDuration();
    m_mapper = TimeMapper(0, std::max<std::int64_t>(duration, TimeMapper::MinVisibleNs),
                          timelineWidth());
    if (keepView && m_layout) {
        std::unordered_map<std::string, int> rowOfSpan;
        for (int i = 0; i < static_cast<int>(m_trace->spans.size()); ++i)
            rowOfSpan.emplace(spanKey(m_trace->spans[i].span), m_layout->rowOfSpan(i));
        for (const std::string &key : collapsedSpans) {
            if (auto it = rowOfSpan.find(key); it != rowOfSpan.end())
                m_rows->setCollapsed(it->second, true);
        }
        for (const std::string &key : unfoldedRuns) {
            if (auto it = rowOfSpan.find(key); it != rowOfSpan.end())
                m_rows->setFolded(m_layout->runOf(it->second), false);
        }
        if (auto it = rowOfSpan.find(selectedSpan); it != rowOfSpan.end())
            m_selected = it->second;
        m_mapper = previous.resized(timelineWidth()).clampedTo(duration);
    }
    updateScrollBars();
    verticalScrollBar()->setValue(keepView ? previousScroll : 0);
    viewport()->update();
    emit viewChanged();
}

const std::vector<int> &WaterfallView::visibleRows() const
{
    return m_rows ? m_rows->rows() : NoRows;
}

int WaterfallView::timelineWidth() const
{
    return std::max(1, viewport()->width() - m_labelWidth);
}

void WaterfallView::setMapper(const TimeMapper &mapper)
{
    m_mapper = m_layout ? mapper.clampedTo(axisDuration()) : mapper;
    viewport()->update();
    emit viewChanged();
}

void WaterfallView::showRange(std::int64_t from, std::int64_t to)
{
    setMapper(m_mapper.showing(from, to));
}

void WaterfallView::rowsChanged()
{
    updateScrollBars();
    viewport()->update();
    emit viewChanged();
}

void WaterfallView::collapseAll()
{
    if (!m_rows)
        return;
    m_rows->collapseAll();
    if (m_selected >= 0 && visiblePosition(m_selected) < 0)
        selectRow(visibleRows().front());
    rowsChanged();
}

void WaterfallView::expandAll()
{
    if (!m_rows)
        return;
    m_rows->expandAll();
    rowsChanged();
}

void WaterfallView::setCollapsed(int layoutRow, bool collapsed)
{
    toggle(layoutRow, collapsed);
}

void WaterfallView::setFolding(bool on)
{
    m_folding = on;
    if (!m_rows)
        return;
    m_rows->setAllFolded(on);
    rowsChanged();
    // A span of a run now folded: the outermost folded row stands for it.
    int standIn = -1;
    for (int row = m_selected; row >= 0; row = m_layout->parent(row)) {
        if (const int run = m_layout->runOf(row); run >= 0 && m_rows->isFolded(run))
            standIn = m_layout->runs()[run].first;
    }
    if (standIn >= 0)
        selectRow(standIn);
    ensureVisible(m_selected);
}

void WaterfallView::setRunFolded(int run, bool folded)
{
    if (!m_rows || run < 0 || run >= static_cast<int>(m_layout->runs().size()))
        return;
    const WaterfallLayout::Run &shown = m_layout->runs()[run];
    m_rows->setFolded(run, folded);
    if (folded && m_selected >= shown.first && m_selected < shown.end)
        selectRow(shown.first);
    rowsChanged();
}

bool WaterfallView::foldRunOf(int layoutRow)
{
    const int run = layoutRow >= 0 && m_rows ? m_layout->runOf(layoutRow) : -1;
    if (run < 0 || m_rows->isFolded(run))
        return false;
    setRunFolded(run, true);
    return true;
}

void WaterfallView::setInsights(const std::vector<analysis::Insight> &insights)
{
    m_findings.clear();
    m_findingOfRow.clear();
    m_findingOfRun.clear();
    if (!m_layout || insights.empty()) {
        viewport()->update();
        return;
    }
    m_findingOfRow.assign(m_layout->rowCount(), -1);
    m_findingOfRun.assign(m_layout->runs().size(), -1);
    const int spanCount = static_cast<int>(m_trace->spans.size());
    for (const analysis::Insight &insight : insights) {
        const int finding = static_cast<int>(m_findings.size());
        m_findings.push_back({insight.kind, QString::fromStdString(insight.message)});
        for (const int span : insight.spans) {
            if (span < 0 || span >= spanCount)
                continue; // found on another version of the trace
            const int row = m_layout->rowOfSpan(span);
            // The findings come most time to save first: a span keeps the first that names it.
            if (m_findingOfRow[row] < 0)
                m_findingOfRow[row] = finding;
            if (const int run = m_layout->runOf(row); run >= 0 && m_findingOfRun[run] < 0)
                m_findingOfRun[run] = finding;
        }
    }
    viewport()->update();
}

int WaterfallView::insightAt(int layoutRow) const
{
    if (m_findingOfRow.empty() || layoutRow < 0 || layoutRow >= m_layout->rowCount())
        return -1;
    if (const int run = foldedRunAt(layoutRow); run >= 0)
        return m_findingOfRun[run];
    return m_findingOfRow[layoutRow];
}

void WaterfallView::setMatches(std::vector<int> rows)
{
    m_matches = std::move(rows);
    m_isMatch.assign(m_layout ? m_layout->rowCount() : 0, 0);
    for (const int row : m_matches) {
        if (row >= 0 && row < static_cast<int>(m_isMatch.size()))
            m_isMatch[row] = 1;
    }
    // A match inside a collapsed parent is opened at once: found means shown.
    if (m_rows && m_rows->revealAll(m_matches))
        rowsChanged();
    viewport()->update();
}

void WaterfallView::selectNextError(int step)
{
    if (!m_layout || m_layout->rowCount() == 0)
        return;
    const int count = m_layout->rowCount();
    int row = m_selected;
    for (int tried = 0; tried < count; ++tried) {
        row = ((row < 0 && step < 0 ? count : row) + step + count) % count;
        if ((m_layout->flags(row) & WaterfallLayout::Error) && !m_layout->isPlaceholder(row)) {
            selectRow(row);
            return;
        }
    }
}

void WaterfallView::setCriticalPath(std::vector<std::uint8_t> onPath)
{
    m_criticalPath = std::move(onPath);
    if (m_layout && !m_criticalPath.empty()
        && static_cast<int>(m_criticalPath.size()) != m_layout->rowCount())
        m_criticalPath.clear(); // computed for another layout
    viewport()->update();
}

void WaterfallView::setLogMarkers(std::vector<LogMarker> markers)
{
    std::stable_sort(markers.begin(), markers.end(),
                     [](const LogMarker &a, const LogMarker &b) { return a.row < b.row; });
    m_markers = std::move(markers);
    viewport()->update();
}

std::pair<std::vector<LogMarker>::const_iterator, std::vector<LogMarker>::const_iterator>
WaterfallView::markersOf(int row) const
{
    return std::equal_range(m_markers.begin(), m_markers.end(), LogMarker{row, 0, 0, 0},
                            [](const LogMarker &a, const LogMarker &b) { return a.row < b.row; });
}

QRect WaterfallView::markerRect(const LogMarker &marker) const
{
    const int position = m_layout ? visiblePosition(marker.row) : -1;
    if (position < 0)
        return {};
    const int y = AxisHeight + (position - verticalScrollBar()->value()) * RowHeight;
    const int x = m_labelWidth + static_cast<int>(std::lround(m_mapper.toX(marker.time)));
    return QRect(x - 2, y + RowHeight - 7, 5, 6);
}

int WaterfallView::firstShownPosition() const
{
    return verticalScrollBar()->value();
}

int WaterfallView::shownRowCapacity() const
{
    return std::max(1, (viewport()->height() - AxisHeight) / RowHeight);
}

void WaterfallView::scrollToPosition(int position)
{
    verticalScrollBar()->setValue(position);
}

void WaterfallView::updateScrollBars()
{
    const int rows = static_cast<int>(visibleRows().size());
    verticalScrollBar()->setRange(0, std::max(0, rows - shownRowCapacity()));
    verticalScrollBar()->setPageStep(shownRowCapacity());
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

std::pair<double, double> WaterfallView::barSpan(int layoutRow) const
{
    std::int64_t end = m_layout->end(layoutRow);
    if (const int run = foldedRunAt(layoutRow); run >= 0)
        end = m_layout->end(m_layout->runs()[run].last); // the folded row stands for them all
    return {m_labelWidth + m_mapper.toX(m_layout->start(layoutRow)),
            m_labelWidth + m_mapper.toX(end)};
}

std::pair<double, double> WaterfallView::spanExtent(int layoutRow) const
{
    return {m_labelWidth + m_mapper.toX(m_layout->start(layoutRow)),
            m_labelWidth + m_mapper.toX(m_layout->end(layoutRow))};
}

QRect WaterfallView::barRect(int layoutRow) const
{
    const int position = m_layout ? visiblePosition(layoutRow) : -1;
    if (position < 0)
        return {};
    const int y = AxisHeight + (position - verticalScrollBar()->value()) * RowHeight;
    const auto [x0, x1] = barSpan(layoutRow);
    // A bar clamped to the edge would stand where the span is not (the edge marker says where).
    if (x1 < m_labelWidth || x0 > viewport()->width())
        return {};
    const int left = static_cast<int>(
        std::floor(std::clamp(x0, double(m_labelWidth), double(viewport()->width()))));
    const int right = static_cast<int>(
        std::ceil(std::clamp(x1, double(m_labelWidth), double(viewport()->width()))));
    return QRect(left, y + 4, std::max(1, right - left), RowHeight - 8);
}

QRect WaterfallView::edgeMarkerRect(int layoutRow) const
{
    const int position = m_layout ? visiblePosition(layoutRow) : -1;
    if (position < 0)
        return {};
    const auto [x0, x1] = barSpan(layoutRow);
    const int y = AxisHeight + (position - verticalScrollBar()->value()) * RowHeight;
    if (x1 < m_labelWidth)
        return QRect(m_labelWidth + 2, y + 4, EdgeMarkerWidth, RowHeight - 8);
    if (x0 > viewport()->width())
        return QRect(viewport()->width() - 2 - EdgeMarkerWidth, y + 4, EdgeMarkerWidth,
                     RowHeight - 8);
    return {};
}

void WaterfallView::zoomKeepingSelection(double factor)
{
    double anchor = timelineWidth() / 2.0;
    if (m_layout && m_selected >= 0) {
        const std::int64_t middle = (m_layout->start(m_selected) + m_layout->end(m_selected)) / 2;
        const double x = m_mapper.toX(middle);
        if (x < 0 || x > timelineWidth()) {
            const auto half = static_cast<std::int64_t>(m_mapper.viewDuration() / factor / 2);
            return showRange(middle - half, middle + half);
        }
        anchor = x;
    }
    setMapper(m_mapper.zoomed(factor, anchor));
}

QString WaterfallView::label(int row) const
{
    if (m_layout->flags(row) & WaterfallLayout::ParentCycle)
        return tr("(spans whose parents form a cycle)");
    if (m_layout->isPlaceholder(row))
        return tr("(parent span not received)");
    if (const int run = foldedRunAt(row); run >= 0) {
        const WaterfallLayout::Run &folded = m_layout->runs()[run];
        return foldedPattern(folded.pattern) + QStringLiteral(" ×%1").arg(folded.count);
    }
    return QString::fromStdString(m_trace->spans[m_layout->span(row)].span.name);
}

void WaterfallView::paintAxis(QPainter &painter)
{
    const QPalette &pal = palette();
    painter.fillRect(QRect(0, 0, viewport()->width(), AxisHeight), pal.window());
    painter.setPen(pal.color(QPalette::WindowText));
    painter.drawText(QRect(6, 0, m_labelWidth - 12, AxisHeight), Qt::AlignVCenter | Qt::AlignLeft,
                     counted(qint64(m_trace->spans.size()), tr("span"), tr("spans")));
    // 1-2-5 ticks with grid lines through the rows.
    const std::int64_t step = m_mapper.tickStep(MinTickSpacingPx);
    for (const std::int64_t tick : m_mapper.ticks(MinTickSpacingPx)) {
        const int x = m_labelWidth + static_cast<int>(std::lround(m_mapper.toX(tick)));
        painter.setPen(pal.color(QPalette::Mid));
        painter.drawLine(x, AxisHeight - 6, x, viewport()->height());
        // A label that would be cut at the right edge is left out; its line stays.
        const QString label = TimeMapper::tickLabel(tick, step);
        if (x + 3 + painter.fontMetrics().horizontalAdvance(label) > viewport()->width())
            continue;
        painter.setPen(pal.color(QPalette::WindowText));
        painter.drawText(QRect(x + 3, 0, MinTickSpacingPx, AxisHeight),
                         Qt::AlignVCenter | Qt::AlignLeft, label);
    }
}

void WaterfallView::paintRow(QPainter &painter, int position, int row, const QFontMetrics &metrics)
{
    const QPalette &pal = palette();
    const int width = viewport()->width();
    const int y = AxisHeight + (position - verticalScrollBar()->value()) * RowHeight;
    const bool selected = row == m_selected;
    if (selected)
        painter.fillRect(QRect(0, y, width, RowHeight), pal.highlight());
    else if (position % 2)
        painter.fillRect(QRect(0, y, width, RowHeight), pal.alternateBase());

    // Label: indentation guides, the expander, the name (highlighted when it matches a search).
    const int depth = m_layout->depth(row);
    const int indent = 4 + depth * IndentPx;
    painter.setPen(pal.color(QPalette::Mid));
    for (int level = 0; level < depth && 4 + level * IndentPx < m_labelWidth; ++level) {
        const int x = 4 + level * IndentPx + IndentPx / 2;
        painter.drawLine(x, y, x, y + RowHeight - 1);
    }
    const QColor text = selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text);
    painter.setPen(text);
    const int foldedRun = foldedRunAt(row);
    if (foldedRun >= 0) {
        painter.drawText(QRect(indent, y, IndentPx, RowHeight), Qt::AlignCenter,
                         QStringLiteral("⊞"));
    } else if (m_layout->flags(row) & WaterfallLayout::HasChildren) {
        painter.drawText(QRect(indent, y, IndentPx, RowHeight), Qt::AlignCenter,
                         m_rows->isCollapsed(row) ? QStringLiteral("▸") : QStringLiteral("▾"));
    }
    const int nameLeft = indent + IndentPx;
    const bool error = foldedRun >= 0 ? m_layout->runs()[foldedRun].errors > 0
                                      : (m_layout->flags(row) & WaterfallLayout::Error) != 0;
    // An error is marked at the end of the name column too, where the eye runs down the names;
    // a finding just before it.
    const int finding = insightAt(row);
    const int markWidth = finding < 0 ? 0
        : foldedRun >= 0 ? metrics.horizontalAdvance(badgeText(m_findings[finding].kind)) + 12
                         : ErrorMarkSize + 6;
    const int nameWidth = m_labelWidth - nameLeft - 4 - (error ? ErrorMarkSize + 6 : 0) - markWidth;
    if (finding >= 0) {
        painter.save();
        painter.translate(m_labelWidth - (error ? ErrorMarkSize + 6 : 0) - markWidth, 0);
        paintInsightMark(painter, finding, y, foldedRun >= 0);
        painter.restore();
    }
    if (error) {
        painter.save();
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(ErrorColour);
        painter.drawEllipse(QRect(m_labelWidth - ErrorMarkSize - 6,
                                  y + (RowHeight - ErrorMarkSize) / 2, ErrorMarkSize,
                                  ErrorMarkSize));
        painter.restore();
        painter.setPen(text);
    }
    if (nameWidth > 0) {
        const QString name = metrics.elidedText(label(row), Qt::ElideRight, nameWidth);
        if (m_isMatch[row]) {
            painter.fillRect(
                QRect(nameLeft - 2, y + 2, metrics.horizontalAdvance(name) + 4, RowHeight - 4),
                MatchColour);
            painter.setPen(Qt::black);
        } else if (m_layout->isPlaceholder(row)) {
            painter.setPen(pal.color(QPalette::PlaceholderText));
        }
        painter.drawText(QRect(nameLeft, y, nameWidth, RowHeight), Qt::AlignVCenter | Qt::AlignLeft,
                         name);
    }

    // Bar, coloured by service; an error keeps it, framed in red with a red end cap, so the
    // service still reads. With the critical path shown, the spans off it are faded.
    const QRect bar = barRect(row);
    if (bar.isEmpty()) {
        paintEdgeMarker(painter, row, error, text, metrics);
        return;
    }
    const bool faded = !m_criticalPath.empty() && !m_criticalPath[row];
    QColor fill = m_layout->isPlaceholder(row)
        ? QColor()
        : serviceColour(m_layout->services()[m_layout->service(row)]);
    if (foldedRun >= 0) {
        paintFoldedBars(painter, foldedRun, y, fill);
    } else if (m_layout->isPlaceholder(row)) {
        painter.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DashLine));
        painter.drawRect(bar.adjusted(0, 0, -1, -1));
    } else {
        QColor red = ErrorColour;
        if (faded) {
            fill.setAlpha(60);
            red.setAlpha(60);
        }
        painter.fillRect(bar, fill);
        if (error) {
            painter.setPen(QPen(red, 2));
            painter.drawRect(QRectF(bar).adjusted(1, 1, -1, -1));
            painter.fillRect(
                QRect(bar.right() - ErrorCapWidth + 1, bar.top(), ErrorCapWidth, bar.height()),
                red);
        }
        if (!faded && !m_criticalPath.empty())
            painter.fillRect(QRect(bar.left(), bar.top() - 2, bar.width(), 2), pal.text());
        // Span events as ticks on the bar.
        painter.setPen(pal.color(QPalette::Text));
        for (const storage::SpanEvent &event : m_trace->spans[m_layout->span(row)].span.events) {
            const double x = m_labelWidth
                + m_mapper.toX(static_cast<std::int64_t>(event.timeUnixNano)
                               - m_trace->summary.startNs);
            if (x >= m_labelWidth && x <= width)
                painter.drawLine(QPointF(x, bar.top()), QPointF(x, bar.bottom()));
        }
    }
    // Log records on the row, as small marks at their time along the bottom edge.
    const auto [firstMarker, lastMarker] = markersOf(row);
    for (auto marker = firstMarker; marker != lastMarker; ++marker) {
        const QRect mark = markerRect(*marker);
        if (mark.left() >= m_labelWidth && mark.right() <= width) {
            painter.fillRect(mark.adjusted(-1, -1, 1, 1), pal.base());
            painter.fillRect(mark, severityColour(marker->severity));
        }
    }
    // Duration and service beside the bar, right of it when there is room, else left; a
    // folded run says how many and how long they took together.
    QString detail = foldedRun >= 0
        ? QStringLiteral("×%1 · %2")
              .arg(m_layout->runs()[foldedRun].count)
              .arg(QString::fromStdString(
                  storage::formatDuration(m_layout->runs()[foldedRun].totalNs)))
        : QString::fromStdString(
            storage::formatDuration(m_layout->end(row) - m_layout->start(row)));
    if (!m_layout->isPlaceholder(row))
        detail += QStringLiteral("  ")
            + QString::fromStdString(m_layout->services()[m_layout->service(row)]);
    const int textWidth = metrics.horizontalAdvance(detail);
    painter.setPen(text);
    if (bar.right() + 6 + textWidth < width)
        painter.drawText(QRect(bar.right() + 6, y, textWidth + 2, RowHeight), Qt::AlignVCenter,
                         detail);
    else if (bar.left() - 6 - textWidth > m_labelWidth)
        painter.drawText(QRect(bar.left() - 6 - textWidth, y, textWidth + 2, RowHeight),
                         Qt::AlignVCenter, detail);
    else if (fill.isValid() && bar.width() > textWidth + 12 + ErrorCapWidth) {
        // A bar across the view has no room beside it: the label goes inside, on a plate of
        // the background where it would cross a folded run's separate bars.
        const QRect place(bar.left() + 6, y, textWidth + 2, RowHeight);
        if (foldedRun >= 0) {
            painter.fillRect(place.adjusted(-3, 3, 3, -3), pal.base());
            painter.setPen(pal.color(QPalette::Text));
        } else {
            painter.setPen(textColourOn(fill));
        }
        painter.drawText(place, Qt::AlignVCenter, detail);
    }
}

// Every span of a folded run on its one row, each where it ran, with a line under them from the
// first to the last so the run reads as one.
void WaterfallView::paintFoldedBars(QPainter &painter, int run, int y, const QColor &fill)
{
    const WaterfallLayout::Run &folded = m_layout->runs()[run];
    const int width = viewport()->width();
    int member = folded.first;
    int paintedTo = -1; // the right edge painted so far: a pixel is filled once
    for (int i = 0; i < folded.count; ++i, member = m_layout->subtreeEnd(member)) {
        const auto [x0, x1] = spanExtent(member);
        if (x1 < m_labelWidth || x0 > width)
            continue;
        const int left = static_cast<int>(std::floor(std::max(x0, double(m_labelWidth))));
        const int right = static_cast<int>(std::ceil(std::min(x1, double(width))));
        if (right <= paintedTo)
            continue;
        const int from = std::max(left, paintedTo);
        const QColor colour
            = (m_layout->flags(member) & WaterfallLayout::Error) ? ErrorColour : fill;
        painter.fillRect(QRect(from, y + 4, std::max(1, right - from), RowHeight - 8), colour);
        // A thin gap between neighbours that touch, so the count can be seen when zoomed in.
        if (right - left > 3)
            painter.fillRect(QRect(right - 1, y + 4, 1, RowHeight - 8), palette().base());
        paintedTo = right;
    }
    const double from = std::max(spanExtent(folded.first).first, double(m_labelWidth));
    const double to = std::min(spanExtent(folded.last).second, double(width));
    if (to > from)
        painter.fillRect(QRectF(from, y + RowHeight - 4, to - from, 1), fill);
}

void WaterfallView::paintInsightMark(QPainter &painter, int finding, int y, bool badge)
{
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(InsightColour);
    if (!badge) {
        // A diamond: a different shape from the error's dot, for eyes that mix the colours.
        const QPointF c(ErrorMarkSize / 2.0, y + RowHeight / 2.0);
        const double r = ErrorMarkSize / 2.0 + 0.5;
        painter.drawPolygon(QPolygonF(
            {c + QPointF(0, -r), c + QPointF(r, 0), c + QPointF(0, r), c + QPointF(-r, 0)}));
        return;
    }
    const QString text = badgeText(m_findings[finding].kind);
    const QFontMetrics metrics(painter.font());
    const QRectF box(0, y + 3, metrics.horizontalAdvance(text) + 8, RowHeight - 6);
    painter.drawRoundedRect(box, 3, 3);
    painter.setPen(textColourOn(InsightColour));
    painter.drawText(box, Qt::AlignCenter, text);
}

// A span outside the time range in view: an arrow at that edge in its colour, and its
// duration beside it, so the row never looks empty or as if the span were at the edge.
void WaterfallView::paintEdgeMarker(QPainter &painter, int row, bool error, const QColor &text,
                                    const QFontMetrics &metrics)
{
    const QRect mark = edgeMarkerRect(row);
    if (mark.isEmpty())
        return;
    const bool left = mark.left() < m_labelWidth + EdgeMarkerWidth;
    const QColor colour = m_layout->isPlaceholder(row) ? palette().color(QPalette::Mid)
        : error                                        ? ErrorColour
                : serviceColour(m_layout->services()[m_layout->service(row)]);
    const QPolygon arrow = left
        ? QPolygon({QPoint(mark.left(), mark.center().y()), mark.topRight(), mark.bottomRight()})
        : QPolygon({QPoint(mark.right(), mark.center().y()), mark.topLeft(), mark.bottomLeft()});
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(colour);
    painter.drawPolygon(arrow);
    painter.restore();
    const QString detail = QString::fromStdString(
        storage::formatDuration(m_layout->end(row) - m_layout->start(row)));
    const int textWidth = metrics.horizontalAdvance(detail);
    painter.setPen(text);
    painter.drawText(
        left ? QRect(mark.right() + 4, mark.top() - 4, textWidth + 2, RowHeight)
             : QRect(mark.left() - 6 - textWidth, mark.top() - 4, textWidth + 2, RowHeight),
        Qt::AlignVCenter, detail);
}

void WaterfallView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    const QPalette &pal = palette();
    painter.fillRect(viewport()->rect(), pal.base());
    if (!m_layout) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Open a trace from the list (Enter or a double-click) to see its "
                            "spans here."));
        return;
    }
    paintAxis(painter);
    const auto &rows = visibleRows();
    const int first = verticalScrollBar()->value();
    const int last = std::min<int>(first + shownRowCapacity() + 1, static_cast<int>(rows.size()));
    const QFontMetrics metrics(font());
    for (int position = first; position < last; ++position)
        paintRow(painter, position, rows[position], metrics);
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawLine(m_labelWidth - 1, 0, m_labelWidth - 1, viewport()->height());
    if (m_dragFromX >= 0) {
        QColor band = pal.color(QPalette::Highlight);
        band.setAlpha(70);
        const int left = std::min(m_dragFromX, m_dragToX);
        painter.fillRect(QRect(left, 0, std::abs(m_dragToX - m_dragFromX), viewport()->height()),
                         band);
    }
}

void WaterfallView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    m_mapper = m_mapper.resized(timelineWidth());
    updateScrollBars();
    emit viewChanged();
}

void WaterfallView::scrollContentsBy(int, int)
{
    viewport()->update();
    emit viewChanged();
}

void WaterfallView::wheelEvent(QWheelEvent *event)
{
    const double x = event->position().x() - m_labelWidth;
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
    if (layoutRow >= 0) {
        if (visiblePosition(layoutRow) < 0) {
            m_rows->reveal(layoutRow);
            rowsChanged();
        }
        ensureVisible(layoutRow);
    }
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
    if (!m_rows || layoutRow < 0 || layoutRow >= m_layout->rowCount())
        return;
    if (const int run = foldedRunAt(layoutRow); run >= 0) {
        if (!collapse)
            setRunFolded(run, false);
        return;
    }
    if (!(m_layout->flags(layoutRow) & WaterfallLayout::HasChildren))
        return;
    m_rows->setCollapsed(layoutRow, collapse);
    rowsChanged();
}

void WaterfallView::activate(int layoutRow)
{
    if (layoutRow >= 0)
        toggle(layoutRow, foldedRunAt(layoutRow) < 0 && !m_rows->isCollapsed(layoutRow));
}

void WaterfallView::keyPressEvent(QKeyEvent *event)
{
    const auto &rows = visibleRows();
    const int count = static_cast<int>(rows.size());
    const int position = m_selected >= 0 ? visiblePosition(m_selected) : -1;
    const auto selectPosition = [&](int p) {
        if (count > 0)
            selectRow(rows[std::clamp(p, 0, count - 1)]);
    };
    switch (event->key()) {
    case Qt::Key_Down:
        selectPosition(position + 1);
        break;
    case Qt::Key_Up:
        selectPosition(position - 1);
        break;
    case Qt::Key_PageDown:
        selectPosition(position + shownRowCapacity());
        break;
    case Qt::Key_PageUp:
        selectPosition(position - shownRowCapacity());
        break;
    case Qt::Key_Home:
        selectPosition(0);
        break;
    case Qt::Key_End:
        selectPosition(count - 1);
        break;
    case Qt::Key_Left:
        if (event->modifiers() & Qt::ShiftModifier)
            setMapper(m_mapper.panned(timelineWidth() / 4.0));
        else if (m_selected >= 0 && foldedRunAt(m_selected) < 0
                 && (m_layout->flags(m_selected) & WaterfallLayout::HasChildren)
                 && !m_rows->isCollapsed(m_selected))
            toggle(m_selected, true);
        else if (foldRunOf(m_selected))
            break;
        else if (m_selected >= 0 && m_layout->parent(m_selected) >= 0)
            selectRow(m_layout->parent(m_selected));
        break;
    case Qt::Key_Right:
        if (event->modifiers() & Qt::ShiftModifier)
            setMapper(m_mapper.panned(-timelineWidth() / 4.0));
        else
            toggle(m_selected, false);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        activate(m_selected);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomKeepingSelection(2);
        break;
    case Qt::Key_Minus:
        zoomKeepingSelection(0.5);
        break;
    case Qt::Key_0:
        if (m_layout)
            showRange(0, axisDuration());
        break;
    case Qt::Key_E:
        selectNextError(event->modifiers() & Qt::ShiftModifier ? -1 : +1);
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

namespace {

// How near the name column's border a press grabs it.
constexpr int BorderGrabPx = 4;

} // namespace

void WaterfallView::mousePressEvent(QMouseEvent *event)
{
    const int x = static_cast<int>(event->position().x());
    const int y = static_cast<int>(event->position().y());
    if (event->button() == Qt::LeftButton && std::abs(x - m_labelWidth) <= BorderGrabPx) {
        m_resizingLabels = true;
        m_resizeGrab = x - m_labelWidth; // the border keeps its place under the pointer
        return;
    }
    if (event->button() == Qt::LeftButton && x >= m_labelWidth && m_layout) {
        m_dragFromX = m_dragToX = x; // a click or the start of a range to zoom to
        return;
    }
    const int row = rowAt(y);
    if (row < 0)
        return;
    const int indent = 4 + m_layout->depth(row) * IndentPx;
    if (x >= indent && x < indent + IndentPx)
        activate(row); // the expander
    selectRow(row);
}

void WaterfallView::contextMenuEvent(QContextMenuEvent *event)
{
    const int row = rowAt(event->pos().y()); // viewport coordinates, as the scroll area hands it

    if (row < 0)
        return;
    selectRow(row);
    emit rowMenuRequested(row, event->globalPos());
}

// A row's tooltip: the whole name (the column may cut it), its duration, service and status.
bool WaterfallView::viewportEvent(QEvent *event)
{
    if (event->type() != QEvent::ToolTip || !m_layout)
        return QAbstractScrollArea::viewportEvent(event);
    const auto *help = static_cast<QHelpEvent *>(event);
    const int row = rowAt(help->pos().y());
    if (row < 0) {
        QToolTip::hideText();
        return true;
    }
    QString text = label(row) + QLatin1Char('\n')
        + QString::fromStdString(
                       storage::formatDuration(m_layout->end(row) - m_layout->start(row)));
    if (const int run = foldedRunAt(row); run >= 0) {
        const WaterfallLayout::Run &folded = m_layout->runs()[run];
        text = QString::fromStdString(folded.pattern).left(2000) + QLatin1Char('\n')
            + tr("%1 calls one after another in %2: %3 together, %4 from the first to the end "
                 "of the last")
                  .arg(folded.count)
                  .arg(QString::fromStdString(m_layout->services()[m_layout->service(row)]))
                  .arg(QString::fromStdString(storage::formatDuration(folded.totalNs)))
                  .arg(QString::fromStdString(storage::formatDuration(
                      m_layout->end(folded.last) - m_layout->start(folded.first))));
        if (folded.errors > 0)
            text += QLatin1Char('\n') + tr("%1 in error").arg(folded.errors);
        if (const int finding = insightAt(row); finding >= 0)
            text += QLatin1Char('\n') + m_findings[finding].message;
        text += QLatin1Char('\n') + tr("Enter or a click on ⊞ shows them one by one");
        QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    if (!m_layout->isPlaceholder(row)) {
        text += QStringLiteral(" · ")
            + QString::fromStdString(m_layout->services()[m_layout->service(row)]);
        const storage::Span &span = m_trace->spans[m_layout->span(row)].span;
        if (span.statusCode == storage::StatusCode::Error)
            text += QStringLiteral(" · ") + tr("error")
                + (span.statusMessage.empty()
                       ? QString()
                       : QStringLiteral(": ") + QString::fromStdString(span.statusMessage));
    }
    if (const int finding = insightAt(row); finding >= 0)
        text += QLatin1Char('\n') + m_findings[finding].message;
    QToolTip::showText(help->globalPos(), text, viewport());
    return true;
}

void WaterfallView::mouseMoveEvent(QMouseEvent *event)
{
    const int x = static_cast<int>(event->position().x());
    if (m_resizingLabels) {
        setLabelWidth(std::min(x - m_resizeGrab, viewport()->width() - 200)); // bars keep room
        return;
    }
    viewport()->setCursor(std::abs(x - m_labelWidth) <= BorderGrabPx ? Qt::SplitHCursor
                                                                     : Qt::ArrowCursor);
    if (m_dragFromX < 0)
        return;
    m_dragToX = std::clamp(static_cast<int>(event->position().x()), m_labelWidth,
                           viewport()->width() - 1);
    viewport()->update();
}

void WaterfallView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_resizingLabels) {
        m_resizingLabels = false;
        emit labelWidthChanged(m_labelWidth);
        return;
    }
    if (m_dragFromX < 0)
        return;
    const int from = std::min(m_dragFromX, m_dragToX);
    const int to = std::max(m_dragFromX, m_dragToX);
    m_dragFromX = m_dragToX = -1;
    viewport()->update();
    if (to - from >= MinDragPx) {
        showRange(m_mapper.toTime(from - m_labelWidth), m_mapper.toTime(to - m_labelWidth));
        return;
    }
    const int row = rowAt(static_cast<int>(event->position().y()));
    if (row < 0)
        return;
    selectRow(row);
    // A click on a log marker (or within a few pixels of one) also picks that record.
    const auto [firstMarker, lastMarker] = markersOf(row);
    for (auto marker = firstMarker; marker != lastMarker; ++marker) {
        if (markerRect(*marker)
                .adjusted(-3, -RowHeight, 3, 0)
                .contains(event->position().toPoint())) {
            emit logMarkerClicked(marker->log);
            break;
        }
    }
}

void WaterfallView::mouseDoubleClickEvent(QMouseEvent *event)
{
    activate(rowAt(static_cast<int>(event->position().y())));
}

} // namespace spanscope::ui

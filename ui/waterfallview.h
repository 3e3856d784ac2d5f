#pragma once

#include "timemapper.h"
#include "waterfalllayout.h"

#include <insights.h>

#include <QAbstractScrollArea>
#include <QList>
#include <QPair>

#include <memory>

namespace spanscope::ui {

// A log record drawn on its span's row at its time, coloured by severity.
struct LogMarker
{
    int row = 0; // layout row
    std::int64_t time = 0; // nanoseconds from the trace's start
    int severity = 0;
    int log = 0; // the caller's index of the record
};

// The waterfall: one row per span in tree order, a label column with indentation guides and the
// bar on a time axis. Paints only the rows in view, so a million-span trace scrolls like a short
// one. Keys: Up/Down select, Left/Right collapse/expand, Enter toggles, +/- zoom, 0 shows all,
// Shift+Left/Right pan, Home/End and PageUp/PageDown move; Ctrl+wheel zooms at the pointer,
// Shift+wheel pans, and a drag across the time axis or the bars zooms to that range.
class WaterfallView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    // The keys the view answers to, with what they do, for the keyboard help.
    static QList<QPair<QString, QString>> keyHelp();

    static constexpr int RowHeight = 20;
    static constexpr int AxisHeight = 24;
    static constexpr int DefaultLabelWidth = 320; // the span-name column, until resized
    static constexpr int MinimumLabelWidth = 120;
    static constexpr int MaximumLabelWidth = 1200;
    // The span-name column's width; its right border drags (remembered by the window).
    int labelWidth() const { return m_labelWidth; }
    void setLabelWidth(int width);
    static constexpr int IndentPx = 12;

    explicit WaterfallView(QWidget *parent = nullptr);
    ~WaterfallView() override;

    // Shows a trace; the layout must have been built from it. With `keepView` (the same trace,
    // updated while arriving) the selection, collapsed rows, zoom and scroll position stay.
    void setTrace(std::shared_ptr<const storage::TraceData> trace,
                  std::shared_ptr<const WaterfallLayout> layout, bool keepView = false);
    const std::shared_ptr<const storage::TraceData> &trace() const { return m_trace; }
    const std::shared_ptr<const WaterfallLayout> &layout() const { return m_layout; }
    const TimeMapper &timeMapper() const { return m_mapper; }
    // Zooms the time axis to [from, to] nanoseconds from the trace's start.
    void showRange(std::int64_t from, std::int64_t to);
    // Makes the axis run to at least `ns` (0: the trace's end), so that two traces compared
    // share one scale; shows all of it.
    void setAxisDuration(std::int64_t ns);
    std::int64_t axisDuration() const;
    void collapseAll();
    void expandAll();
    void setCollapsed(int layoutRow, bool collapsed);
    bool isCollapsed(int layoutRow) const { return m_rows && m_rows->isCollapsed(layoutRow); }
    // Folding of repeated siblings (WaterfallLayout::Run), on by default; turning it on or off
    // folds or unfolds every run, and the choice holds for the traces opened after.
    void setFolding(bool on);
    bool folding() const { return m_folding; }
    void setRunFolded(int run, bool folded);
    // The run whose folded row `layoutRow` is, or -1.
    int foldedRunAt(int layoutRow) const { return m_rows ? m_rows->foldedRunAt(layoutRow) : -1; }
    // The detectors' findings on the trace shown: their spans get a marker, a folded run the
    // finding's badge.
    void setInsights(const std::vector<analysis::Insight> &insights);
    // The finding a row is part of, or -1 (an index into what setInsights had).
    int insightAt(int layoutRow) const;
    const std::vector<int> &visibleRows() const;
    int selectedRow() const { return m_selected; } // a layout row, or -1
    // Selects a row, expanding its ancestors and scrolling it into view.
    void selectRow(int layoutRow);
    // Where the bar of a layout row is drawn, in viewport coordinates (empty when not shown,
    // also when the span lies wholly before or after the time range in view).
    QRect barRect(int layoutRow) const;
    // For a span outside the time range in view: the arrow drawn at that edge of the timeline
    // in its colour, pointing the way to it; empty when the bar is in view or the row hidden.
    QRect edgeMarkerRect(int layoutRow) const;
    // What + and - do: zoom by `factor` keeping the selected span in sight (around its middle
    // when it is on screen, else centred on it), or around the view's middle.
    void zoomKeepingSelection(double factor);
    // Selects the next (`step` 1) or previous (-1) span in error after the selection, wrapping
    // around (E / Shift+E, F8 / Shift+F8).
    void selectNextError(int step);

    // Rows to highlight as search matches (ascending layout rows).
    void setMatches(std::vector<int> rows);
    const std::vector<int> &matches() const { return m_matches; }
    // A flag per layout row marking the critical path; empty turns the overlay off.
    void setCriticalPath(std::vector<std::uint8_t> onPath);
    bool showsCriticalPath() const { return !m_criticalPath.empty(); }
    void setLogMarkers(std::vector<LogMarker> markers);
    const std::vector<LogMarker> &logMarkers() const { return m_markers; }
    // Where a marker is drawn, in viewport coordinates (empty when its row is not shown).
    QRect markerRect(const LogMarker &marker) const;

    // The vertical window, in positions within visibleRows(), for the minimap.
    int firstShownPosition() const;
    int shownRowCapacity() const;
    void scrollToPosition(int position);

signals:
    void labelWidthChanged(int width); // the user dragged the column's border
    // A right-click on a row (already selected), for the row's menu.
    void rowMenuRequested(int layoutRow, const QPoint &globalPos);
    void spanSelected(int spanIndex); // an index into TraceData::spans, or -1 for a placeholder
    void viewChanged(); // zoom, scroll or collapsed rows changed
    void logMarkerClicked(int log);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    int timelineWidth() const;
    int rowAt(int y) const; // a layout row at viewport y, or -1
    int visiblePosition(int layoutRow) const;
    void toggle(int layoutRow, bool collapse);
    // Enter, a double-click or the expander: unfold a folded run, else collapse or expand.
    void activate(int layoutRow);
    // What Left does on a row that has nothing to collapse: fold the run it is one of.
    bool foldRunOf(int layoutRow);
    void paintFoldedBars(QPainter &painter, int run, int y, const QColor &fill);
    void paintInsightMark(QPainter &painter, int insight, int y, bool badge);
    void rowsChanged();
    void setMapper(const TimeMapper &mapper);
    void updateScrollBars();
    void ensureVisible(int layoutRow);
    QString label(int layoutRow) const;
    void paintAxis(QPainter &painter);
    void paintRow(QPainter &painter, int position, int row, const QFontMetrics &metrics);
    // The row's span in timeline coordinates (a folded run's from its first to its last): where its
    // bar starts and ends, unclamped.
    std::pair<double, double> barSpan(int layoutRow) const;
    // The same for the row's own span, also when it is a folded run's first.
    std::pair<double, double> spanExtent(int layoutRow) const;
    void paintEdgeMarker(QPainter &painter, int row, bool error, const QColor &text,
                         const QFontMetrics &metrics);
    std::pair<std::vector<LogMarker>::const_iterator, std::vector<LogMarker>::const_iterator>
    markersOf(int row) const;

    std::shared_ptr<const storage::TraceData> m_trace;
    std::shared_ptr<const WaterfallLayout> m_layout;
    std::unique_ptr<VisibleRows> m_rows;
    TimeMapper m_mapper;
    int m_selected = -1;
    std::vector<int> m_matches;
    std::vector<std::uint8_t> m_isMatch; // per layout row
    std::vector<std::uint8_t> m_criticalPath; // per layout row, or empty
    std::vector<LogMarker> m_markers; // sorted by row
    bool m_folding = true;
    std::int64_t m_axisNs = 0; // setAxisDuration
    struct Finding
    {
        analysis::InsightKind kind;
        QString message;
    };
    std::vector<Finding> m_findings;
    std::vector<std::int32_t> m_findingOfRow; // per layout row, or empty
    std::vector<std::int32_t> m_findingOfRun; // per run, or empty
    int m_dragFromX = -1; // where a range drag started, or -1
    int m_dragToX = -1;
    int m_labelWidth = DefaultLabelWidth;
    bool m_resizingLabels = false; // the name column's border is being dragged
    int m_resizeGrab = 0; // where on the border the drag took hold
};

} // namespace spanscope::ui

#pragma once

#include "timemapper.h"
#include "waterfalllayout.h"

#include <QAbstractScrollArea>

#include <memory>

namespace spanscope::ui {

// The waterfall: one row per span in tree order, a label column with indentation and the bar on
// a time axis. Paints only the rows in view, so a million-span trace scrolls like a short one.
// Keys: Up/Down select, Left/Right collapse/expand, Enter toggles, +/- zoom, 0 shows all;
// Ctrl+wheel zooms at the pointer, Shift+wheel pans.
class WaterfallView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    static constexpr int RowHeight = 20;
    static constexpr int AxisHeight = 24;
    static constexpr int LabelWidth = 320;

    explicit WaterfallView(QWidget *parent = nullptr);
    ~WaterfallView() override;

    // Shows a trace; the layout must have been built from it.
    void setTrace(std::shared_ptr<const storage::TraceData> trace,
                  std::shared_ptr<const WaterfallLayout> layout);
    const TimeMapper &timeMapper() const { return m_mapper; }
    // Zooms the time axis to [from, to] nanoseconds from the trace's start.
    void showRange(std::int64_t from, std::int64_t to);
    void collapseAll();
    void expandAll();
    const std::vector<int> &visibleRows() const;
    int selectedRow() const { return m_selected; } // a layout row, or -1
    void selectRow(int layoutRow);
    // Where the bar of a layout row is drawn, in viewport coordinates (empty when not shown).
    QRect barRect(int layoutRow) const;
    // The fill colour of a service's bars, shared with other views for consistency.
    static QColor serviceColour(const std::string &service);

signals:
    void spanSelected(int spanIndex); // an index into TraceData::spans, or -1 for a placeholder

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    int timelineWidth() const;
    int rowAt(int y) const; // a layout row at viewport y, or -1
    int visiblePosition(int layoutRow) const;
    void toggle(int layoutRow, bool collapse);
    void setMapper(const TimeMapper &mapper);
    void updateScrollBars();
    void ensureVisible(int layoutRow);
    QString label(int layoutRow) const;

    std::shared_ptr<const storage::TraceData> m_trace;
    std::shared_ptr<const WaterfallLayout> m_layout;
    std::unique_ptr<VisibleRows> m_rows;
    TimeMapper m_mapper;
    int m_selected = -1;
};

} // namespace spanscope::ui

#pragma once

#include <QAbstractScrollArea>
#include <QList>
#include <QPair>
#include <QRectF>

#include <flamegraph.h>

#include <memory>
#include <vector>

namespace spanscope::ui {

struct TraceAnalysis;

// The open trace as a flame graph (an icicle, the top spans above): spans on the same path of
// service and operation merged into one frame, as wide as the self time at and below it, in the
// waterfall's service colours. A click zooms to a frame (its ancestors stay above, full width, to
// zoom back out); a double-click or Enter shows its spans in the waterfall. Keys: arrows move
// between frames, Space zooms, Escape or Backspace zooms out. Only frames at least a pixel wide
// are laid out, so a trace of a million spans costs what fits on the screen.
class FlameGraphView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    static constexpr int RowHeight = 20;
    static constexpr int HeaderHeight = 24;

    static QList<QPair<QString, QString>> keyHelp();

    explicit FlameGraphView(QWidget *parent = nullptr);

    // Null while the trace is being analysed.
    void setAnalysis(std::shared_ptr<const TraceAnalysis> analysis);
    const analysis::FlameGraph *graph() const;
    // Makes the frame of TraceData::spans[span] the current one (the waterfall's selection).
    void setSelectedSpan(int span);
    void zoomTo(int frame);
    int zoomed() const { return m_zoom; }
    int current() const { return m_current; }
    // Where a frame is drawn, in viewport coordinates; empty when it is not laid out (too
    // narrow, or outside the zoomed frame).
    QRectF frameRect(int frame) const;
    int frameAt(const QPoint &position) const; // -1 where there is none

signals:
    void spansChosen(const std::vector<int> &spans); // indices into TraceData::spans

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct Box
    {
        QRectF rect; // in content coordinates: y from the first row, before scrolling
        int frame;
    };
    void relayout();
    void setCurrent(int frame);
    void choose(int frame);
    bool isAncestorOfZoom(int frame) const;
    QString frameLabel(int frame) const;
    QString frameTooltip(int frame) const;
    // A sibling of `frame` `step` places away in the layout, or -1.
    int neighbour(int frame, int step) const;

    std::shared_ptr<const TraceAnalysis> m_analysis;
    std::vector<Box> m_boxes; // the frames laid out, parents before children
    std::vector<int> m_boxOfFrame; // per frame, -1 when not laid out
    int m_zoom = 0;
    int m_current = 0;
};

} // namespace spanscope::ui

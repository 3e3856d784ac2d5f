#pragma once

#include <QWidget>

#include <cstdint>
#include <vector>

namespace spanscope::ui {

class WaterfallLayout;
class WaterfallView;

// The whole trace in a strip above the waterfall: every shown row folded into pixel rows, with
// the time range the waterfall shows framed and the rest dimmed. Clicking or dragging moves
// the waterfall's time range there; the rows it shows stay.
class WaterfallMinimap : public QWidget
{
    Q_OBJECT
public:
    static constexpr int StripHeight = 48;
    static constexpr int MinimumWindowWidth = 8; // px: the box stays visible and grabbable

    explicit WaterfallMinimap(WaterfallView *view, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    // The frame of the time range in view, over the strip's whole height, in widget coordinates.
    QRect windowRect() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;

private:
    struct Band
    {
        std::int64_t start = 0, end = -1; // end < start: no rows
        bool error = false;
        int service = -1;
    };
    void rebuildBands();
    void moveViewTo(QPointF point);
    QRect stripRect() const;

    WaterfallView *m_view;
    const WaterfallLayout *m_bandsFor = nullptr;
    std::size_t m_bandsRowCount = 0;
    std::vector<Band> m_bands; // one per pixel row of the strip
};

} // namespace spanscope::ui

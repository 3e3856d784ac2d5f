#include "waterfallminimap.h"

#include "servicecolour.h"
#include "waterfallview.h"

#include <QMouseEvent>
#include <QPainter>

#include <cmath>

namespace spanscope::ui {

WaterfallMinimap::WaterfallMinimap(WaterfallView *view, QWidget *parent)
    : QWidget(parent)
    , m_view(view)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("The whole trace; click or drag to move the waterfall"));
    setAccessibleName(tr("Trace overview"));
    connect(view, &WaterfallView::viewChanged, this, qOverload<>(&QWidget::update));
}

QSize WaterfallMinimap::sizeHint() const
{
    return {400, StripHeight + 4};
}

QRect WaterfallMinimap::stripRect() const
{
    // Aligned with the waterfall's time axis, so a moment is at the same x in both.
    const int left = m_view->frameWidth() + m_view->labelWidth();
    return QRect(left, 2, std::max(1, width() - left - m_view->frameWidth()), StripHeight);
}

void WaterfallMinimap::rebuildBands()
{
    const auto &layout = m_view->layout();
    const auto &rows = m_view->visibleRows();
    m_bandsFor = layout.get();
    m_bandsRowCount = rows.size();
    m_bands.assign(StripHeight, Band{});
    if (!layout || rows.empty())
        return;
    // O(rows): each shown row widens the band of the pixel row it falls in.
    const double perPixel = double(rows.size()) / StripHeight;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const int row = rows[i];
        Band &band = m_bands[std::min<int>(StripHeight - 1, static_cast<int>(i / perPixel))];
        if (band.end < band.start) {
            band = {layout->start(row), layout->end(row), false, layout->service(row)};
        } else {
            band.start = std::min(band.start, layout->start(row));
            band.end = std::max(band.end, layout->end(row));
        }
        band.error |= (layout->flags(row) & WaterfallLayout::Error) != 0;
    }
}

QRect WaterfallMinimap::windowRect() const
{
    const auto &layout = m_view->layout();
    const int rows = static_cast<int>(m_view->visibleRows().size());
    if (!layout || rows == 0)
        return {};
    const QRect strip = stripRect();
    const double total = std::max<std::int64_t>(1, layout->durationNs());
    const TimeMapper &mapper = m_view->timeMapper();
    const int x0 = strip.left() + static_cast<int>(strip.width() * (mapper.viewStart() / total));
    const int x1
        = strip.left() + static_cast<int>(std::ceil(strip.width() * (mapper.viewEnd() / total)));
    // The time range in view over the whole strip: with thousands of rows, the rows in view
    // would be a dash. Never narrower than a box a person can see and grab.
    const int width = std::max(MinimumWindowWidth, x1 - x0);
    const int left = std::clamp(x0 - (width - (x1 - x0)) / 2, strip.left(),
                                std::max(strip.left(), strip.right() + 1 - width));
    return QRect(left, strip.top(), width, strip.height());
}

void WaterfallMinimap::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().window());
    const auto &layout = m_view->layout();
    if (!layout)
        return;
    if (m_bandsFor != layout.get() || m_bandsRowCount != m_view->visibleRows().size())
        rebuildBands();
    const QRect strip = stripRect();
    painter.fillRect(strip, palette().base());
    const double total = std::max<std::int64_t>(1, layout->durationNs());
    for (int y = 0; y < StripHeight; ++y) {
        const Band &band = m_bands[y];
        if (band.end < band.start)
            continue;
        const int x0 = strip.left() + static_cast<int>(strip.width() * (band.start / total));
        const int x1
            = strip.left() + static_cast<int>(std::ceil(strip.width() * (band.end / total)));
        const QColor colour = band.error ? QColor(220, 50, 47)
            : band.service >= 0          ? serviceColour(layout->services()[band.service])
                                         : palette().color(QPalette::Mid);
        painter.fillRect(QRect(x0, strip.top() + y, std::max(1, x1 - x0), 1), colour);
    }
    // Outside the range in view is dimmed; the range itself is a framed box.
    const QRect window = windowRect();
    QColor dim = palette().color(QPalette::Window);
    dim.setAlpha(150);
    painter.fillRect(QRect(strip.topLeft(), QPoint(window.left() - 1, strip.bottom())), dim);
    painter.fillRect(QRect(QPoint(window.right() + 1, strip.top()), strip.bottomRight()), dim);
    painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(window.adjusted(1, 1, -1, -1));
}

void WaterfallMinimap::mousePressEvent(QMouseEvent *event)
{
    moveViewTo(event->position());
}

void WaterfallMinimap::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        moveViewTo(event->position());
}

void WaterfallMinimap::moveViewTo(QPointF point)
{
    const auto &layout = m_view->layout();
    const int rows = static_cast<int>(m_view->visibleRows().size());
    if (!layout || rows == 0)
        return;
    // Centre the waterfall's time range on the point, keeping its zoom and the rows in view: the
    // minimap is an overview of time.
    const QRect strip = stripRect();
    const double fx = std::clamp((point.x() - strip.left()) / strip.width(), 0.0, 1.0);
    const TimeMapper &mapper = m_view->timeMapper();
    const auto centre = static_cast<std::int64_t>(fx * layout->durationNs());
    const std::int64_t from = centre - mapper.viewDuration() / 2;
    m_view->showRange(from, from + mapper.viewDuration());
}

} // namespace spanscope::ui

#pragma once

#include <QString>

#include <cstdint>
#include <vector>

namespace spanscope::ui {

// Maps trace time (int64 nanoseconds from the trace's start) to pixels and back for a view of
// `width` pixels. Pure and immutable: zooming and panning return a new mapper. Times stay
// integers, so nanosecond zoom on hour-long traces keeps full precision.
class TimeMapper
{
public:
    static constexpr std::int64_t MinVisibleNs = 10; // the deepest zoom shows 10 ns

    TimeMapper() = default;
    TimeMapper(std::int64_t viewStart, std::int64_t viewDuration, int width);

    std::int64_t viewStart() const { return m_start; }
    std::int64_t viewDuration() const { return m_duration; }
    std::int64_t viewEnd() const { return m_start + m_duration; }
    int width() const { return m_width; }

    double toX(std::int64_t time) const;
    std::int64_t toTime(double x) const;

    // Zooms by `factor` (> 1 zooms in) keeping the time under pixel `anchorX` where it is.
    TimeMapper zoomed(double factor, double anchorX) const;
    TimeMapper panned(double dx) const;
    TimeMapper showing(std::int64_t from, std::int64_t to) const;
    TimeMapper resized(int width) const;
    // Keeps the view inside [0, total]; a view wider than that shows all of it.
    TimeMapper clampedTo(std::int64_t total) const;

    // A 1-2-5 step that puts at least `minSpacingPx` pixels between ticks, and the tick times
    // inside the view.
    std::int64_t tickStep(int minSpacingPx) const;
    std::vector<std::int64_t> ticks(int minSpacingPx) const;
    // A tick's label: in the unit its own size calls for, with as many decimals as `step`
    // needs, so neighbouring ticks never read the same ("14.35 s", "14.40 s").
    static QString tickLabel(std::int64_t tick, std::int64_t step);

private:
    std::int64_t m_start = 0;
    std::int64_t m_duration = 1;
    int m_width = 1;
};

} // namespace spanscope::ui

#include "timemapper.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace spanscope::ui {

TimeMapper::TimeMapper(std::int64_t viewStart, std::int64_t viewDuration, int width)
    : m_start(viewStart)
    , m_duration(std::max(viewDuration, MinVisibleNs))
    , m_width(std::max(width, 1))
{}

double TimeMapper::toX(std::int64_t time) const
{
    // The subtraction stays in integers; only the ratio is floating point.
    return static_cast<double>(time - m_start) * m_width / static_cast<double>(m_duration);
}

std::int64_t TimeMapper::toTime(double x) const
{
    return m_start
        + static_cast<std::int64_t>(std::llround(x * static_cast<double>(m_duration) / m_width));
}

TimeMapper TimeMapper::zoomed(double factor, double anchorX) const
{
    if (!(factor > 0))
        return *this;
    const std::int64_t anchor = toTime(anchorX);
    const auto duration = std::max<std::int64_t>(
        MinVisibleNs,
        static_cast<std::int64_t>(std::llround(static_cast<double>(m_duration) / factor)));
    const auto start = anchor
        - static_cast<std::int64_t>(
                           std::llround(anchorX * static_cast<double>(duration) / m_width));
    return TimeMapper(start, duration, m_width);
}

TimeMapper TimeMapper::panned(double dx) const
{
    return TimeMapper(toTime(-dx), m_duration, m_width);
}

TimeMapper TimeMapper::showing(std::int64_t from, std::int64_t to) const
{
    if (to < from)
        std::swap(from, to);
    return TimeMapper(from, to - from, m_width);
}

TimeMapper TimeMapper::resized(int width) const
{
    return TimeMapper(m_start, m_duration, width);
}

TimeMapper TimeMapper::clampedTo(std::int64_t total) const
{
    total = std::max(total, MinVisibleNs);
    if (m_duration >= total)
        return TimeMapper(0, total, m_width);
    return TimeMapper(std::clamp<std::int64_t>(m_start, 0, total - m_duration), m_duration,
                      m_width);
}

std::int64_t TimeMapper::tickStep(int minSpacingPx) const
{
    const double minStep = static_cast<double>(m_duration) * std::max(minSpacingPx, 1) / m_width;
    for (std::int64_t magnitude = 1; magnitude <= std::numeric_limits<std::int64_t>::max() / 10;
         magnitude *= 10) {
        for (const std::int64_t multiple : {1, 2, 5}) {
            if (static_cast<double>(magnitude * multiple) >= minStep)
                return magnitude * multiple;
        }
    }
    return std::numeric_limits<std::int64_t>::max() / 10;
}

std::vector<std::int64_t> TimeMapper::ticks(int minSpacingPx) const
{
    const std::int64_t step = tickStep(minSpacingPx);
    // The first multiple of step at or after the view's start (floor division for negatives).
    std::int64_t first = m_start / step * step;
    if (first < m_start)
        first += step;
    std::vector<std::int64_t> out;
    for (std::int64_t t = first; t <= viewEnd(); t += step)
        out.push_back(t);
    return out;
}

QString TimeMapper::tickLabel(std::int64_t tick, std::int64_t step)
{
    if (tick == 0)
        return QStringLiteral("0");
    static constexpr std::pair<double, const char *> Units[]
        = {{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}};
    const double magnitude = std::abs(static_cast<double>(tick));
    for (const auto &[scale, unit] : Units) {
        if (magnitude < scale && scale > 1)
            continue;
        const double stepInUnit = static_cast<double>(std::max<std::int64_t>(1, step)) / scale;
        const int decimals
            = std::clamp(static_cast<int>(std::ceil(-std::log10(stepInUnit) - 1e-9)), 0, 9);
        return QString::number(static_cast<double>(tick) / scale, 'f', decimals) + QLatin1Char(' ')
            + QString::fromUtf8(unit);
    }
    return QString::number(tick) + QStringLiteral(" ns");
}

} // namespace spanscope::ui

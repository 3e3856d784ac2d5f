#include "servicecolour.h"

#include <array>
#include <functional>
#include <unordered_map>

namespace spanscope::ui {

namespace {

// Tableau 10 without its red (errors) and grey (it reads as disabled), then lighter members of
// Tableau 20 and the grey. Mid-tones: they read on a light and on a dark background.
constexpr std::array<QRgb, ServicePaletteSize> Palette = {
    0x4e79a7, // blue
    0xf28e2b, // orange
    0x59a14f, // green
    0xb07aa1, // purple
    0x76b7b2, // teal
    0xedc948, // yellow
    0xff9da7, // pink
    0x9c755f, // brown
    0xa0cbe8, // light blue
    0x8cd17d, // light green
    0xd4a6c8, // light purple
    0xbab0ac, // grey
};

constexpr std::size_t MaxRememberedServices = 10'000;
constexpr std::size_t StrongColours = 8; // ΔE ≥ 30 between any two

struct Assignment
{
    std::unordered_map<std::string, int> slotOf;
    std::array<bool, ServicePaletteSize> taken{};
    int count = 0;
};

} // namespace

QColor serviceColour(const std::string &service)
{
    static Assignment assignment;
    if (const auto it = assignment.slotOf.find(service); it != assignment.slotOf.end())
        return QColor(Palette[static_cast<std::size_t>(it->second % ServicePaletteSize)]);
    // The eight strong colours first, from where the name points; the others only once those
    // are taken, as each is close to a strong one.
    const std::size_t preferred = std::hash<std::string>{}(service);
    int slot = -1;
    for (const auto &[first, size] : {std::pair<std::size_t, std::size_t>{0, StrongColours},
                                      {StrongColours, ServicePaletteSize - StrongColours}}) {
        for (std::size_t step = 0; step < size && slot < 0; ++step) {
            const std::size_t candidate = first + (preferred + step) % size;
            if (!assignment.taken[candidate])
                slot = static_cast<int>(candidate);
        }
    }
    if (slot < 0) // every colour is in use: share, spread by order of arrival
        slot = assignment.count % ServicePaletteSize;
    else
        assignment.taken[static_cast<std::size_t>(slot)] = true;
    ++assignment.count;
    // Bounded: a sender naming millions of services must not grow the window's memory; past
    // this, a colour is chosen again on each look (still one of the palette's).
    if (assignment.slotOf.size() < MaxRememberedServices)
        assignment.slotOf.emplace(service, slot);
    return QColor(Palette[static_cast<std::size_t>(slot)]);
}

QColor textColourOn(const QColor &fill)
{
    // Relative luminance (sRGB weights, without the gamma curve: close enough to choose).
    const double luminance = 0.2126 * fill.redF() + 0.7152 * fill.greenF() + 0.0722 * fill.blueF();
    return luminance > 0.45 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace spanscope::ui

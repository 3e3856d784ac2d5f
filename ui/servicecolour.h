#pragma once

#include <QColor>

#include <string>

namespace spanscope::ui {

// The fill colour of a service, from a categorical palette made for telling colours apart
// (Tableau 10 without its red, which marks errors, then lighter partners): each service seen
// in this session gets a colour of its own while there are colours left, so the services of a
// trace never share one; a service keeps its colour for the session, across the trace list,
// the waterfall and the minimap, and usually across sessions too (its name picks where in the
// palette it starts looking). Beyond the palette, hues repeat. GUI thread only.
QColor serviceColour(const std::string &service);

// Black or white, whichever reads better on `fill`.
QColor textColourOn(const QColor &fill);

// The palette, for tests and the legend.
inline constexpr int ServicePaletteSize = 12;

} // namespace spanscope::ui

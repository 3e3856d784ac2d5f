#pragma once

#include <QColor>

#include <string>

namespace spanscope::ui {

// The fill colour of a service: a stable hue per name, so a service keeps its colour across
// traces and across the trace list, the waterfall and the minimap.
QColor serviceColour(const std::string &service);

} // namespace spanscope::ui

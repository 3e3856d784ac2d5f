#include "servicecolour.h"

#include <functional>

namespace spanscope::ui {

QColor serviceColour(const std::string &service)
{
    const std::size_t hash = std::hash<std::string>{}(service);
    return QColor::fromHsv(static_cast<int>(hash % 360), 110, 215);
}

} // namespace spanscope::ui

#pragma once

#include <QPalette>
#include <QString>

namespace spanscope::ui {

enum class Theme { System, Light, Dark };

// Its name in the settings ("system", "light", "dark"), and back (System for anything else).
QString themeName(Theme theme);
Theme themeFromName(const QString &name);

// Switches the application's look. Light and dark use Fusion, which follows the palette
// everywhere; System restores the style and palette the desktop gave at start.
class ThemeSwitcher
{
public:
    ThemeSwitcher(); // remembers the desktop's style and palette: create before any switch
    void apply(Theme theme) const;

private:
    QPalette m_systemPalette;
    QString m_systemStyle;
};

} // namespace spanscope::ui

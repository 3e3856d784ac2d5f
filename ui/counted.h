#pragma once

#include <QLocale>
#include <QString>

namespace spanscope::ui {

// A count with its noun in the right number and the locale's digit grouping: "1 span",
// "20,000 spans" (never "span(s)"). The window is in English; the nouns are given in both
// numbers by the caller.
inline QString counted(qint64 n, const QString &one, const QString &many)
{
    return QLocale().toString(n) + QLatin1Char(' ') + (n == 1 ? one : many);
}

} // namespace spanscope::ui

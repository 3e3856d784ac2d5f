#include "timerangecombo.h"

#include <QDateTime>

namespace spanscope::ui {

TimeRangeCombo::TimeRangeCombo(QWidget *parent)
    : QComboBox(parent)
{
    addItem(tr("Any time"), 0);
    addItem(tr("Last 5 minutes"), 5);
    addItem(tr("Last 15 minutes"), 15);
    addItem(tr("Last hour"), 60);
    addItem(tr("Last 24 hours"), 24 * 60);
    setAccessibleName(tr("Time range"));
}

std::optional<std::int64_t> TimeRangeCombo::startNs() const
{
    const int minutes = currentData().toInt();
    if (minutes <= 0)
        return std::nullopt;
    return (QDateTime::currentMSecsSinceEpoch() - qint64(minutes) * 60'000) * 1'000'000;
}

} // namespace spanscope::ui

#pragma once

#include <QComboBox>

#include <cstdint>
#include <optional>

namespace spanscope::ui {

// The time range presets of the filters: any time, the last 5 or 15 minutes, hour or day.
class TimeRangeCombo : public QComboBox
{
    Q_OBJECT
public:
    explicit TimeRangeCombo(QWidget *parent = nullptr);

    // The start of the chosen range in nanoseconds since the epoch, counted from now.
    std::optional<std::int64_t> startNs() const;
};

} // namespace spanscope::ui

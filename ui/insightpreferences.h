#pragma once

#include <insights.h>

#include <QString>

#include <map>
#include <set>
#include <string>

class QSettings;

namespace spanscope::ui {

// The insight detectors' thresholds and the problems the user chose to ignore, kept with
// QSettings (group "insights") so the window and `spanscope insights` judge alike.
struct InsightPreferences
{
    analysis::InsightThresholds thresholds;
    // fingerprint -> what it was, as the list of ignored patterns shows it
    std::map<std::string, QString> ignored;

    static InsightPreferences load(const QSettings &settings);
    void save(QSettings &settings) const;

    void ignore(const analysis::Insight &insight);
    std::set<std::string> ignoredFingerprints() const;
    // "N+1 queries: SELECT … under checkout: GET /orders"
    static QString describe(const analysis::Insight &insight);

    bool operator==(const InsightPreferences &) const = default;
};

} // namespace spanscope::ui

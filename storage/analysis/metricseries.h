#pragma once

// What stored metric points mean over time: a monotonic sum's rate per second (cumulative
// points differenced, resets restart), the distribution each histogram point adds in its
// interval, quantiles from explicit and exponential buckets, and the columns a chart paints —
// series grouped by chosen attributes, additive kinds summed, gauges averaged (OTel's data
// model: a gauge is not additive). Shared by the Metrics tab and `spanscope metrics`.

#include <metrics/metricreader.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spanscope::analysis {

struct TimeValue
{
    std::uint64_t timeNs = 0;
    double value = 0;
};

// A distribution as buckets by upper bound (+inf for the last explicit bucket), with what is
// known of its extremes, so explicit and exponential histograms merge and answer quantiles.
struct Distribution
{
    std::map<double, double> buckets; // upper bound -> count
    double count = 0;
    double sum = 0;
    std::optional<double> min, max;
    void merge(const Distribution &other);
    // Linear within the bucket holding the q-th observation; nothing for an empty one.
    std::optional<double> quantile(double q) const;
};

// How a chart shows an instrument: its value per second, its value, or quantile lines.
enum class ChartMeasure { Rate, Value, Quantiles };
ChartMeasure measureOf(const storage::Instrument &instrument);

// Rate per second of one series of a monotonic sum, one value per point after the first
// (cumulative) or per point (delta, over its own interval).
std::vector<TimeValue> ratePerSecond(const std::vector<storage::MetricPoint> &points,
                                     storage::Temporality temporality);
// What each histogram point observed in its own interval: cumulative points differenced
// (a point whose count fell, or whose start moved, is a reset and counts whole).
std::vector<std::pair<std::uint64_t, Distribution>>
intervalDistributions(const std::vector<storage::MetricPoint> &points, storage::MetricKind kind,
                      storage::Temporality temporality);
Distribution distributionOf(const storage::MetricPoint &point, storage::MetricKind kind);

struct ChartOptions
{
    std::uint64_t fromNs = 0, toNs = 0;
    int columns = 200;
    std::vector<std::string> splitKeys; // attribute keys that separate lines
    std::vector<double> quantiles{0.5, 0.9, 0.99}; // for histograms
    int maxGroups = 8; // beyond, groups are merged into "other"
};

struct ChartLine
{
    std::string label; // "p99 · http.route=/api" or "(all)"
    std::vector<std::optional<double>> values; // one per column
};

struct ChartData
{
    ChartMeasure measure = ChartMeasure::Value;
    std::string unit; // the instrument's, "/s" appended for rates
    std::uint64_t fromNs = 0, toNs = 0;
    std::vector<ChartLine> lines;
    // Histograms: bucket upper bounds and counts per column ([column][bucket]).
    std::vector<double> heatBounds;
    std::vector<std::vector<double>> heat;
    std::uint64_t points = 0; // read for the chart
    std::uint64_t pointsSkipped = 0; // past the reader's budget
};

ChartData chartOf(const storage::Instrument &instrument, const storage::SeriesRead &read,
                  const ChartOptions &options);

// A series' state at its latest point, for listings: the value (gauge, non-monotonic sum),
// the rate over the last interval (monotonic sum), or count, sum and quantiles.
struct SeriesLatest
{
    std::uint64_t timeNs = 0;
    std::optional<double> value, rate;
    std::optional<double> count, sum;
    std::vector<std::pair<double, double>> quantiles;
};
SeriesLatest latestOf(const storage::Instrument &instrument, const storage::StoredSeries &series);

// A value in its UCUM unit for people: bytes as KiB/MiB/GiB, seconds and their parts as a
// duration ("175 ms"), annotations ({request}) and "1" as a plain number, others with the
// unit after; at most 3 significant digits (4 below 10 000), large plain numbers as k/M/G.
std::string formatMetricValue(double value, const std::string &unit);

// "key=value, key=value" of a series' attributes; "(no attributes)" for none.
std::string seriesLabel(const storage::Attributes &attributes);

} // namespace spanscope::analysis

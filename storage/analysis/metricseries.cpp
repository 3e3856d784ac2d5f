#include "metricseries.h"

#include <valuecodec.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace spanscope::analysis {

using storage::MetricKind;
using storage::MetricPoint;
using storage::Temporality;

namespace {

constexpr double Infinity = std::numeric_limits<double>::infinity();
constexpr std::size_t MaxHeatRows = 48;

// A cumulative point starts a new count when its start moved or a count fell.
bool isReset(const MetricPoint &previous, const MetricPoint &point, double previousValue,
             double value)
{
    return value < previousValue
        || (point.startUnixNano != 0 && previous.startUnixNano != 0
            && point.startUnixNano != previous.startUnixNano);
}

// The interval a point covers on its own: from its start when known.
std::optional<std::uint64_t> ownInterval(const MetricPoint &point)
{
    if (point.startUnixNano != 0 && point.startUnixNano < point.timeUnixNano)
        return point.timeUnixNano - point.startUnixNano;
    return std::nullopt;
}

// `later` minus `earlier`, bucket by bucket (a bucket may first appear in `later`); nothing
// when a bucket shrank or vanished (a reset, or a rescaled exponential histogram), and then
// the caller takes `later` whole. Empty buckets are kept: they bound their neighbours.
std::optional<Distribution> difference(const Distribution &later, const Distribution &earlier)
{
    Distribution out;
    for (const auto &[bound, count] : earlier.buckets) {
        const auto it = later.buckets.find(bound);
        if (count > 0 && (it == later.buckets.end() || it->second < count))
            return std::nullopt;
    }
    for (const auto &[bound, count] : later.buckets) {
        const auto it = earlier.buckets.find(bound);
        out.buckets.emplace(bound, count - (it == earlier.buckets.end() ? 0 : it->second));
    }
    out.count = later.count - earlier.count;
    out.sum = later.sum - earlier.sum;
    return out;
}

std::string quantileLabel(double q)
{
    if (q <= 0)
        return "min";
    if (q >= 1)
        return "max";
    const double percent = q * 100;
    char text[16];
    std::snprintf(text, sizeof text,
                  std::abs(percent - std::round(percent)) < 1e-9 ? "p%.0f" : "p%g", percent);
    return text;
}

std::string groupKey(const storage::Attributes &attributes, const std::vector<std::string> &keys)
{
    std::string out;
    for (const std::string &key : keys) {
        const auto it = std::find_if(attributes.begin(), attributes.end(),
                                     [&key](const storage::KeyValue &kv) { return kv.key == key; });
        if (!out.empty())
            out += ", ";
        out += key + "="
            + (it == attributes.end() ? std::string("(none)") : storage::scalarText(it->value));
    }
    return out;
}

// Sums (or averages) per column of one value per series and column.
struct ColumnAccumulator
{
    std::vector<double> total;
    std::vector<int> seen;
    explicit ColumnAccumulator(int columns)
        : total(columns, 0)
        , seen(columns, 0)
    {}
    void add(int column, double value)
    {
        total[column] += value;
        ++seen[column];
    }
    std::vector<std::optional<double>> values(bool average) const
    {
        std::vector<std::optional<double>> out(total.size());
        for (std::size_t i = 0; i < total.size(); ++i) {
            if (seen[i] > 0)
                out[i] = average ? total[i] / seen[i] : total[i];
        }
        return out;
    }
};

} // namespace

void Distribution::merge(const Distribution &other)
{
    for (const auto &[bound, count] : other.buckets)
        buckets[bound] += count;
    count += other.count;
    sum += other.sum;
    if (other.min)
        min = min ? std::min(*min, *other.min) : *other.min;
    if (other.max)
        max = max ? std::max(*max, *other.max) : *other.max;
}

std::optional<double> Distribution::quantile(double q) const
{
    const double total = std::accumulate(buckets.begin(), buckets.end(), 0.0,
                                         [](double n, const auto &b) { return n + b.second; });
    if (total <= 0)
        return std::nullopt;
    const double rank = std::clamp(q, 0.0, 1.0) * total;
    double before = 0;
    std::optional<double> previousBound;
    for (const auto &[bound, count] : buckets) {
        if (count > 0 && before + count >= rank) {
            double lower = previousBound ? *previousBound
                : min                    ? std::min(*min, bound)
                : bound > 0              ? 0.0
                                         : bound;
            double upper = bound;
            if (std::isinf(upper))
                upper = max ? std::max(*max, lower) : lower;
            double value = lower + (upper - lower) * (rank - before) / count;
            if (min)
                value = std::max(value, *min);
            if (max)
                value = std::min(value, *max);
            return value;
        }
        before += count;
        previousBound = bound;
    }
    return max ? std::optional<double>(*max) : previousBound;
}

ChartMeasure measureOf(const storage::Instrument &instrument)
{
    switch (instrument.kind) {
    case MetricKind::Gauge:
        return ChartMeasure::Value;
    case MetricKind::Sum:
        return instrument.monotonic ? ChartMeasure::Rate : ChartMeasure::Value;
    default:
        return ChartMeasure::Quantiles;
    }
}

std::vector<TimeValue> ratePerSecond(const std::vector<MetricPoint> &points,
                                     Temporality temporality)
{
    std::vector<TimeValue> out;
    out.reserve(points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        const MetricPoint &point = points[i];
        double increase = point.value;
        std::optional<std::uint64_t> interval = ownInterval(point);
        if (temporality == Temporality::Delta) {
            if (!interval && i > 0 && point.timeUnixNano > points[i - 1].timeUnixNano)
                interval = point.timeUnixNano - points[i - 1].timeUnixNano;
        } else if (i > 0 && !isReset(points[i - 1], point, points[i - 1].value, point.value)) {
            const MetricPoint &previous = points[i - 1];
            if (point.timeUnixNano <= previous.timeUnixNano)
                continue;
            increase = point.value - previous.value;
            interval = point.timeUnixNano - previous.timeUnixNano;
        }
        if (interval && *interval > 0)
            out.push_back({point.timeUnixNano, increase * 1e9 / static_cast<double>(*interval)});
    }
    return out;
}

Distribution distributionOf(const MetricPoint &point, MetricKind kind)
{
    Distribution out;
    out.count = static_cast<double>(point.count);
    out.sum = point.sum;
    if (point.hasMinMax) {
        out.min = point.min;
        out.max = point.max;
    }
    if (kind == MetricKind::Histogram) {
        for (std::size_t i = 0; i < point.bucketCounts.size(); ++i) {
            const double bound = i < point.bounds.size() ? point.bounds[i] : Infinity;
            out.buckets[bound] += static_cast<double>(point.bucketCounts[i]);
        }
    } else if (kind == MetricKind::ExponentialHistogram) {
        // Bucket `index` holds (base^index, base^(index+1)], base = 2^(2^-scale). Each
        // populated bucket's lower bound goes in empty, so quantiles interpolate inside it.
        const auto power = [&point](std::int64_t index) {
            return std::exp2(std::ldexp(static_cast<double>(index), -point.scale));
        };
        const auto add = [&out](double lower, double upper, std::uint64_t count) {
            if (count == 0)
                return;
            out.buckets.try_emplace(lower, 0.0);
            out.buckets[upper] += static_cast<double>(count);
        };
        for (std::size_t i = 0; i < point.positive.counts.size(); ++i) {
            const std::int64_t index = point.positive.offset + static_cast<std::int64_t>(i);
            add(power(index), power(index + 1), point.positive.counts[i]);
        }
        if (point.zeroCount > 0)
            out.buckets[point.zeroThreshold] += static_cast<double>(point.zeroCount);
        for (std::size_t i = 0; i < point.negative.counts.size(); ++i) {
            const std::int64_t index = point.negative.offset + static_cast<std::int64_t>(i);
            add(-power(index + 1), -power(index), point.negative.counts[i]);
        }
    }
    return out;
}

std::vector<std::pair<std::uint64_t, Distribution>>
intervalDistributions(const std::vector<MetricPoint> &points, MetricKind kind,
                      Temporality temporality)
{
    std::vector<std::pair<std::uint64_t, Distribution>> out;
    out.reserve(points.size());
    std::optional<Distribution> previous;
    for (std::size_t i = 0; i < points.size(); ++i) {
        Distribution whole = distributionOf(points[i], kind);
        if (temporality != Temporality::Cumulative || !previous
            || isReset(points[i - 1], points[i], static_cast<double>(points[i - 1].count),
                       static_cast<double>(points[i].count))) {
            out.emplace_back(points[i].timeUnixNano, whole);
        } else if (auto added = difference(whole, *previous)) {
            if (added->count > 0)
                out.emplace_back(points[i].timeUnixNano, std::move(*added));
        } else {
            out.emplace_back(points[i].timeUnixNano, whole);
        }
        previous = std::move(whole);
    }
    return out;
}

std::string formatMetricValue(double value, const std::string &unit)
{
    if (!std::isfinite(value))
        return std::isnan(value) ? "NaN" : value > 0 ? "∞" : "-∞";
    if (value == 0)
        return "0";
    const auto significant = [](double v) {
        char text[32];
        const double magnitude = std::abs(v);
        const int decimals = magnitude >= 100 || magnitude == 0 ? 0 : magnitude >= 10 ? 1 : 2;
        std::snprintf(text, sizeof text, "%.*f", decimals, v);
        std::string out = text;
        if (out.find('.') != std::string::npos) {
            while (out.back() == '0')
                out.pop_back();
            if (out.back() == '.')
                out.pop_back();
        }
        return out;
    };
    // Steps of 1000 (or 1024 for bytes) with their names, smallest first.
    const auto scaled = [&](double v, double step, const std::vector<const char *> &names) {
        std::size_t i = 0;
        while (i + 1 < names.size() && std::abs(v) >= step) {
            v /= step;
            ++i;
        }
        std::string out = significant(v);
        if (*names[i])
            out += std::string(" ") + names[i];
        return out;
    };
    const double magnitude = std::abs(value);
    if (unit == "By")
        return scaled(value, 1024, {"B", "KiB", "MiB", "GiB", "TiB"});
    if (unit == "s" || unit == "ms" || unit == "us" || unit == "ns") {
        const double ns = value * (unit == "s" ? 1e9 : unit == "ms" ? 1e6 : unit == "us" ? 1e3 : 1);
        if (std::abs(ns) >= 60e9)
            return significant(ns / 60e9) + " min";
        return scaled(ns, 1000, {"ns", "µs", "ms", "s"});
    }
    const bool plain = unit.empty() || unit == "1" || unit.front() == '{';
    if (magnitude >= 10'000 || (magnitude > 0 && magnitude < 0.01)) {
        std::string out;
        if (magnitude >= 10'000) {
            out = scaled(value, 1000, {"", "k", "M", "G", "T"});
        } else {
            char text[32];
            std::snprintf(text, sizeof text, "%.3g", value);
            out = text;
        }
        return plain ? out : out + " " + unit;
    }
    return plain ? significant(value) : significant(value) + " " + unit;
}

std::string seriesLabel(const storage::Attributes &attributes)
{
    if (attributes.empty())
        return "(no attributes)";
    std::string out;
    for (const storage::KeyValue &kv : attributes) {
        if (!out.empty())
            out += ", ";
        out += kv.key + "=" + storage::scalarText(kv.value);
    }
    return out;
}

ChartData chartOf(const storage::Instrument &instrument, const storage::SeriesRead &read,
                  const ChartOptions &options)
{
    ChartData chart;
    chart.measure = measureOf(instrument);
    chart.unit = instrument.unit;
    if (chart.measure == ChartMeasure::Rate)
        chart.unit += "/s";
    chart.fromNs = options.fromNs;
    chart.toNs = std::max(options.toNs, options.fromNs + 1);
    chart.pointsSkipped = read.pointsSkipped;
    const int columns = std::max(1, options.columns);
    const double columnNs = static_cast<double>(chart.toNs - chart.fromNs) / columns;
    const auto columnOf = [&](std::uint64_t t) {
        if (t < chart.fromNs)
            return 0;
        return std::min(columns - 1, static_cast<int>((t - chart.fromNs) / columnNs));
    };

    // Groups of series by the split attributes, the busiest first; the rest are "other".
    std::map<std::string, std::vector<const storage::StoredSeries *>> byKey;
    for (const storage::StoredSeries &series : read.series) {
        chart.points += series.points.size();
        if (!series.points.empty())
            byKey[groupKey(series.attributes, options.splitKeys)].push_back(&series);
    }
    std::vector<std::pair<std::string, std::vector<const storage::StoredSeries *>>> groups(
        byKey.begin(), byKey.end());
    const auto pointsOf = [](const auto &group) {
        std::size_t n = 0;
        for (const auto *series : group.second)
            n += series->points.size();
        return n;
    };
    std::stable_sort(groups.begin(), groups.end(),
                     [&](const auto &a, const auto &b) { return pointsOf(a) > pointsOf(b); });
    if (groups.size() > static_cast<std::size_t>(options.maxGroups)) {
        std::vector<const storage::StoredSeries *> other;
        for (std::size_t i = options.maxGroups - 1; i < groups.size(); ++i)
            other.insert(other.end(), groups[i].second.begin(), groups[i].second.end());
        groups.resize(options.maxGroups - 1);
        groups.emplace_back("other", std::move(other));
    }
    const auto labelled = [&](const std::string &prefix, const std::string &group) {
        if (options.splitKeys.empty())
            return prefix.empty() ? std::string("(all)") : prefix;
        return prefix.empty() ? group : prefix + " · " + group;
    };

    if (chart.measure != ChartMeasure::Quantiles) {
        const bool average = instrument.kind == MetricKind::Gauge;
        for (const auto &[key, members] : groups) {
            ColumnAccumulator group(columns);
            for (const storage::StoredSeries *series : members) {
                ColumnAccumulator own(columns);
                if (chart.measure == ChartMeasure::Rate) {
                    for (const TimeValue &rate :
                         ratePerSecond(series->points, instrument.temporality))
                        own.add(columnOf(rate.timeNs), rate.value);
                } else {
                    // A delta up-down counter is shown as its running total.
                    double running = 0;
                    for (const MetricPoint &point : series->points) {
                        running = instrument.temporality == Temporality::Delta
                            ? running + point.value
                            : point.value;
                        own.add(columnOf(point.timeUnixNano), running);
                    }
                }
                const auto values = own.values(true);
                for (int c = 0; c < columns; ++c) {
                    if (values[c])
                        group.add(c, *values[c]);
                }
            }
            chart.lines.push_back({labelled({}, key), group.values(average)});
        }
        return chart;
    }

    if (instrument.kind == MetricKind::Summary) {
        for (const auto &[key, members] : groups) {
            std::map<double, ColumnAccumulator> byQuantile;
            for (const storage::StoredSeries *series : members) {
                for (const MetricPoint &point : series->points) {
                    for (const auto &[q, value] : point.quantiles)
                        byQuantile.try_emplace(q, columns)
                            .first->second.add(columnOf(point.timeUnixNano), value);
                }
            }
            for (const auto &[q, accumulator] : byQuantile)
                chart.lines.push_back({labelled(quantileLabel(q), key), accumulator.values(true)});
        }
        return chart;
    }

    std::vector<Distribution> all(columns);
    for (const auto &[key, members] : groups) {
        std::vector<Distribution> perColumn(columns);
        for (const storage::StoredSeries *series : members) {
            for (auto &[time, added] :
                 intervalDistributions(series->points, instrument.kind, instrument.temporality)) {
                perColumn[columnOf(time)].merge(added);
                all[columnOf(time)].merge(added);
            }
        }
        for (const double q : options.quantiles) {
            ChartLine line{labelled(quantileLabel(q), key), {}};
            line.values.reserve(columns);
            for (const Distribution &d : perColumn)
                line.values.push_back(d.quantile(q));
            chart.lines.push_back(std::move(line));
        }
    }
    // The heatmap's rows: every bound seen, thinned to a readable number of rows.
    std::vector<double> bounds;
    for (const Distribution &d : all) {
        for (const auto &bucket : d.buckets)
            bounds.push_back(bucket.first);
    }
    std::sort(bounds.begin(), bounds.end());
    bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
    if (bounds.size() > MaxHeatRows) {
        std::vector<double> thinned;
        const std::size_t step = (bounds.size() + MaxHeatRows - 1) / MaxHeatRows;
        for (std::size_t i = step - 1; i < bounds.size(); i += step)
            thinned.push_back(bounds[i]);
        if (thinned.back() != bounds.back())
            thinned.push_back(bounds.back());
        bounds = std::move(thinned);
    }
    chart.heatBounds = bounds;
    chart.heat.assign(columns, std::vector<double>(bounds.size(), 0));
    for (int c = 0; c < columns; ++c) {
        for (const auto &[bound, count] : all[c].buckets) {
            const auto row = std::lower_bound(bounds.begin(), bounds.end(), bound) - bounds.begin();
            if (row < static_cast<std::ptrdiff_t>(bounds.size()))
                chart.heat[c][row] += count;
        }
    }
    return chart;
}

SeriesLatest latestOf(const storage::Instrument &instrument, const storage::StoredSeries &series)
{
    SeriesLatest out;
    if (series.points.empty())
        return out;
    const MetricPoint &last = series.points.back();
    out.timeNs = last.timeUnixNano;
    switch (measureOf(instrument)) {
    case ChartMeasure::Value:
        out.value = last.value;
        break;
    case ChartMeasure::Rate: {
        out.value = last.value;
        const auto rates = ratePerSecond(series.points, instrument.temporality);
        if (!rates.empty() && rates.back().timeNs == last.timeUnixNano)
            out.rate = rates.back().value;
        break;
    }
    case ChartMeasure::Quantiles:
        out.count = static_cast<double>(last.count);
        if (last.hasSum)
            out.sum = last.sum;
        if (instrument.kind == MetricKind::Summary) {
            out.quantiles = last.quantiles;
        } else {
            const Distribution d = distributionOf(last, instrument.kind);
            for (const double q : {0.5, 0.9, 0.99}) {
                if (auto v = d.quantile(q))
                    out.quantiles.emplace_back(q, *v);
            }
        }
        break;
    }
    return out;
}

} // namespace spanscope::analysis

#pragma once

// What an OTLP metric is once decoded, independent of the wire and of SQLite: an instrument
// (name, unit, kind, temporality) of a resource and scope, and its points, each point with its
// attribute set (which makes it part of one series) and exemplars.

#include <telemetry.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace spanscope::storage {

enum class MetricKind : std::uint8_t { Gauge, Sum, Histogram, ExponentialHistogram, Summary };
// OTLP's AggregationTemporality; gauges and summaries have none.
enum class Temporality : std::uint8_t { Unspecified, Delta, Cumulative };

const char *toString(MetricKind kind);
const char *toString(Temporality temporality);

// A measurement that links a point to the span it was taken in.
struct Exemplar
{
    std::uint64_t timeUnixNano = 0;
    double value = 0;
    TraceId traceId{};
    SpanId spanId{};
    Attributes filteredAttributes;
    bool operator==(const Exemplar &) const = default;
};

// One side (positive or negative) of an exponential histogram: counts of consecutive buckets
// starting at index `offset`.
struct ExponentialBuckets
{
    std::int32_t offset = 0;
    std::vector<std::uint64_t> counts;
    bool operator==(const ExponentialBuckets &) const = default;
};

// One data point. Which fields mean something depends on the instrument's kind: `value` for
// gauges and sums; count, sum, min/max and buckets for histograms; scale, zero and the two
// bucket sides for exponential histograms; count, sum and quantiles for summaries.
struct MetricPoint
{
    std::uint64_t startUnixNano = 0;
    std::uint64_t timeUnixNano = 0;
    Attributes attributes;
    std::uint32_t flags = 0; // 1 = no recorded value
    double value = 0;
    bool isInteger = false; // the value came as as_int (exact below 2^53)
    std::uint64_t count = 0;
    double sum = 0;
    bool hasSum = false;
    double min = 0, max = 0;
    bool hasMinMax = false;
    std::vector<double> bounds; // explicit histogram: upper bounds, one fewer than counts
    std::vector<std::uint64_t> bucketCounts;
    std::int32_t scale = 0;
    std::uint64_t zeroCount = 0;
    double zeroThreshold = 0;
    ExponentialBuckets positive, negative;
    std::vector<std::pair<double, double>> quantiles; // (quantile 0..1, value)
    std::vector<Exemplar> exemplars;
    bool operator==(const MetricPoint &) const = default;
};

struct Metric
{
    std::string name;
    std::string description;
    std::string unit;
    MetricKind kind = MetricKind::Gauge;
    Temporality temporality = Temporality::Unspecified;
    bool monotonic = false;
    std::vector<MetricPoint> points;
};

struct ScopedMetrics
{
    Resource resource;
    Scope scope;
    std::vector<Metric> metrics;
};

struct MetricBatch
{
    std::vector<ScopedMetrics> groups;
    std::size_t pointCount() const;
};

std::size_t approximateBytes(const MetricPoint &point);

} // namespace spanscope::storage

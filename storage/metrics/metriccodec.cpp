#include "metriccodec.h"

#include <cstring>

namespace spanscope::storage {

namespace {

// A point's bucket lists are bounded by the decoder (IngestLimits); this bounds what a damaged
// blob can make the reader allocate.
constexpr std::uint64_t MaxListLength = 1u << 16;

void putVarint(std::string &out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

void putSigned(std::string &out, std::int64_t v)
{
    putVarint(out, (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
}

void putDouble(std::string &out, double v)
{
    char bytes[sizeof v];
    std::memcpy(bytes, &v, sizeof v);
    out.append(bytes, sizeof v);
}

void putCounts(std::string &out, const std::vector<std::uint64_t> &counts)
{
    putVarint(out, counts.size());
    for (const std::uint64_t c : counts)
        putVarint(out, c);
}

class Reader
{
public:
    explicit Reader(std::string_view data)
        : m_data(data)
    {}
    bool atEnd() const { return m_pos == m_data.size(); }

    bool varint(std::uint64_t &out)
    {
        out = 0;
        for (int shift = 0; shift < 64 && m_pos < m_data.size(); shift += 7) {
            const auto byte = static_cast<std::uint8_t>(m_data[m_pos++]);
            out |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return true;
        }
        return false;
    }
    bool signedVarint(std::int64_t &out)
    {
        std::uint64_t v = 0;
        if (!varint(v))
            return false;
        out = static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
        return true;
    }
    bool number(double &out)
    {
        if (m_data.size() - m_pos < sizeof out)
            return false;
        std::memcpy(&out, m_data.data() + m_pos, sizeof out);
        m_pos += sizeof out;
        return true;
    }
    bool byte(std::uint8_t &out)
    {
        if (m_pos >= m_data.size())
            return false;
        out = static_cast<std::uint8_t>(m_data[m_pos++]);
        return true;
    }
    bool length(std::uint64_t &out) { return varint(out) && out <= MaxListLength; }
    bool counts(std::vector<std::uint64_t> &out)
    {
        std::uint64_t n = 0;
        if (!length(n))
            return false;
        out.resize(n);
        for (std::uint64_t &c : out) {
            if (!varint(c))
                return false;
        }
        return true;
    }

private:
    std::string_view m_data;
    std::size_t m_pos = 0;
};

enum Flags : std::uint8_t { HasSum = 1, HasMinMax = 2, IsInteger = 4 };

} // namespace

void encodeMetricPoint(MetricKind kind, const MetricPoint &point, std::uint64_t previousTime,
                       std::string &out)
{
    putSigned(out, static_cast<std::int64_t>(point.timeUnixNano - previousTime));
    putSigned(out, static_cast<std::int64_t>(point.timeUnixNano - point.startUnixNano));
    putVarint(out, point.flags);
    const std::uint8_t flags = (point.hasSum ? HasSum : 0) | (point.hasMinMax ? HasMinMax : 0)
        | (point.isInteger ? IsInteger : 0);
    switch (kind) {
    case MetricKind::Gauge:
    case MetricKind::Sum:
        out.push_back(static_cast<char>(flags));
        if (point.isInteger)
            putSigned(out, static_cast<std::int64_t>(point.value));
        else
            putDouble(out, point.value);
        return;
    case MetricKind::Histogram:
    case MetricKind::ExponentialHistogram:
    case MetricKind::Summary:
        out.push_back(static_cast<char>(flags));
        putVarint(out, point.count);
        putDouble(out, point.sum);
        break;
    }
    if (kind != MetricKind::Summary && point.hasMinMax) {
        putDouble(out, point.min);
        putDouble(out, point.max);
    }
    if (kind == MetricKind::Histogram) {
        putVarint(out, point.bounds.size());
        for (const double bound : point.bounds)
            putDouble(out, bound);
        putCounts(out, point.bucketCounts);
    } else if (kind == MetricKind::ExponentialHistogram) {
        putSigned(out, point.scale);
        putVarint(out, point.zeroCount);
        putDouble(out, point.zeroThreshold);
        putSigned(out, point.positive.offset);
        putCounts(out, point.positive.counts);
        putSigned(out, point.negative.offset);
        putCounts(out, point.negative.counts);
    } else if (kind == MetricKind::Summary) {
        putVarint(out, point.quantiles.size());
        for (const auto &[quantile, value] : point.quantiles) {
            putDouble(out, quantile);
            putDouble(out, value);
        }
    }
}

bool decodeMetricBlock(MetricKind kind, std::string_view blob, std::vector<MetricPoint> &out)
{
    Reader in(blob);
    std::uint64_t time = 0;
    while (!in.atEnd()) {
        MetricPoint point;
        std::int64_t delta = 0, age = 0;
        std::uint64_t pointFlags = 0;
        std::uint8_t flags = 0;
        if (!in.signedVarint(delta) || !in.signedVarint(age) || !in.varint(pointFlags)
            || !in.byte(flags))
            return false;
        time += static_cast<std::uint64_t>(delta);
        point.timeUnixNano = time;
        point.startUnixNano = time - static_cast<std::uint64_t>(age);
        point.flags = static_cast<std::uint32_t>(pointFlags);
        point.hasSum = flags & HasSum;
        point.hasMinMax = flags & HasMinMax;
        point.isInteger = flags & IsInteger;
        if (kind == MetricKind::Gauge || kind == MetricKind::Sum) {
            if (point.isInteger) {
                std::int64_t v = 0;
                if (!in.signedVarint(v))
                    return false;
                point.value = static_cast<double>(v);
            } else if (!in.number(point.value)) {
                return false;
            }
            out.push_back(std::move(point));
            continue;
        }
        if (!in.varint(point.count) || !in.number(point.sum))
            return false;
        if (kind != MetricKind::Summary && point.hasMinMax
            && (!in.number(point.min) || !in.number(point.max)))
            return false;
        std::uint64_t n = 0;
        if (kind == MetricKind::Histogram) {
            if (!in.length(n))
                return false;
            point.bounds.resize(n);
            for (double &bound : point.bounds) {
                if (!in.number(bound))
                    return false;
            }
            if (!in.counts(point.bucketCounts))
                return false;
        } else if (kind == MetricKind::ExponentialHistogram) {
            std::int64_t scale = 0, positiveOffset = 0, negativeOffset = 0;
            if (!in.signedVarint(scale) || !in.varint(point.zeroCount)
                || !in.number(point.zeroThreshold) || !in.signedVarint(positiveOffset)
                || !in.counts(point.positive.counts) || !in.signedVarint(negativeOffset)
                || !in.counts(point.negative.counts))
                return false;
            point.scale = static_cast<std::int32_t>(scale);
            point.positive.offset = static_cast<std::int32_t>(positiveOffset);
            point.negative.offset = static_cast<std::int32_t>(negativeOffset);
        } else {
            if (!in.length(n))
                return false;
            point.quantiles.resize(n);
            for (auto &[quantile, value] : point.quantiles) {
                if (!in.number(quantile) || !in.number(value))
                    return false;
            }
        }
        out.push_back(std::move(point));
    }
    return true;
}

const char *toString(MetricKind kind)
{
    switch (kind) {
    case MetricKind::Gauge:
        return "gauge";
    case MetricKind::Sum:
        return "sum";
    case MetricKind::Histogram:
        return "histogram";
    case MetricKind::ExponentialHistogram:
        return "exponential_histogram";
    case MetricKind::Summary:
        return "summary";
    }
    return "gauge";
}

const char *toString(Temporality temporality)
{
    switch (temporality) {
    case Temporality::Unspecified:
        return "unspecified";
    case Temporality::Delta:
        return "delta";
    case Temporality::Cumulative:
        return "cumulative";
    }
    return "unspecified";
}

std::size_t MetricBatch::pointCount() const
{
    std::size_t n = 0;
    for (const ScopedMetrics &group : groups) {
        for (const Metric &metric : group.metrics)
            n += metric.points.size();
    }
    return n;
}

std::size_t approximateBytes(const MetricPoint &point)
{
    return sizeof(MetricPoint) + approximateBytes(point.attributes)
        + point.bounds.size() * sizeof(double)
        + (point.bucketCounts.size() + point.positive.counts.size() + point.negative.counts.size())
        * sizeof(std::uint64_t)
        + point.quantiles.size() * 2 * sizeof(double)
        + point.exemplars.size() * (sizeof(Exemplar) + 64);
}

} // namespace spanscope::storage

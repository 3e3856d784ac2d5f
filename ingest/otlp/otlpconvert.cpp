#include "otlpconvert.h"

#include "otlpjson.h"

#include <spansource.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace spanscope::ingest {

namespace pb_common = opentelemetry::proto::common::v1;
namespace pb_resource = opentelemetry::proto::resource::v1;
namespace pb_trace = opentelemetry::proto::trace::v1;
namespace pb_logs = opentelemetry::proto::logs::v1;
namespace pb_metrics = opentelemetry::proto::metrics::v1;

using storage::AnyValue;
using storage::Attributes;

namespace {

// Decodes values and attributes within the limits, counting what it had to cut.
class ValueDecoder
{
public:
    explicit ValueDecoder(const IngestLimits &limits)
        : m_limits(limits)
    {}

    std::uint64_t truncated() const { return m_truncated; }

    // Returns how many attributes were dropped for the count limit.
    std::uint32_t attributes(const google::protobuf::RepeatedPtrField<pb_common::KeyValue> &in,
                             Attributes &out)
    {
        const std::size_t keep = std::min<std::size_t>(in.size(), m_limits.maxAttributeCount);
        out.reserve(keep);
        for (std::size_t i = 0; i < keep; ++i) {
            const pb_common::KeyValue &kv = in[static_cast<int>(i)];
            out.push_back({text(kv.key()), {}});
            value(kv.value(), out.back().value, 0);
        }
        const auto dropped = static_cast<std::uint32_t>(in.size() - keep);
        m_truncated += dropped;
        return dropped;
    }

    void value(const pb_common::AnyValue &in, AnyValue &out, int depth)
    {
        switch (in.value_case()) {
        case pb_common::AnyValue::kStringValue:
            out.value = text(in.string_value());
            break;
        case pb_common::AnyValue::kBoolValue:
            out.value = in.bool_value();
            break;
        case pb_common::AnyValue::kIntValue:
            out.value = static_cast<std::int64_t>(in.int_value());
            break;
        case pb_common::AnyValue::kDoubleValue:
            out.value = in.double_value();
            break;
        case pb_common::AnyValue::kBytesValue:
            out.value = storage::Bytes{cut(in.bytes_value(), m_limits.maxValueBytes)};
            break;
        case pb_common::AnyValue::kArrayValue: {
            if (depth >= m_limits.maxValueDepth) {
                ++m_truncated;
                break;
            }
            const auto &values = in.array_value().values();
            const std::size_t keep
                = std::min<std::size_t>(values.size(), m_limits.maxAttributeCount);
            AnyValue::Array array(keep);
            for (std::size_t i = 0; i < keep; ++i)
                value(values[static_cast<int>(i)], array[i], depth + 1);
            m_truncated += values.size() - keep;
            out.value = std::move(array);
            break;
        }
        case pb_common::AnyValue::kKvlistValue: {
            if (depth >= m_limits.maxValueDepth) {
                ++m_truncated;
                break;
            }
            const auto &values = in.kvlist_value().values();
            const std::size_t keep
                = std::min<std::size_t>(values.size(), m_limits.maxAttributeCount);
            AnyValue::KeyValueList list(keep);
            for (std::size_t i = 0; i < keep; ++i) {
                list[i].key = text(values[static_cast<int>(i)].key());
                value(values[static_cast<int>(i)].value(), list[i].value, depth + 1);
            }
            m_truncated += values.size() - keep;
            out.value = std::move(list);
            break;
        }
        default: // unset, or the profiles-only string index: an empty value
            out.value = std::monostate{};
        }
    }

    // Strings are cut on a UTF-8 character boundary, so a truncated value stays valid text.
    std::string text(const std::string &in)
    {
        std::size_t end = m_limits.maxValueBytes;
        if (in.size() <= end)
            return in;
        while (end > 0 && (static_cast<unsigned char>(in[end]) & 0xC0) == 0x80)
            --end;
        return cut(in, end);
    }

    std::string cut(const std::string &in, std::size_t size)
    {
        if (in.size() <= size)
            return in;
        ++m_truncated;
        return in.substr(0, size);
    }

private:
    const IngestLimits &m_limits;
    std::uint64_t m_truncated = 0;
};

template<std::size_t N>
bool copyId(const std::string &bytes, std::array<std::uint8_t, N> &out)
{
    if (bytes.size() != N)
        return false;
    std::memcpy(out.data(), bytes.data(), N);
    return true;
}

void decodeResource(const pb_resource::Resource &in, const std::string &schemaUrl,
                    ValueDecoder &values, storage::Resource &out)
{
    out.droppedAttributesCount
        = in.dropped_attributes_count() + values.attributes(in.attributes(), out.attributes);
    out.schemaUrl = schemaUrl;
}

void decodeScope(const pb_common::InstrumentationScope &in, const std::string &schemaUrl,
                 ValueDecoder &values, storage::Scope &out)
{
    out.name = values.text(in.name());
    out.version = values.text(in.version());
    out.droppedAttributesCount
        = in.dropped_attributes_count() + values.attributes(in.attributes(), out.attributes);
    out.schemaUrl = schemaUrl;
}

template<typename Batch>
void reject(Decoded<Batch> &decoded, const std::string &reason)
{
    if (decoded.rejected++ == 0)
        decoded.rejectReason = reason;
}

// Reverse direction: our values back into OTLP messages.
void encodeValue(const AnyValue &in, pb_common::AnyValue &out);

void encodeAttributes(const Attributes &in,
                      google::protobuf::RepeatedPtrField<pb_common::KeyValue> &out)
{
    out.Reserve(static_cast<int>(in.size()));
    for (const storage::KeyValue &kv : in) {
        pb_common::KeyValue *pb = out.Add();
        pb->set_key(kv.key);
        encodeValue(kv.value, *pb->mutable_value());
    }
}

void encodeValue(const AnyValue &in, pb_common::AnyValue &out)
{
    switch (in.type()) {
    case AnyValue::Type::Empty:
        break;
    case AnyValue::Type::String:
        out.set_string_value(std::get<std::string>(in.value));
        break;
    case AnyValue::Type::Bool:
        out.set_bool_value(std::get<bool>(in.value));
        break;
    case AnyValue::Type::Int:
        out.set_int_value(std::get<std::int64_t>(in.value));
        break;
    case AnyValue::Type::Double:
        out.set_double_value(std::get<double>(in.value));
        break;
    case AnyValue::Type::Bytes:
        out.set_bytes_value(std::get<storage::Bytes>(in.value).data);
        break;
    case AnyValue::Type::Array:
        for (const AnyValue &element : std::get<AnyValue::Array>(in.value))
            encodeValue(element, *out.mutable_array_value()->add_values());
        out.mutable_array_value();
        break;
    case AnyValue::Type::KeyValueList:
        encodeAttributes(std::get<AnyValue::KeyValueList>(in.value),
                         *out.mutable_kvlist_value()->mutable_values());
        break;
    }
}

template<std::size_t N>
std::string idBytes(const std::array<std::uint8_t, N> &id)
{
    return std::string(reinterpret_cast<const char *>(id.data()), N);
}

} // namespace

void encodeResource(const storage::Resource &in, pb_resource::Resource &out)
{
    encodeAttributes(in.attributes, *out.mutable_attributes());
    out.set_dropped_attributes_count(in.droppedAttributesCount);
}

void encodeScope(const storage::Scope &in, pb_common::InstrumentationScope &out)
{
    out.set_name(in.name);
    out.set_version(in.version);
    encodeAttributes(in.attributes, *out.mutable_attributes());
    out.set_dropped_attributes_count(in.droppedAttributesCount);
}

Decoded<storage::TraceBatch> decodeTraces(const otlp_trace::ExportTraceServiceRequest &request,
                                          const IngestLimits &limits)
{
    Decoded<storage::TraceBatch> decoded;
    ValueDecoder values(limits);
    for (const pb_trace::ResourceSpans &rs : request.resource_spans()) {
        storage::Resource resource;
        decodeResource(rs.resource(), rs.schema_url(), values, resource);
        for (const pb_trace::ScopeSpans &ss : rs.scope_spans()) {
            storage::ScopedSpans group;
            group.resource = resource;
            decodeScope(ss.scope(), ss.schema_url(), values, group.scope);
            group.spans.reserve(ss.spans_size());
            for (const pb_trace::Span &in : ss.spans()) {
                storage::Span span;
                if (!copyId(in.trace_id(), span.traceId) || !storage::isValid(span.traceId)) {
                    reject(decoded,
                           "a span has an invalid trace_id (it must be 16 bytes, not all zero)");
                    continue;
                }
                if (!copyId(in.span_id(), span.spanId) || !storage::isValid(span.spanId)) {
                    reject(decoded,
                           "a span has an invalid span_id (it must be 8 bytes, not all zero)");
                    continue;
                }
                if (!in.parent_span_id().empty()
                    && !copyId(in.parent_span_id(), span.parentSpanId)) {
                    reject(decoded, "a span has a parent_span_id that is not 8 bytes");
                    continue;
                }
                span.traceState = values.text(in.trace_state());
                span.flags = in.flags();
                span.name = values.text(in.name());
                span.kind = in.kind() >= 0 && in.kind() <= 5
                    ? static_cast<storage::SpanKind>(in.kind())
                    : storage::SpanKind::Unspecified;
                span.startUnixNano = in.start_time_unix_nano();
                span.endUnixNano = in.end_time_unix_nano();
                span.droppedAttributesCount = in.dropped_attributes_count()
                    + values.attributes(in.attributes(), span.attributes);
                span.events.reserve(in.events_size());
                for (const pb_trace::Span::Event &e : in.events()) {
                    storage::SpanEvent event;
                    event.timeUnixNano = e.time_unix_nano();
                    event.name = values.text(e.name());
                    event.droppedAttributesCount = e.dropped_attributes_count()
                        + values.attributes(e.attributes(), event.attributes);
                    span.events.push_back(std::move(event));
                }
                span.droppedEventsCount = in.dropped_events_count();
                for (const pb_trace::Span::Link &l : in.links()) {
                    storage::SpanLink link;
                    // A link to an invalid context cannot be followed; it is counted as dropped.
                    if (!copyId(l.trace_id(), link.traceId) || !copyId(l.span_id(), link.spanId)
                        || !storage::isValid(link.traceId) || !storage::isValid(link.spanId)) {
                        ++span.droppedLinksCount;
                        continue;
                    }
                    link.traceState = values.text(l.trace_state());
                    link.droppedAttributesCount = l.dropped_attributes_count()
                        + values.attributes(l.attributes(), link.attributes);
                    link.flags = l.flags();
                    span.links.push_back(std::move(link));
                }
                span.droppedLinksCount += in.dropped_links_count();
                const int code = in.status().code();
                span.statusCode = code >= 0 && code <= 2 ? static_cast<storage::StatusCode>(code)
                                                         : storage::StatusCode::Unset;
                span.statusMessage = values.text(in.status().message());
                group.spans.push_back(std::move(span));
            }
            if (!group.spans.empty())
                decoded.batch.groups.push_back(std::move(group));
        }
    }
    decoded.truncated = values.truncated();
    return decoded;
}

Decoded<storage::LogBatch> decodeLogs(const otlp_logs::ExportLogsServiceRequest &request,
                                      const IngestLimits &limits)
{
    Decoded<storage::LogBatch> decoded;
    ValueDecoder values(limits);
    for (const pb_logs::ResourceLogs &rl : request.resource_logs()) {
        storage::Resource resource;
        decodeResource(rl.resource(), rl.schema_url(), values, resource);
        for (const pb_logs::ScopeLogs &sl : rl.scope_logs()) {
            storage::ScopedLogs group;
            group.resource = resource;
            decodeScope(sl.scope(), sl.schema_url(), values, group.scope);
            group.records.reserve(sl.log_records_size());
            for (const pb_logs::LogRecord &in : sl.log_records()) {
                storage::LogRecord record;
                // Ids are optional on logs; present ones must have the right length.
                if (!in.trace_id().empty() && !copyId(in.trace_id(), record.traceId)) {
                    reject(decoded, "a log record has a trace_id that is not 16 bytes");
                    continue;
                }
                if (!in.span_id().empty() && !copyId(in.span_id(), record.spanId)) {
                    reject(decoded, "a log record has a span_id that is not 8 bytes");
                    continue;
                }
                record.timeUnixNano = in.time_unix_nano();
                record.observedTimeUnixNano = in.observed_time_unix_nano();
                record.severityNumber = std::clamp(static_cast<int>(in.severity_number()), 0, 24);
                record.severityText = values.text(in.severity_text());
                values.value(in.body(), record.body, 0);
                record.droppedAttributesCount = in.dropped_attributes_count()
                    + values.attributes(in.attributes(), record.attributes);
                record.flags = in.flags();
                record.eventName = values.text(in.event_name());
                group.records.push_back(std::move(record));
            }
            if (!group.records.empty())
                decoded.batch.groups.push_back(std::move(group));
        }
    }
    decoded.truncated = values.truncated();
    return decoded;
}

namespace {

// The parts every OTLP point type shares, and its exemplars within the limits.
template<typename Point>
void decodePointCommon(const Point &in, ValueDecoder &values, const IngestLimits &limits,
                       storage::MetricPoint &out, std::uint64_t &truncated)
{
    out.startUnixNano = in.start_time_unix_nano();
    out.timeUnixNano = in.time_unix_nano();
    out.flags = in.flags();
    values.attributes(in.attributes(), out.attributes);
    if constexpr (requires { in.exemplars(); }) {
        const std::size_t keep
            = std::min<std::size_t>(in.exemplars_size(), limits.maxExemplarsPerPoint);
        if (static_cast<std::size_t>(in.exemplars_size()) > keep)
            ++truncated;
        out.exemplars.reserve(keep);
        for (std::size_t i = 0; i < keep; ++i) {
            const pb_metrics::Exemplar &e = in.exemplars(static_cast<int>(i));
            storage::Exemplar exemplar;
            exemplar.timeUnixNano = e.time_unix_nano();
            exemplar.value = e.value_case() == pb_metrics::Exemplar::kAsInt
                ? static_cast<double>(e.as_int())
                : e.as_double();
            // An exemplar outside a sampled span has no ids; a malformed id is left out.
            copyId(e.trace_id(), exemplar.traceId);
            copyId(e.span_id(), exemplar.spanId);
            values.attributes(e.filtered_attributes(), exemplar.filteredAttributes);
            out.exemplars.push_back(std::move(exemplar));
        }
    }
}

storage::Temporality temporalityOf(pb_metrics::AggregationTemporality temporality)
{
    switch (temporality) {
    case pb_metrics::AGGREGATION_TEMPORALITY_DELTA:
        return storage::Temporality::Delta;
    case pb_metrics::AGGREGATION_TEMPORALITY_CUMULATIVE:
        return storage::Temporality::Cumulative;
    default:
        return storage::Temporality::Unspecified;
    }
}

// Decodes one metric's points; false (with `reason`) for a point that cannot be stored.
class MetricDecoder
{
public:
    MetricDecoder(ValueDecoder &values, const IngestLimits &limits)
        : m_values(values)
        , m_limits(limits)
    {}
    std::uint64_t truncated = 0;

    bool number(const pb_metrics::NumberDataPoint &in, storage::MetricPoint &out)
    {
        decodePointCommon(in, m_values, m_limits, out, truncated);
        out.isInteger = in.value_case() == pb_metrics::NumberDataPoint::kAsInt;
        out.value = out.isInteger ? static_cast<double>(in.as_int()) : in.as_double();
        return true;
    }

    // What both histogram kinds carry: count, sum and the optional extremes.
    template<typename Point>
    void decodeHistogramCommon(const Point &in, storage::MetricPoint &out)
    {
        decodePointCommon(in, m_values, m_limits, out, truncated);
        out.count = in.count();
        out.hasSum = in.has_sum();
        out.sum = in.sum();
        out.hasMinMax = in.has_min() && in.has_max();
        out.min = in.min();
        out.max = in.max();
    }

    bool histogram(const pb_metrics::HistogramDataPoint &in, storage::MetricPoint &out,
                   std::string &reason)
    {
        if (static_cast<std::size_t>(in.bucket_counts_size()) > m_limits.maxBucketsPerPoint
            || static_cast<std::size_t>(in.explicit_bounds_size()) > m_limits.maxBucketsPerPoint) {
            reason = "a histogram point has more buckets than "
                + std::to_string(m_limits.maxBucketsPerPoint);
            return false;
        }
        // OTLP: no buckets at all, or one more count than bounds.
        if (in.bucket_counts_size() != 0
            && in.bucket_counts_size() != in.explicit_bounds_size() + 1) {
            reason = "a histogram point has " + std::to_string(in.bucket_counts_size())
                + " bucket counts for " + std::to_string(in.explicit_bounds_size())
                + " bounds (it must have one more)";
            return false;
        }
        decodeHistogramCommon(in, out);
        out.bounds.assign(in.explicit_bounds().begin(), in.explicit_bounds().end());
        out.bucketCounts.assign(in.bucket_counts().begin(), in.bucket_counts().end());
        return true;
    }

    bool exponential(const pb_metrics::ExponentialHistogramDataPoint &in, storage::MetricPoint &out,
                     std::string &reason)
    {
        if (static_cast<std::size_t>(in.positive().bucket_counts_size()
                                     + in.negative().bucket_counts_size())
            > m_limits.maxBucketsPerPoint) {
            reason = "an exponential histogram point has more buckets than "
                + std::to_string(m_limits.maxBucketsPerPoint);
            return false;
        }
        if (in.scale() < -10 || in.scale() > 20) {
            reason = "an exponential histogram point has a scale outside -10..20";
            return false;
        }
        decodeHistogramCommon(in, out);
        out.scale = in.scale();
        out.zeroCount = in.zero_count();
        out.zeroThreshold = in.zero_threshold();
        out.positive.offset = in.positive().offset();
        out.positive.counts.assign(in.positive().bucket_counts().begin(),
                                   in.positive().bucket_counts().end());
        out.negative.offset = in.negative().offset();
        out.negative.counts.assign(in.negative().bucket_counts().begin(),
                                   in.negative().bucket_counts().end());
        return true;
    }

    bool summary(const pb_metrics::SummaryDataPoint &in, storage::MetricPoint &out,
                 std::string &reason)
    {
        if (static_cast<std::size_t>(in.quantile_values_size()) > m_limits.maxBucketsPerPoint) {
            reason = "a summary point has more quantiles than "
                + std::to_string(m_limits.maxBucketsPerPoint);
            return false;
        }
        decodePointCommon(in, m_values, m_limits, out, truncated);
        out.count = in.count();
        out.hasSum = true;
        out.sum = in.sum();
        for (const auto &q : in.quantile_values())
            out.quantiles.emplace_back(q.quantile(), q.value());
        return true;
    }

private:
    ValueDecoder &m_values;
    const IngestLimits &m_limits;
};

} // namespace

Decoded<storage::MetricBatch>
decodeMetrics(const otlp_metrics::ExportMetricsServiceRequest &request, const IngestLimits &limits)
{
    Decoded<storage::MetricBatch> decoded;
    ValueDecoder values(limits);
    MetricDecoder points(values, limits);
    for (const pb_metrics::ResourceMetrics &rm : request.resource_metrics()) {
        storage::Resource resource;
        decodeResource(rm.resource(), rm.schema_url(), values, resource);
        for (const pb_metrics::ScopeMetrics &sm : rm.scope_metrics()) {
            storage::ScopedMetrics group;
            group.resource = resource;
            decodeScope(sm.scope(), sm.schema_url(), values, group.scope);
            for (const pb_metrics::Metric &in : sm.metrics()) {
                storage::Metric metric;
                metric.name = values.text(in.name());
                metric.description = values.text(in.description());
                metric.unit = values.text(in.unit());
                if (metric.name.empty()) {
                    reject(decoded, "a metric has no name");
                    continue;
                }
                // Each kind decodes its points with `decode(point, out, reason)`.
                const auto decodeAll = [&](const auto &list, auto decode) {
                    metric.points.reserve(list.size());
                    for (const auto &in : list) {
                        storage::MetricPoint point;
                        std::string reason;
                        if (decode(in, point, reason))
                            metric.points.push_back(std::move(point));
                        else
                            reject(decoded, reason);
                    }
                };
                switch (in.data_case()) {
                case pb_metrics::Metric::kGauge:
                    metric.kind = storage::MetricKind::Gauge;
                    decodeAll(in.gauge().data_points(),
                              [&](const auto &p, auto &out, std::string &) {
                                  return points.number(p, out);
                              });
                    break;
                case pb_metrics::Metric::kSum:
                    metric.kind = storage::MetricKind::Sum;
                    metric.temporality = temporalityOf(in.sum().aggregation_temporality());
                    metric.monotonic = in.sum().is_monotonic();
                    decodeAll(in.sum().data_points(), [&](const auto &p, auto &out, std::string &) {
                        return points.number(p, out);
                    });
                    break;
                case pb_metrics::Metric::kHistogram:
                    metric.kind = storage::MetricKind::Histogram;
                    metric.temporality = temporalityOf(in.histogram().aggregation_temporality());
                    decodeAll(in.histogram().data_points(),
                              [&](const auto &p, auto &out, std::string &reason) {
                                  return points.histogram(p, out, reason);
                              });
                    break;
                case pb_metrics::Metric::kExponentialHistogram:
                    metric.kind = storage::MetricKind::ExponentialHistogram;
                    metric.temporality
                        = temporalityOf(in.exponential_histogram().aggregation_temporality());
                    decodeAll(in.exponential_histogram().data_points(),
                              [&](const auto &p, auto &out, std::string &reason) {
                                  return points.exponential(p, out, reason);
                              });
                    break;
                case pb_metrics::Metric::kSummary:
                    metric.kind = storage::MetricKind::Summary;
                    decodeAll(in.summary().data_points(),
                              [&](const auto &p, auto &out, std::string &reason) {
                                  return points.summary(p, out, reason);
                              });
                    break;
                default:
                    reject(decoded, "the metric " + metric.name + " has no data");
                    continue;
                }
                if (!metric.points.empty())
                    group.metrics.push_back(std::move(metric));
            }
            if (!group.metrics.empty())
                decoded.batch.groups.push_back(std::move(group));
        }
    }
    decoded.truncated = values.truncated() + points.truncated;
    return decoded;
}

void encodeSpan(const storage::Span &span, pb_trace::Span &pb)
{
    pb.set_trace_id(idBytes(span.traceId));
    pb.set_span_id(idBytes(span.spanId));
    if (!span.isRoot())
        pb.set_parent_span_id(idBytes(span.parentSpanId));
    pb.set_trace_state(span.traceState);
    pb.set_flags(span.flags);
    pb.set_name(span.name);
    pb.set_kind(static_cast<pb_trace::Span::SpanKind>(span.kind));
    pb.set_start_time_unix_nano(span.startUnixNano);
    pb.set_end_time_unix_nano(span.endUnixNano);
    encodeAttributes(span.attributes, *pb.mutable_attributes());
    pb.set_dropped_attributes_count(span.droppedAttributesCount);
    for (const storage::SpanEvent &event : span.events) {
        pb_trace::Span::Event *e = pb.add_events();
        e->set_time_unix_nano(event.timeUnixNano);
        e->set_name(event.name);
        encodeAttributes(event.attributes, *e->mutable_attributes());
        e->set_dropped_attributes_count(event.droppedAttributesCount);
    }
    pb.set_dropped_events_count(span.droppedEventsCount);
    for (const storage::SpanLink &link : span.links) {
        pb_trace::Span::Link *l = pb.add_links();
        l->set_trace_id(idBytes(link.traceId));
        l->set_span_id(idBytes(link.spanId));
        l->set_trace_state(link.traceState);
        encodeAttributes(link.attributes, *l->mutable_attributes());
        l->set_dropped_attributes_count(link.droppedAttributesCount);
        l->set_flags(link.flags);
    }
    pb.set_dropped_links_count(span.droppedLinksCount);
    if (span.statusCode != storage::StatusCode::Unset || !span.statusMessage.empty()) {
        pb.mutable_status()->set_code(static_cast<pb_trace::Status::StatusCode>(span.statusCode));
        pb.mutable_status()->set_message(span.statusMessage);
    }
}

void encodeTrace(const storage::TraceData &trace, pb_trace::TracesData &out)
{
    // One ResourceSpans per resource, one ScopeSpans per scope in it: the sender's grouping.
    for (const auto &[resource, scopes] :
         storage::groupByResourceAndScope(storage::LoadedTrace(trace).places())) {
        pb_trace::ResourceSpans *rs = out.add_resource_spans();
        encodeResource(trace.resources[resource], *rs->mutable_resource());
        rs->set_schema_url(trace.resources[resource].schemaUrl);
        for (const auto &[scope, spans] : scopes) {
            pb_trace::ScopeSpans *ss = rs->add_scope_spans();
            encodeScope(trace.scopes[scope], *ss->mutable_scope());
            ss->set_schema_url(trace.scopes[scope].schemaUrl);
            for (const std::size_t index : spans)
                encodeSpan(trace.spans[index].span, *ss->add_spans());
        }
    }
}

void encodeLogs(const storage::LogPage &page, pb_logs::LogsData &out)
{
    std::map<std::pair<int, int>, pb_logs::ScopeLogs *> groups;
    std::map<int, pb_logs::ResourceLogs *> resources;
    for (const storage::StoredLog &stored : page.logs) {
        pb_logs::ResourceLogs *&rl = resources[stored.resource];
        if (!rl) {
            rl = out.add_resource_logs();
            encodeResource(page.resources[stored.resource], *rl->mutable_resource());
            rl->set_schema_url(page.resources[stored.resource].schemaUrl);
        }
        pb_logs::ScopeLogs *&sl = groups[{stored.resource, stored.scope}];
        if (!sl) {
            sl = rl->add_scope_logs();
            encodeScope(page.scopes[stored.scope], *sl->mutable_scope());
            sl->set_schema_url(page.scopes[stored.scope].schemaUrl);
        }
        encodeLogRecord(stored.record, *sl->add_log_records());
    }
}

void encodeLogs(const storage::LogBatch &batch, pb_logs::LogsData &out)
{
    for (const storage::ScopedLogs &group : batch.groups) {
        pb_logs::ResourceLogs *rl = out.add_resource_logs();
        encodeResource(group.resource, *rl->mutable_resource());
        rl->set_schema_url(group.resource.schemaUrl);
        pb_logs::ScopeLogs *sl = rl->add_scope_logs();
        encodeScope(group.scope, *sl->mutable_scope());
        sl->set_schema_url(group.scope.schemaUrl);
        for (const storage::LogRecord &record : group.records)
            encodeLogRecord(record, *sl->add_log_records());
    }
}

void encodeLogRecord(const storage::LogRecord &r, pb_logs::LogRecord &out)
{
    out.set_time_unix_nano(r.timeUnixNano);
    out.set_observed_time_unix_nano(r.observedTimeUnixNano);
    out.set_severity_number(static_cast<pb_logs::SeverityNumber>(r.severityNumber));
    out.set_severity_text(r.severityText);
    encodeValue(r.body, *out.mutable_body());
    encodeAttributes(r.attributes, *out.mutable_attributes());
    out.set_dropped_attributes_count(r.droppedAttributesCount);
    out.set_flags(r.flags);
    if (storage::isValid(r.traceId))
        out.set_trace_id(idBytes(r.traceId));
    if (storage::isValid(r.spanId))
        out.set_span_id(idBytes(r.spanId));
    out.set_event_name(r.eventName);
}

} // namespace spanscope::ingest

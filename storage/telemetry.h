#pragma once

// Value types shared by every layer: what a span, a log record, a resource and a scope are once
// decoded, independent of the wire format and of SQLite.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace spanscope::storage {

using TraceId = std::array<std::uint8_t, 16>;
using SpanId = std::array<std::uint8_t, 8>;

// Lowercase hex of any bytes, and back (either case); hexDecode is false for an odd length or a
// character that is not a hex digit.
std::string hexEncode(std::string_view bytes);
bool hexDecode(std::string_view hex, std::string &bytes);

bool isValid(const TraceId &id);
bool isValid(const SpanId &id);
std::string toHex(const TraceId &id);
std::string toHex(const SpanId &id);
// Parses exactly 32 (or 16) hex digits, either case. Returns false and leaves `out` alone
// otherwise.
bool fromHex(std::string_view hex, TraceId &out);
bool fromHex(std::string_view hex, SpanId &out);

struct KeyValue;

// Bytes kept apart from text so an attribute's type survives the round trip.
struct Bytes
{
    std::string data;
    bool operator==(const Bytes &) const = default;
};

// An OTLP AnyValue with its type: empty, string, bool, int, double, bytes, array or key-value list.
struct AnyValue
{
    enum class Type : std::uint8_t { Empty, String, Bool, Int, Double, Bytes, Array, KeyValueList };
    using Array = std::vector<AnyValue>;
    using KeyValueList = std::vector<KeyValue>;

    std::variant<std::monostate, std::string, bool, std::int64_t, double, Bytes, Array,
                 KeyValueList>
        value;

    Type type() const { return static_cast<Type>(value.index()); }
    bool operator==(const AnyValue &) const;
};

struct KeyValue
{
    std::string key;
    AnyValue value;
    bool operator==(const KeyValue &) const = default;
};

using Attributes = std::vector<KeyValue>;

// Set on a resource whose service.name a log reader guessed (from a file name, or "stdin"):
// records linked to a stored span take that span's resource instead.
inline constexpr const char *ServiceGuessedAttribute = "spanscope.service.guessed";

struct Resource
{
    Attributes attributes;
    std::uint32_t droppedAttributesCount = 0;
    std::string schemaUrl;
    // The `service.name` attribute, or the SDK's "unknown_service" convention when absent.
    std::string serviceName() const;
    bool operator==(const Resource &) const = default;
};

struct Scope
{
    std::string name;
    std::string version;
    Attributes attributes;
    std::uint32_t droppedAttributesCount = 0;
    std::string schemaUrl;
    bool operator==(const Scope &) const = default;
};

enum class SpanKind : std::uint8_t { Unspecified, Internal, Server, Client, Producer, Consumer };
enum class StatusCode : std::uint8_t { Unset, Ok, Error };

const char *toString(SpanKind kind);
const char *toString(StatusCode code);

struct SpanEvent
{
    std::uint64_t timeUnixNano = 0;
    std::string name;
    Attributes attributes;
    std::uint32_t droppedAttributesCount = 0;
    bool operator==(const SpanEvent &) const = default;
};

struct SpanLink
{
    TraceId traceId{};
    SpanId spanId{};
    std::string traceState;
    Attributes attributes;
    std::uint32_t droppedAttributesCount = 0;
    std::uint32_t flags = 0;
    bool operator==(const SpanLink &) const = default;
};

struct Span
{
    TraceId traceId{};
    SpanId spanId{};
    SpanId parentSpanId{}; // all zero for a root span
    std::string traceState;
    std::uint32_t flags = 0;
    std::string name;
    SpanKind kind = SpanKind::Unspecified;
    std::uint64_t startUnixNano = 0;
    std::uint64_t endUnixNano = 0;
    Attributes attributes;
    std::uint32_t droppedAttributesCount = 0;
    std::vector<SpanEvent> events;
    std::uint32_t droppedEventsCount = 0;
    std::vector<SpanLink> links;
    std::uint32_t droppedLinksCount = 0;
    StatusCode statusCode = StatusCode::Unset;
    std::string statusMessage;

    bool isRoot() const { return !isValid(parentSpanId); }
    bool operator==(const Span &) const = default;
};

// The memory a decoded span (or attribute list) holds, close enough to bound what waits.
std::size_t approximateBytes(const Attributes &attributes);
std::size_t approximateBytes(const Span &span);

struct LogRecord
{
    std::uint64_t timeUnixNano = 0;
    std::uint64_t observedTimeUnixNano = 0;
    int severityNumber = 0;
    std::string severityText;
    AnyValue body;
    Attributes attributes;
    std::uint32_t droppedAttributesCount = 0;
    std::uint32_t flags = 0;
    TraceId traceId{}; // all zero when the record belongs to no trace
    SpanId spanId{};
    std::string eventName;
    bool operator==(const LogRecord &) const = default;
};

// Spans that share one resource and one scope, as OTLP groups them.
struct ScopedSpans
{
    Resource resource;
    Scope scope;
    std::vector<Span> spans;
};

struct ScopedLogs
{
    Resource resource;
    Scope scope;
    std::vector<LogRecord> records;
};

struct TraceBatch
{
    std::vector<ScopedSpans> groups;
    std::string source; // the file the spans were imported from; empty for live telemetry
    std::size_t spanCount() const;
};

struct LogBatch
{
    std::vector<ScopedLogs> groups;
    std::size_t recordCount() const;
};

} // namespace spanscope::storage

#pragma once

#include "spansource.h"
#include "tracestore.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace spanscope::storage {

// Human-readable renderings shared by the CLI and the golden tests. Times inside a trace are
// relative to its start, so the text does not depend on when it was recorded.
std::string formatDuration(std::int64_t nanos);
// Text from telemetry made safe for a terminal: control characters (C0, DEL, C1: escape
// sequences, bell, carriage return, line feed) are written as \n, \r, \t, \e or \xNN, so a
// hostile name can neither clear the screen nor forge a line. Invalid UTF-8 bytes become \xNN.
std::string printable(std::string_view text);
// The other way: "250ms", "1.5s", "300us", "2m", "1 h", "40ns"; a bare number is milliseconds.
// Nothing for text that is not a duration (or one too long for int64 nanoseconds).
std::optional<std::int64_t> parseDuration(std::string_view text);
// One rule for every time shown, in the CLI and the window: local time with its offset, or UTC
// where asked (--utc): "2026-11-24 11:34:59.145131 +01:00".
enum class TimeZone { Local, Utc };
std::string formatTimestamp(std::uint64_t unixNanos, TimeZone zone = TimeZone::Local);
// A record's time, or when it was observed where it has none (OTLP's rule).
std::uint64_t logTime(const LogRecord &record);
std::string formatValue(const AnyValue &value);
// A log body as searched: a string as it is, anything else as formatValue prints it.
std::string searchableText(const AnyValue &body);
// "string", "int", "map" ...: the type as users see it next to a value.
const char *typeName(AnyValue::Type type);
std::string formatAttributes(const Attributes &attributes);
struct TraceTextOptions
{
    bool attributes = false; // ids, scope, status, attributes, events and links under each span
    const LogPage *logs = nullptr; // the trace's records, in time order, shown under their spans
    TimeZone zone = TimeZone::Local;
};
// A header (start, duration, services, span, error and log counts), then one line per span in
// tree order: offset, duration, name, service, kind and an error marker with the exception
// (`✗ PaymentError: card declined`); the resources once at the end. Spans whose parent never
// arrived are listed under a marked placeholder.
std::string formatTrace(const TraceData &trace, const TraceTextOptions &options = {});
// The same text written through `write` as it is made, reading one span at a time: what a
// trace too large to hold is printed with. False when a span could not be read (the source's
// error() says why); what was written before stays written.
using TextSink = std::function<void(std::string_view)>;
bool writeTraceText(SpanSource &source, const TraceTextOptions &options, const TextSink &write);
// TRACE, DEBUG2, INFO, WARN4 ... from an OTLP severity number; empty for 0 (unspecified).
std::string severityName(int severityNumber);
// The severity as printed: OTLP's name from the number, else the text in OTLP's spelling
// ("warning" and "WARN" both print WARN).
std::string severityLabel(const LogRecord &record);
// One record: time, severity, service, body (a multi-line body as an indented block), the span
// it belongs to and its attributes. No final line feed.
std::string formatLog(const StoredLog &log, const LogPage &page, TimeZone zone = TimeZone::Local);

} // namespace spanscope::storage

#pragma once

#include <telemetry.h>

#include <optional>
#include <string>
#include <string_view>

namespace spanscope::ingest {

// One line of a service's output as a log record. JSON objects written by the common loggers
// are understood: structlog (`event`, `level`, `timestamp`), python-json-logger (`message`,
// `levelname`, `asctime`), pino (`msg`, numeric `level`, `time` in ms, `err`), zap (`msg`,
// `level`, `ts`), logrus and Go slog (`msg`, `level`, `time`). Trace context comes from
// `trace_id`/`span_id`, `traceId`/`spanId` or `otelTraceID`/`otelSpanID` (hex). Exceptions
// (`exception`, `exc_info`, `stack_trace`, `err.stack`) become `exception.*` attributes; every
// other key becomes an attribute. A line that is not a JSON object is kept as a plain body, and
// an id that is not valid hex is kept as an attribute, unlinked: nothing on the line is lost.
struct ParsedLogLine
{
    storage::LogRecord record;
    std::string service; // from a `service`/`service.name` key; empty when the line has none
    bool structured = false; // the line was a JSON object
};

// Lines longer than this are cut, and the record says so (spanscope.truncated_bytes).
inline constexpr std::size_t MaxLogLineBytes = 1 << 20;

// Returns nothing for a blank line. `observedNanos` is when the line was read; it is the time
// of records that carry none.
std::optional<ParsedLogLine> parseLogLine(std::string_view line, std::uint64_t observedNanos);

// A severity number (1-24) for a level name or number as the common loggers write it
// ("warning", "WARN", "err", pino's 40, slog's "INFO+2"); 0 when unknown.
int severityNumberOf(std::string_view level);
int severityNumberOfPino(double level);

// Nanoseconds since the epoch for an ISO 8601 / RFC 3339 time ("2026-11-24T10:00:00.123Z",
// "2026-11-24 10:00:00,123" as local time); nothing when it does not parse.
std::optional<std::uint64_t> parseIsoTime(std::string_view text);

} // namespace spanscope::ingest

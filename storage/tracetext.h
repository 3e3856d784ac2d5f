#pragma once

#include "tracestore.h"

#include <optional>
#include <string>
#include <string_view>

namespace spanscope::storage {

// Human-readable renderings shared by the CLI and the golden tests. Times inside a trace are
// relative to its start, so the text does not depend on when it was recorded.
std::string formatDuration(std::int64_t nanos);
// The other way: "250ms", "1.5s", "300us", "2m", "1 h", "40ns"; a bare number is milliseconds.
// Nothing for text that is not a duration (or one too long for int64 nanoseconds).
std::optional<std::int64_t> parseDuration(std::string_view text);
// UTC, ISO 8601 with microseconds: 2026-11-24T10:34:59.145131Z.
std::string formatTimestamp(std::uint64_t unixNanos);
std::string formatValue(const AnyValue &value);
// "string", "int", "map" ...: the type as users see it next to a value.
const char *typeName(AnyValue::Type type);
std::string formatAttributes(const Attributes &attributes);
// An indented span tree with durations, status, attributes, events and links. Spans whose
// parent never arrived are listed under a marked placeholder.
std::string formatTrace(const TraceData &trace);
// TRACE, DEBUG2, INFO, WARN4 ... from an OTLP severity number; empty for 0 (unspecified).
std::string severityName(int severityNumber);
std::string formatLog(const StoredLog &log, const LogPage &page);

} // namespace spanscope::storage

#pragma once

// The ingest counters kept in the `counters` table, as data: every name with its unit and
// meaning (registry()), named `<what it counts>.<what happened>`. The receivers, the writer,
// `stats`, the status bar and docs/CLI.md (checked by a test) all take them from here.

#include "batchsink.h"

#include <span>
#include <string>
#include <string_view>

namespace spanscope::storage::counters {

// What one item of a signal is: spans, log_records, metric_points.
const char *itemsOf(Signal signal);

// spans.accepted: stored; spans.rejected: invalid items dropped from a good request;
// spans.values_truncated: attributes or values cut to the limits; spans.sampled_out: dropped
// by the sampling policy.
std::string tally(Signal signal, BatchSink::Tally what);

// spans.refused: items answered "retry later" (queue full, storage failing, shutting down).
std::string refused(Signal signal);

// trace_requests.rejected: whole requests refused (malformed, too large, unauthorised).
std::string rejectedRequests(Signal signal);

inline constexpr const char *SpansAccepted = "spans.accepted";
inline constexpr const char *LogRecordsAccepted = "log_records.accepted";
inline constexpr const char *MetricPointsAccepted = "metric_points.accepted";
// Points of a new attribute set past an instrument's series bound, kept in its overflow series.
inline constexpr const char *MetricPointsOverflowed = "metric_points.overflowed";
inline constexpr const char *MetricPointsEvicted = "metric_points.evicted";
inline constexpr const char *SpansSampledOut = "spans.sampled_out";
// Spans delivered again (an exporter's retry) and stored once.
inline constexpr const char *SpansDuplicated = "spans.duplicates";
inline constexpr const char *TracesEvicted = "traces.evicted";
inline constexpr const char *SpansEvicted = "spans.evicted";
// Not a count: present while the writer indexes log records stored before schema 5.
inline constexpr const char *LogsTextPending = "schema.logs_text_pending";

struct CounterInfo
{
    const char *name;
    const char *unit; // what one step of it is: "spans", "requests" ...
    const char *meaning; // a phrase for people: "stored (committed to the database)"
};

// Every counter, in the order `stats` lists them.
std::span<const CounterInfo> registry();
// The entry of `name`, or null for a name that is no counter (such as LogsTextPending).
const CounterInfo *find(std::string_view name);

} // namespace spanscope::storage::counters

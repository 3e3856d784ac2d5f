#pragma once

// The names of the ingest counters kept in the `counters` table, in one place. Each is named
// `<what it counts>.<what happened>`; docs/CLI.md (under `spanscope stats`) says what each
// means. The receivers, the writer, `stats` and the status bar all take names from here.

#include "batchsink.h"

#include <string>

namespace spanscope::storage::counters {

// What one item of a signal is: spans, log_records, metric_points.
const char *itemsOf(Signal signal);

// spans.accepted: stored; spans.rejected: invalid items dropped from a good request;
// spans.values_truncated: attributes or values cut to the limits; spans.sampled_out: dropped
// by the sampling policy. Metric points are counted as accepted without being stored.
std::string tally(Signal signal, BatchSink::Tally what);

// spans.refused: items answered "retry later" (queue full, storage failing, shutting down).
std::string refused(Signal signal);

// trace_requests.rejected: whole requests refused (malformed, too large, unauthorised).
std::string rejectedRequests(Signal signal);

inline constexpr const char *SpansAccepted = "spans.accepted";
inline constexpr const char *LogRecordsAccepted = "log_records.accepted";
inline constexpr const char *SpansSampledOut = "spans.sampled_out";
// Spans delivered again (an exporter's retry) and stored once.
inline constexpr const char *SpansDuplicated = "spans.duplicates";
inline constexpr const char *TracesEvicted = "traces.evicted";
inline constexpr const char *SpansEvicted = "spans.evicted";

} // namespace spanscope::storage::counters

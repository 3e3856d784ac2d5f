#pragma once

#include <spansource.h>
#include <tracestore.h>

#include <functional>
#include <string>
#include <string_view>

namespace spanscope::ingest {

// Stored telemetry as pretty OTLP-JSON documents (TracesData, LogsData): what "Copy as
// OTLP-JSON" and `--json` print. A header without protobuf types, so the window needs no
// generated code.
std::string tracesJson(const storage::TraceData &trace);
std::string logsJson(const storage::LogPage &page);

// The same as OTLP-JSON TracesData, handed to `write` piece by piece (each resource once, its
// scopes inside, one span at a time, read from the source as it is written), so a
// million-span trace never exists whole as a message or as text. False when a span could not
// be read (the source's error() says why).
bool writeTraceJson(storage::SpanSource &source,
                    const std::function<void(std::string_view)> &write);
// Only the trace's entries of a resourceSpans list (`first`: none written before), so several
// traces make one document.
bool writeResourceSpansJson(storage::SpanSource &source,
                            const std::function<void(std::string_view)> &write, bool &first);

} // namespace spanscope::ingest

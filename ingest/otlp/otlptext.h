#pragma once

#include <tracestore.h>

#include <string>

namespace spanscope::ingest {

// Stored telemetry as pretty OTLP-JSON documents (TracesData, LogsData): what "Copy as
// OTLP-JSON" and `--json` print. A header without protobuf types, so the window needs no
// generated code.
std::string tracesJson(const storage::TraceData &trace);
std::string logsJson(const storage::LogPage &page);

} // namespace spanscope::ingest

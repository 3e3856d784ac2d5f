#pragma once

#include "ingestlimits.h"

#include <batchsink.h>
#include <telemetry.h>
#include <tracestore.h>

#include <opentelemetry/proto/collector/logs/v1/logs_service.pb.h>
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.pb.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace spanscope::ingest {

namespace otlp_trace = opentelemetry::proto::collector::trace::v1;
namespace otlp_logs = opentelemetry::proto::collector::logs::v1;
namespace otlp_metrics = opentelemetry::proto::collector::metrics::v1;

// The result of decoding one request: what is good, and how much was rejected and why.
template<typename Batch>
struct Decoded
{
    Batch batch;
    std::uint64_t rejected = 0;
    std::string rejectReason; // the first reason, for the partial-success message
    std::uint64_t truncated = 0; // attributes or values cut to the limits
};

Decoded<storage::TraceBatch> decodeTraces(const otlp_trace::ExportTraceServiceRequest &request,
                                          const IngestLimits &limits);
Decoded<storage::LogBatch> decodeLogs(const otlp_logs::ExportLogsServiceRequest &request,
                                      const IngestLimits &limits);
std::uint64_t countDataPoints(const otlp_metrics::ExportMetricsServiceRequest &request);

// Stored data back to OTLP messages, for `--json` output and export.
void encodeTrace(const storage::TraceData &trace, opentelemetry::proto::trace::v1::TracesData &out);
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
void encodeLogs(const storage::LogPage &page, opentelemetry::proto::logs::v1::LogsData &out);
void encodeLogs(const storage::LogBatch &batch, opentelemetry::proto::logs::v1::LogsData &out);
void encodeLogRecord(const storage::LogRecord &record,
                     opentelemetry::proto::logs::v1::LogRecord &out);

} // namespace spanscope::ingest

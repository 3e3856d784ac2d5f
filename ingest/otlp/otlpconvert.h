#pragma once

// The OTLP codec: protobuf messages to and from storage's types. Only ingest's own sources
// include this header (the generated code is linked PRIVATE); the rest of the program
// reaches OTLP through exporthandler.h, otlptext.h and the clients, which carry no protobuf
// type.

#include "ingestlimits.h"

#include <batchsink.h>
#include <telemetry.h>
#include <tracestore.h>

#include <opentelemetry/proto/collector/logs/v1/logs_service.pb.h>
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.pb.h>

#include <cstdint>
#include <string>

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
Decoded<storage::MetricBatch>
decodeMetrics(const otlp_metrics::ExportMetricsServiceRequest &request, const IngestLimits &limits);

// Stored data back to OTLP messages, for `--json` output and export.
void encodeTrace(const storage::TraceData &trace, opentelemetry::proto::trace::v1::TracesData &out);
// The pieces, for writers that stream a trace one span at a time (otlptext.h).
void encodeResource(const storage::Resource &in, opentelemetry::proto::resource::v1::Resource &out);
void encodeScope(const storage::Scope &in,
                 opentelemetry::proto::common::v1::InstrumentationScope &out);
void encodeSpan(const storage::Span &span, opentelemetry::proto::trace::v1::Span &out);
void encodeLogs(const storage::LogPage &page, opentelemetry::proto::logs::v1::LogsData &out);
void encodeLogs(const storage::LogBatch &batch, opentelemetry::proto::logs::v1::LogsData &out);
void encodeLogRecord(const storage::LogRecord &record,
                     opentelemetry::proto::logs::v1::LogRecord &out);

} // namespace spanscope::ingest

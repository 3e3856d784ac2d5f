#pragma once

#include "ingestlimits.h"
#include "otlpconvert.h"

#include <batchsink.h>

#include <string>

namespace spanscope::ingest {

// What a transport should answer.
struct ExportOutcome
{
    enum class Status {
        Ok, // stored; the response may carry a partial success
        Throttled, // the queue is full: retryable (gRPC UNAVAILABLE, HTTP 429)
        Unavailable, // storage failed or shutting down: retryable (gRPC UNAVAILABLE, HTTP 503)
    };
    Status status = Status::Ok;
    std::string message;
};

// The transport-neutral part of every Export call: decode, hand to the sink, count, and fill
// the OTLP response. The gRPC and HTTP receivers differ only in framing.
class ExportHandler
{
public:
    ExportHandler(storage::BatchSink &sink, IngestLimits limits);

    ExportOutcome exportTraces(const otlp_trace::ExportTraceServiceRequest &request,
                               otlp_trace::ExportTraceServiceResponse &response);
    ExportOutcome exportLogs(const otlp_logs::ExportLogsServiceRequest &request,
                             otlp_logs::ExportLogsServiceResponse &response);
    ExportOutcome exportMetrics(const otlp_metrics::ExportMetricsServiceRequest &request,
                                otlp_metrics::ExportMetricsServiceResponse &response);

    // A request refused before decoding (malformed, too large, wrong content type).
    void rejectRequest(storage::Signal signal, const std::string &reason);
    const IngestLimits &limits() const { return m_limits; }

    // Seconds a throttled sender is asked to wait.
    static constexpr int RetryAfterSeconds = 1;

private:
    storage::BatchSink &m_sink;
    IngestLimits m_limits;
};

} // namespace spanscope::ingest

#pragma once

#include <batchsink.h>
#include <result.h>

#include <cstdint>
#include <string>

namespace spanscope::ingest {

// A realistic set of telemetry for a first look: an order flow across four services with HTTP
// calls between them, database spans, a payment that fails with an exception, events, log
// records inside the spans, a health check, one large batch trace, and each service's metrics
// over the last minute (request duration histograms with exemplars of the demo's own spans,
// a counter, a gauge). Sent over OTLP/gRPC to a
// running receiver, exactly as an SDK would.
struct DemoSummary
{
    int traces = 0;
    std::uint64_t spans = 0;
    std::uint64_t logRecords = 0;
    std::uint64_t metricPoints = 0;
    std::string failedTraceId; // the trace with the payment failure
    std::string largeTraceId;
    std::string historyTraceId; // an N+1 and sequential calls, for the insights
};

storage::Result<DemoSummary> sendDemoTraffic(const std::string &grpcAddress,
                                             const std::string &bearerToken = {},
                                             int largeTraceSpans = 20000);
// The same telemetry decoded as a receiver would and written straight into `sink`, in the same
// requests: for tests of what is shown, where the sockets are not the point.
storage::Result<DemoSummary> writeDemoTraffic(storage::BatchSink &sink,
                                              int largeTraceSpans = 20000);

} // namespace spanscope::ingest

#pragma once

#include <result.h>

#include <memory>
#include <string>

namespace opentelemetry::proto::collector::trace::v1 {
class ExportTraceServiceRequest;
}
namespace opentelemetry::proto::collector::logs::v1 {
class ExportLogsServiceRequest;
}
namespace opentelemetry::proto::collector::metrics::v1 {
class ExportMetricsServiceRequest;
}

namespace spanscope::ingest {

// Sends OTLP over gRPC to a running receiver, as an SDK's exporter does: a busy receiver
// (UNAVAILABLE, RESOURCE_EXHAUSTED) is retried with back-off for up to `patienceSeconds` (a
// few seconds before it first answered); anything else is an error sentence. Records the receiver
// rejected are reported, not retried.
class OtlpGrpcClient
{
public:
    // `bearerToken`, when set, is sent as `authorization: Bearer <token>` (see --token).
    explicit OtlpGrpcClient(const std::string &address, std::string bearerToken = {},
                            int patienceSeconds = 30);
    ~OtlpGrpcClient();

    // The number of items the receiver rejected (partial success), or an error.
    storage::Result<std::int64_t> exportTraces(
        const opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest &request);
    storage::Result<std::int64_t>
    exportLogs(const opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest &request);
    storage::Result<std::int64_t> exportMetrics(
        const opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest &request);

private:
    struct Stubs;
    std::string m_address;
    std::string m_authorization; // the header's value; empty: none sent
    int m_patienceSeconds;
    bool m_answered = false; // the receiver has taken an export
    std::unique_ptr<Stubs> m_stubs;
};

} // namespace spanscope::ingest

#include "otlpclient.h"

#include <opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h>
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <thread>

namespace spanscope::ingest {

namespace pb_trace = opentelemetry::proto::collector::trace::v1;
namespace pb_logs = opentelemetry::proto::collector::logs::v1;
namespace pb_metrics = opentelemetry::proto::collector::metrics::v1;

struct OtlpGrpcClient::Stubs
{
    std::unique_ptr<pb_trace::TraceService::Stub> traces;
    std::unique_ptr<pb_logs::LogsService::Stub> logs;
    std::unique_ptr<pb_metrics::MetricsService::Stub> metrics;
};

namespace {

// Calls `exportCall` until it succeeds, fails for good, or the receiver stayed busy too long.
// Until the receiver has answered once, a refusal most likely means nothing listens there, so
// it is reported after a short wait rather than the full patience.
constexpr int FirstContactSeconds = 3;

template<typename Call>
storage::Result<bool> callWithRetry(const std::string &address, const std::string &authorization,
                                    int patienceSeconds, bool &answered, Call exportCall)
{
    using Clock = std::chrono::steady_clock;
    const auto giveUp = Clock::now()
        + std::chrono::seconds(answered ? patienceSeconds
                                        : std::min(patienceSeconds, FirstContactSeconds));
    auto backoff = std::chrono::milliseconds(50);
    while (true) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        if (!authorization.empty())
            context.AddMetadata("authorization", authorization);
        const grpc::Status status = exportCall(context);
        if (status.ok()) {
            answered = true;
            return true;
        }
        const bool busy = status.error_code() == grpc::StatusCode::UNAVAILABLE
            || status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
        if (!busy || Clock::now() + backoff > giveUp) {
            return storage::Error{"Spanscope at " + address + " did not take the data ("
                                  + status.error_message()
                                  + "). Is Spanscope running and listening there?"};
        }
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
}

} // namespace

OtlpGrpcClient::OtlpGrpcClient(const std::string &address, std::string bearerToken,
                               int patienceSeconds)
    : m_address(address)
    , m_authorization(bearerToken.empty() ? std::string() : "Bearer " + bearerToken)
    , m_patienceSeconds(patienceSeconds)
    , m_stubs(std::make_unique<Stubs>())
{
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    m_stubs->traces = pb_trace::TraceService::NewStub(channel);
    m_stubs->logs = pb_logs::LogsService::NewStub(channel);
    m_stubs->metrics = pb_metrics::MetricsService::NewStub(channel);
}

OtlpGrpcClient::~OtlpGrpcClient() = default;

storage::Result<std::int64_t>
OtlpGrpcClient::exportTraces(const pb_trace::ExportTraceServiceRequest &request)
{
    pb_trace::ExportTraceServiceResponse response;
    auto sent = callWithRetry(m_address, m_authorization, m_patienceSeconds, m_answered,
                              [&](grpc::ClientContext &context) {
                                  return m_stubs->traces->Export(&context, request, &response);
                              });
    if (!sent)
        return storage::Error{sent.error()};
    return response.partial_success().rejected_spans();
}

storage::Result<std::int64_t>
OtlpGrpcClient::exportLogs(const pb_logs::ExportLogsServiceRequest &request)
{
    pb_logs::ExportLogsServiceResponse response;
    auto sent = callWithRetry(m_address, m_authorization, m_patienceSeconds, m_answered,
                              [&](grpc::ClientContext &context) {
                                  return m_stubs->logs->Export(&context, request, &response);
                              });
    if (!sent)
        return storage::Error{sent.error()};
    return response.partial_success().rejected_log_records();
}

storage::Result<std::int64_t>
OtlpGrpcClient::exportMetrics(const pb_metrics::ExportMetricsServiceRequest &request)
{
    pb_metrics::ExportMetricsServiceResponse response;
    auto sent = callWithRetry(m_address, m_authorization, m_patienceSeconds, m_answered,
                              [&](grpc::ClientContext &context) {
                                  return m_stubs->metrics->Export(&context, request, &response);
                              });
    if (!sent)
        return storage::Error{sent.error()};
    return response.partial_success().rejected_data_points();
}

} // namespace spanscope::ingest

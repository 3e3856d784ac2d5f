#include "grpcreceiver.h"

#include "bearertoken.h"

#include <google/rpc/status.pb.h>
#include <opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h>
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h>

#include <grpc/support/log.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <QLoggingCategory>

#include <chrono>

Q_LOGGING_CATEGORY(lcGrpc, "spanscope.ingest.grpc", QtWarningMsg)

namespace spanscope::ingest {

namespace {

// gRPC's own log lines repeat what our error sentences say, in its internal terms; they go to
// a debug category instead of stderr.
void forwardGrpcLog(gpr_log_func_args *args)
{
    qCDebug(lcGrpc) << args->file << args->line << args->message;
}

// UNAVAILABLE with RetryInfo: the status OTLP clients retry after the given delay.
grpc::Status retryLater(const ExportOutcome &outcome)
{
    google::rpc::Status status;
    status.set_code(grpc::StatusCode::UNAVAILABLE);
    status.set_message(outcome.message);
    google::rpc::RetryInfo retry;
    retry.mutable_retry_delay()->set_seconds(ExportHandler::RetryAfterSeconds);
    status.add_details()->PackFrom(retry);
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, outcome.message, status.SerializeAsString());
}

grpc::Status toGrpc(const ExportOutcome &outcome)
{
    return outcome.status == ExportOutcome::Status::Ok ? grpc::Status::OK : retryLater(outcome);
}

// gRPC decodes requests before our handlers run and answers a message it cannot decode with
// INTERNAL, which our handlers never return. This turns that answer into INVALID_ARGUMENT with a
// sentence a developer understands, and counts the request like any other malformed one.
class BadMessageInterceptor final : public grpc::experimental::Interceptor
{
public:
    BadMessageInterceptor(ExportHandler &handler, std::string method)
        : m_handler(handler)
        , m_method(std::move(method))
    {}

    void Intercept(grpc::experimental::InterceptorBatchMethods *methods) override
    {
        using grpc::experimental::InterceptionHookPoints;
        if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)
            && methods->GetSendStatus().error_code() == grpc::StatusCode::INTERNAL) {
            const std::string why
                = "the message could not be decoded as the request of " + m_method;
            m_handler.rejectRequest(signalOf(m_method), why);
            methods->ModifySendStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, why));
        }
        methods->Proceed();
    }

private:
    static storage::Signal signalOf(const std::string &method)
    {
        if (method.find(".logs.") != std::string::npos)
            return storage::Signal::Logs;
        if (method.find(".metrics.") != std::string::npos)
            return storage::Signal::Metrics;
        return storage::Signal::Traces;
    }

    ExportHandler &m_handler;
    std::string m_method;
};

class BadMessageInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface
{
public:
    explicit BadMessageInterceptorFactory(ExportHandler &handler)
        : m_handler(handler)
    {}

    grpc::experimental::Interceptor *
    CreateServerInterceptor(grpc::experimental::ServerRpcInfo *info) override
    {
        return new BadMessageInterceptor(m_handler, info->method());
    }

private:
    ExportHandler &m_handler;
};

// Beyond loopback every call carries the bearer token; without it the call is refused and
// counted with the other rejected requests.
bool authorized(const grpc::ServerContext *context, const std::string &token,
                ExportHandler &handler, storage::Signal signal)
{
    if (token.empty())
        return true;
    const auto &metadata = context->client_metadata();
    const auto header = metadata.find("authorization");
    if (header != metadata.end()
        && bearerMatches(std::string_view(header->second.data(), header->second.size()), token))
        return true;
    handler.rejectRequest(signal, "missing or wrong bearer token");
    return false;
}

const grpc::Status Unauthenticated(grpc::StatusCode::UNAUTHENTICATED,
                                   "Spanscope needs 'authorization: Bearer <token>' on this "
                                   "address (set OTEL_EXPORTER_OTLP_HEADERS).");

class TraceService final : public otlp_trace::TraceService::Service
{
public:
    TraceService(ExportHandler &handler, const std::string &token)
        : m_handler(handler)
        , m_token(token)
    {}
    grpc::Status Export(grpc::ServerContext *context,
                        const otlp_trace::ExportTraceServiceRequest *request,
                        otlp_trace::ExportTraceServiceResponse *response) override
    {
        if (!authorized(context, m_token, m_handler, storage::Signal::Traces))
            return Unauthenticated;
        return toGrpc(m_handler.exportTraces(*request, *response));
    }

private:
    ExportHandler &m_handler;
    const std::string &m_token;
};

class LogsService final : public otlp_logs::LogsService::Service
{
public:
    LogsService(ExportHandler &handler, const std::string &token)
        : m_handler(handler)
        , m_token(token)
    {}
    grpc::Status Export(grpc::ServerContext *context,
                        const otlp_logs::ExportLogsServiceRequest *request,
                        otlp_logs::ExportLogsServiceResponse *response) override
    {
        if (!authorized(context, m_token, m_handler, storage::Signal::Logs))
            return Unauthenticated;
        return toGrpc(m_handler.exportLogs(*request, *response));
    }

private:
    ExportHandler &m_handler;
    const std::string &m_token;
};

class MetricsService final : public otlp_metrics::MetricsService::Service
{
public:
    MetricsService(ExportHandler &handler, const std::string &token)
        : m_handler(handler)
        , m_token(token)
    {}
    grpc::Status Export(grpc::ServerContext *context,
                        const otlp_metrics::ExportMetricsServiceRequest *request,
                        otlp_metrics::ExportMetricsServiceResponse *response) override
    {
        if (!authorized(context, m_token, m_handler, storage::Signal::Metrics))
            return Unauthenticated;
        return toGrpc(m_handler.exportMetrics(*request, *response));
    }

private:
    ExportHandler &m_handler;
    const std::string &m_token;
};

} // namespace

struct GrpcReceiver::Services
{
    Services(ExportHandler &handler, std::string bearerToken)
        : token(std::move(bearerToken))
        , traces(handler, token)
        , logs(handler, token)
        , metrics(handler, token)
    {}
    const std::string token;
    TraceService traces;
    LogsService logs;
    MetricsService metrics;
};

storage::Result<std::unique_ptr<GrpcReceiver>> GrpcReceiver::start(ExportHandler &handler,
                                                                   Options options)
{
    std::unique_ptr<GrpcReceiver> receiver(new GrpcReceiver);
    receiver->m_services = std::make_unique<Services>(handler, options.bearerToken);
    receiver->m_host = options.address.substr(0, options.address.rfind(':'));

    gpr_set_log_function(forwardGrpcLog);
    grpc::ServerBuilder builder;
    // Without this, gRPC sets SO_REUSEPORT and a second instance would silently share the port.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.SetMaxReceiveMessageSize(static_cast<int>(options.maxMessageBytes));
    // A 512-span export is ~300 KB; a larger stream window lets it arrive without waiting for
    // flow-control updates.
    builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4 << 20);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(std::make_unique<BadMessageInterceptorFactory>(handler));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    builder.AddListeningPort(options.address, grpc::InsecureServerCredentials(), &receiver->m_port);
    builder.RegisterService(&receiver->m_services->traces);
    builder.RegisterService(&receiver->m_services->logs);
    builder.RegisterService(&receiver->m_services->metrics);
    receiver->m_server = builder.BuildAndStart();
    if (!receiver->m_server || receiver->m_port == 0) {
        return storage::Error{"Cannot listen for OTLP/gRPC on " + options.address
                              + ": the address is in use or not available. Stop the other program "
                                "or choose another address with --grpc HOST:PORT."};
    }
    return receiver;
}

GrpcReceiver::~GrpcReceiver()
{
    stop();
}

std::string GrpcReceiver::address() const
{
    return m_host + ":" + std::to_string(m_port);
}

void GrpcReceiver::stop()
{
    if (m_server) {
        m_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
        m_server->Wait();
        m_server.reset();
    }
}

} // namespace spanscope::ingest

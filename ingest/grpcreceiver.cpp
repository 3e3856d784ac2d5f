#include "grpcreceiver.h"

#include "bearertoken.h"
#include "inflate.h"

// Only the generated service skeletons, to register the Export methods: the messages stay bytes
// here and ExportHandler decodes them.
#include <opentelemetry/proto/collector/logs/v1/logs_service.grpc.pb.h>
#include <opentelemetry/proto/collector/metrics/v1/metrics_service.grpc.pb.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <grpc/support/log.h>
#include <grpcpp/grpcpp.h>

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

// The table's code; a retryable refusal carries RetryInfo, the delay OTLP clients wait before
// they resend.
grpc::Status refused(Refusal refusal, const std::string &message)
{
    const ExportStatus table = exportStatus(refusal);
    const auto code = static_cast<grpc::StatusCode>(table.grpc);
    if (!table.retryable)
        return {code, message};
    return {code, message,
            ExportHandler::refusalBody(refusal, message, WireFormat::Protobuf, true)};
}

// Beyond loopback every call carries the bearer token, checked from the metadata before the
// message is looked at; without it the call is refused and counted with the other rejected
// requests.
bool authorized(const grpc::CallbackServerContext *context, const std::string &token)
{
    if (token.empty())
        return true;
    const auto &metadata = context->client_metadata();
    const auto header = metadata.find("authorization");
    return header != metadata.end()
        && bearerMatches(std::string_view(header->second.data(), header->second.size()), token);
}

const grpc::Status
    Unauthenticated(static_cast<grpc::StatusCode>(exportStatus(Refusal::Unauthenticated).grpc),
                    "Spanscope needs 'authorization: Bearer <token>' on this "
                    "address (set OTEL_EXPORTER_OTLP_HEADERS).");

// The message's bytes, as they came (gRPC's own decompression is off, see start()).
std::string bytesOf(const grpc::ByteBuffer &buffer)
{
    std::vector<grpc::Slice> slices;
    std::string out;
    if (!buffer.Dump(&slices).ok())
        return out;
    out.reserve(buffer.Length());
    for (const grpc::Slice &slice : slices)
        out.append(reinterpret_cast<const char *>(slice.begin()), slice.size());
    return out;
}

// Inflates the message and hands it to the handler, on a worker thread.
grpc::Status serveExport(ExportHandler &handler, storage::Signal signal, std::string body,
                         grpc::ByteBuffer &out)
{
    // A gzip member cannot start a protobuf request (0x1f is field 3 of wire type 7), so a
    // compressed message is told by its magic bytes. It is inflated with the bound the HTTP
    // receiver uses: a bomb costs at most the limit.
    if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f
        && static_cast<unsigned char>(body[1]) == 0x8b) {
        std::string inflated;
        const std::size_t limit = handler.limits().maxRequestBytes;
        switch (inflateBody(body, BodyEncoding::Gzip, limit, inflated)) {
        case InflateResult::Ok:
            body.swap(inflated);
            break;
        case InflateResult::TooLarge:
            handler.rejectRequest(signal,
                                  "message over the limit of " + std::to_string(limit)
                                      + " bytes after decompression");
            return refused(Refusal::TooLarge,
                           "The message is larger than the limit of " + std::to_string(limit)
                               + " bytes after decompression.");
        case InflateResult::Damaged:
            handler.rejectRequest(signal, "the message is not valid gzip");
            return refused(Refusal::Malformed, "The message is not valid gzip.");
        }
    }
    const ExportAnswer answer = handler.serve(signal, WireFormat::Protobuf, std::move(body));
    if (!answer.stored())
        return refused(*answer.refusal, answer.message);
    grpc::Slice slice(answer.body);
    out = grpc::ByteBuffer(&slice, 1);
    return grpc::Status::OK;
}

// One Export method taking the message as bytes, so the token is checked and the cost of
// decoding is judged before anything is parsed.
template<typename Service>
class RawExport final
    : public Service::template WithRawCallbackMethod_Export<typename Service::Service>
{
public:
    RawExport(ExportHandler &handler, const std::string &token, boost::asio::thread_pool &workers,
              storage::Signal signal)
        : m_handler(handler)
        , m_token(token)
        , m_workers(workers)
        , m_signal(signal)
    {}

    grpc::ServerUnaryReactor *Export(grpc::CallbackServerContext *context,
                                     const grpc::ByteBuffer *request,
                                     grpc::ByteBuffer *response) override
    {
        grpc::ServerUnaryReactor *reactor = context->DefaultReactor();
        if (!authorized(context, m_token)) {
            m_handler.rejectRequest(m_signal, "missing or wrong bearer token");
            reactor->Finish(Unauthenticated);
            return reactor;
        }
        // The export waits for its commit: on a worker, never on gRPC's callback threads.
        boost::asio::post(m_workers, [this, reactor, body = bytesOf(*request), response]() mutable {
            reactor->Finish(serveExport(m_handler, m_signal, std::move(body), *response));
        });
        return reactor;
    }

private:
    ExportHandler &m_handler;
    const std::string &m_token;
    boost::asio::thread_pool &m_workers;
    storage::Signal m_signal;
};

using TraceService = RawExport<opentelemetry::proto::collector::trace::v1::TraceService>;
using LogsService = RawExport<opentelemetry::proto::collector::logs::v1::LogsService>;
using MetricsService = RawExport<opentelemetry::proto::collector::metrics::v1::MetricsService>;

} // namespace

struct GrpcReceiver::Services
{
    Services(ExportHandler &handler, std::string bearerToken, int workerCount)
        : token(std::move(bearerToken))
        , workers(static_cast<std::size_t>(workerCount))
        , traces(handler, token, workers, storage::Signal::Traces)
        , logs(handler, token, workers, storage::Signal::Logs)
        , metrics(handler, token, workers, storage::Signal::Metrics)
    {}
    const std::string token;
    boost::asio::thread_pool workers;
    TraceService traces;
    LogsService logs;
    MetricsService metrics;
};

storage::Result<std::unique_ptr<GrpcReceiver>> GrpcReceiver::start(ExportHandler &handler,
                                                                   Options options)
{
    std::unique_ptr<GrpcReceiver> receiver(new GrpcReceiver);
    receiver->m_services
        = std::make_unique<Services>(handler, options.bearerToken, options.workers);
    receiver->m_host = options.address.substr(0, options.address.rfind(':'));

    gpr_set_log_function(forwardGrpcLog);
    grpc::ServerBuilder builder;
    // Without this, gRPC sets SO_REUSEPORT and a second instance would silently share the port.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.SetMaxReceiveMessageSize(static_cast<int>(options.maxMessageBytes));
    // gRPC 1.51 inflates a compressed message whole before checking its size (a 2 MB bomb
    // becomes 512 MiB); messages arrive as sent and serveExport inflates them within the limit.
    builder.AddChannelArgument(GRPC_ARG_ENABLE_PER_MESSAGE_DECOMPRESSION, 0);
    // A 512-span export is ~300 KB; a larger stream window lets it arrive without waiting for
    // flow-control updates.
    builder.AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4 << 20);
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
        // New calls are refused; running ones are answered by the workers, then the server ends.
        m_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
        m_services->workers.join();
        m_server->Wait();
        m_server.reset();
    }
}

} // namespace spanscope::ingest

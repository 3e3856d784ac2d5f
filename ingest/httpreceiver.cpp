#include "httpreceiver.h"

#include "bearertoken.h"
#include "httplisten.h"

#include "otlpjson.h"

#include <google/protobuf/arena.h>
#include <google/rpc/status.pb.h>
#include <httplib.h>

#include <QLoggingCategory>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <regex>
#include <sys/socket.h>
#include <thread>

Q_LOGGING_CATEGORY(lcHttp, "spanscope.ingest.http", QtWarningMsg)

namespace spanscope::ingest {

namespace {

constexpr const char *ProtobufType = "application/x-protobuf";
constexpr const char *JsonType = "application/json";

enum class Encoding { Protobuf, Json, Unsupported };

Encoding mediaType(const std::string &contentType)
{
    std::string type = contentType.substr(0, contentType.find(';'));
    type.erase(std::remove_if(type.begin(), type.end(), ::isspace), type.end());
    std::transform(type.begin(), type.end(), type.begin(), ::tolower);
    if (type == ProtobufType)
        return Encoding::Protobuf;
    if (type == JsonType)
        return Encoding::Json;
    return Encoding::Unsupported;
}

void plainError(httplib::Response &res, int status, const std::string &message)
{
    res.status = status;
    res.set_content(message + "\n", "text/plain");
}

// A failure body is a google.rpc.Status in the request's own encoding.
void statusError(httplib::Response &res, Encoding encoding, int status, int grpcCode,
                 const std::string &message)
{
    google::rpc::Status body;
    body.set_code(grpcCode);
    body.set_message(message);
    res.status = status;
    if (encoding == Encoding::Json)
        res.set_content(printOtlpJson(body), JsonType);
    else
        res.set_content(body.SerializeAsString(), ProtobufType);
}

struct Route
{
    const char *path;
    storage::Signal signal;
};

constexpr Route Routes[] = {
    {"/v1/traces", storage::Signal::Traces},
    {"/v1/logs", storage::Signal::Logs},
    {"/v1/metrics", storage::Signal::Metrics},
};

// Decodes the body into Request, runs the export and writes the response.
template<typename Request, typename Response, typename Export>
void serveExport(ExportHandler &handler, storage::Signal signal, Encoding encoding,
                 const std::string &body, httplib::Response &res, Export exportCall)
{
    // An arena makes the thousands of small messages in a large export one allocation.
    google::protobuf::Arena arena;
    Request &request = *google::protobuf::Arena::CreateMessage<Request>(&arena);
    std::string error;
    if (encoding == Encoding::Json)
        error = parseOtlpJson(body, request);
    else if (!request.ParseFromString(body))
        error = "the body is not a valid protobuf " + request.GetTypeName();
    if (!error.empty()) {
        handler.rejectRequest(signal, error);
        statusError(res, encoding, 400, 3 /* INVALID_ARGUMENT */, error);
        return;
    }
    Response &response = *google::protobuf::Arena::CreateMessage<Response>(&arena);
    const ExportOutcome outcome = (handler.*exportCall)(request, response);
    switch (outcome.status) {
    case ExportOutcome::Status::Ok:
        res.status = 200;
        if (encoding == Encoding::Json)
            res.set_content(printOtlpJson(response), JsonType);
        else
            res.set_content(response.SerializeAsString(), ProtobufType);
        return;
    case ExportOutcome::Status::Throttled:
    case ExportOutcome::Status::Unavailable:
        res.set_header("Retry-After", std::to_string(ExportHandler::RetryAfterSeconds));
        statusError(res, encoding, outcome.status == ExportOutcome::Status::Throttled ? 429 : 503,
                    14 /* UNAVAILABLE */, outcome.message);
        return;
    }
}

} // namespace

bool HttpReceiver::originAllowed(const std::string &origin, const std::vector<std::string> &allowed)
{
    if (origin.empty())
        return false;
    if (allowed.empty()) {
        static const std::regex local(
            R"(^https?://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?$)", std::regex::icase);
        return std::regex_match(origin, local);
    }
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const std::string &a) { return a == "*" || a == origin; });
}

storage::Result<std::unique_ptr<HttpReceiver>> HttpReceiver::start(ExportHandler &handler,
                                                                   Options options)
{
    std::unique_ptr<HttpReceiver> receiver(new HttpReceiver);
    receiver->m_options = options;
    receiver->m_server = std::make_unique<httplib::Server>();
    httplib::Server &server = *receiver->m_server;
    const int threads = options.threads;
    server.new_task_queue = [threads] {
        return new httplib::ThreadPool(static_cast<size_t>(threads));
    };
    // Small responses must not wait for the client's delayed ACK (40 ms per request otherwise).
    server.set_tcp_nodelay(true);
    server.set_keep_alive_max_count(100000);
    server.set_read_timeout(30);
    receiver->installRoutes(handler);

    auto port = listenHttp(server, options.host, options.port, receiver->m_thread, "OTLP/HTTP",
                           "--http HOST:PORT");
    if (!port)
        return storage::Error{port.error()};
    receiver->m_port = *port;
    return receiver;
}

void HttpReceiver::installRoutes(ExportHandler &handler)
{
    httplib::Server &server = *m_server;
    const std::vector<std::string> origins = m_options.allowedOrigins;

    // CORS headers on every answer to an allowed origin, so browsers can read errors too.
    server.set_post_routing_handler([origins](const httplib::Request &req, httplib::Response &res) {
        const std::string origin = req.get_header_value("Origin");
        if (originAllowed(origin, origins)) {
            res.set_header("Access-Control-Allow-Origin", origin);
            res.set_header("Vary", "Origin");
        }
    });

    for (const Route &route : Routes) {
        const storage::Signal signal = route.signal;
        server.Options(route.path, [origins](const httplib::Request &req, httplib::Response &res) {
            res.status = 204;
            if (!originAllowed(req.get_header_value("Origin"), origins))
                return;
            res.set_header("Access-Control-Allow-Methods", "POST, OPTIONS");
            const std::string requested = req.get_header_value("Access-Control-Request-Headers");
            res.set_header("Access-Control-Allow-Headers",
                           requested.empty() ? "Content-Type, Content-Encoding" : requested);
            res.set_header("Access-Control-Max-Age", "86400");
        });
        const auto notAllowed = [](const httplib::Request &, httplib::Response &res) {
            res.set_header("Allow", "POST, OPTIONS");
            plainError(res, 405, "Only POST is supported here.");
        };
        server.Get(route.path, notAllowed);
        server.Put(route.path, notAllowed);
        server.Delete(route.path, notAllowed);
        server.Patch(route.path, notAllowed);

        server.Post(
            route.path,
            [&handler, signal,
             token = m_options.bearerToken](const httplib::Request &req, httplib::Response &res,
                                            const httplib::ContentReader &reader) {
                const std::size_t limit = handler.limits().maxRequestBytes;
                const Encoding encoding = mediaType(req.get_header_value("Content-Type"));
                const auto refuse = [&](int status, const std::string &why) {
                    handler.rejectRequest(signal, why);
                    // The rest of the body was not read, so this connection cannot be reused.
                    res.set_header("Connection", "close");
                    plainError(res, status, why);
                };
                if (!token.empty()
                    && !bearerMatches(req.get_header_value("Authorization"), token)) {
                    handler.rejectRequest(signal, "missing or wrong bearer token");
                    res.set_header("Connection", "close");
                    res.set_header("WWW-Authenticate", "Bearer");
                    plainError(res, 401,
                               "Spanscope needs 'Authorization: Bearer <token>' on this address "
                               "(set OTEL_EXPORTER_OTLP_HEADERS).");
                    return;
                }
                if (encoding == Encoding::Unsupported) {
                    refuse(415,
                           "Unsupported Content-Type '" + req.get_header_value("Content-Type")
                               + "': use application/x-protobuf or application/json.");
                    return;
                }
                const std::string contentEncoding = req.get_header_value("Content-Encoding");
                if (!contentEncoding.empty() && contentEncoding != "gzip"
                    && contentEncoding != "identity" && contentEncoding != "deflate") {
                    refuse(415,
                           "Unsupported Content-Encoding '" + contentEncoding
                               + "': use gzip or none.");
                    return;
                }
                // Bodies arrive already inflated, chunk by chunk. Past the limit the rest is read
                // and discarded, so the client gets its 413 instead of a broken pipe, up to a cap
                // beyond which the connection is dropped: a gzip bomb is never held, nor inflated
                // without end.
                const std::size_t discardCap = limit * 4;
                std::string body;
                // Sized once from Content-Length (an uncompressed body's exact size) rather than
                // grown chunk by chunk; never beyond the limit, whatever the header claims.
                const std::string declared = req.get_header_value("Content-Length");
                if (!declared.empty() && contentEncoding.empty())
                    body.reserve(
                        std::min<std::size_t>(std::strtoull(declared.c_str(), nullptr, 10), limit));
                std::size_t received = 0;
                bool tooLarge = false;
                const bool complete = reader([&](const char *data, size_t length) {
                    received += length;
                    if (!tooLarge && body.size() + length > limit) {
                        tooLarge = true;
                        std::string().swap(body);
                    }
                    if (tooLarge)
                        return received <= discardCap;
                    body.append(data, length);
                    return true;
                });
                if (tooLarge) {
                    handler.rejectRequest(
                        signal, "body over the limit of " + std::to_string(limit) + " bytes");
                    if (!complete)
                        res.set_header("Connection", "close");
                    plainError(res, 413,
                               "The request body is larger than the limit of "
                                   + std::to_string(limit) + " bytes"
                                   + (contentEncoding.empty() ? "" : " after decompression") + ".");
                    return;
                }
                if (!complete) {
                    refuse(400,
                           "The request body could not be read (truncated, or not valid "
                               + contentEncoding + ").");
                    return;
                }
                switch (signal) {
                case storage::Signal::Traces:
                    serveExport<otlp_trace::ExportTraceServiceRequest,
                                otlp_trace::ExportTraceServiceResponse>(
                        handler, signal, encoding, body, res, &ExportHandler::exportTraces);
                    break;
                case storage::Signal::Logs:
                    serveExport<otlp_logs::ExportLogsServiceRequest,
                                otlp_logs::ExportLogsServiceResponse>(
                        handler, signal, encoding, body, res, &ExportHandler::exportLogs);
                    break;
                case storage::Signal::Metrics:
                    serveExport<otlp_metrics::ExportMetricsServiceRequest,
                                otlp_metrics::ExportMetricsServiceResponse>(
                        handler, signal, encoding, body, res, &ExportHandler::exportMetrics);
                    break;
                }
            });
    }
    server.set_error_handler([](const httplib::Request &req, httplib::Response &res) {
        if (res.status == 404 && res.body.empty())
            plainError(res, 404,
                       "No OTLP endpoint at " + req.path
                           + "; use /v1/traces, /v1/logs or /v1/metrics.");
    });
}

HttpReceiver::~HttpReceiver()
{
    stop();
}

std::string HttpReceiver::address() const
{
    return m_options.host + ":" + std::to_string(m_port);
}

void HttpReceiver::stop()
{
    if (m_server) {
        m_server->stop();
        if (m_thread.joinable())
            m_thread.join();
        m_server.reset();
    }
}

} // namespace spanscope::ingest

#include "httpreceiver.h"

#include "bearertoken.h"
#include "httpserver.h"
#include "inflate.h"

#include <QLoggingCategory>

#include <malloc.h>

#include <algorithm>
#include <regex>

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

using Response = HttpServer::Response;

WireFormat wireFormat(Encoding encoding)
{
    return encoding == Encoding::Json ? WireFormat::Json : WireFormat::Protobuf;
}

// Answers carry a message in the request's own encoding; a refusal's is a google.rpc.Status
// with the table's HTTP status, and a retryable one says when to resend.
Response answered(const ExportAnswer &answer, Encoding encoding)
{
    Response response;
    response.contentType = encoding == Encoding::Json ? JsonType : ProtobufType;
    if (answer.stored()) {
        response.status = 200;
        response.body = answer.body;
        return response;
    }
    const ExportStatus status = exportStatus(*answer.refusal);
    response.status = status.http;
    response.body
        = ExportHandler::refusalBody(*answer.refusal, answer.message, wireFormat(encoding), false);
    if (status.retryable)
        response.headers.emplace_back("Retry-After",
                                      std::to_string(ExportHandler::RetryAfterSeconds));
    return response;
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

const Route *routeOf(const std::string &path)
{
    for (const Route &route : Routes) {
        if (path == route.path)
            return &route;
    }
    return nullptr;
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
    receiver->m_handler = &handler;
    HttpServer::Options server;
    server.host = options.host;
    server.port = options.port;
    server.what = "OTLP/HTTP";
    server.option = "--http HOST:PORT";
    server.workers = options.workers;
    server.maxConnections = options.maxConnections;
    // A compressed body may be a little larger than what it inflates to; the exact limit is
    // applied to the decoded body.
    const std::size_t limit = handler.limits().maxRequestBytes;
    server.maxBodyBytes = limit + limit / 8 + 4096;
    server.refused = [&handler](const HttpServer::Request &head, const std::string &why) {
        if (const Route *route = routeOf(head.path))
            handler.rejectRequest(route->signal, why);
    };
    HttpReceiver *self = receiver.get();
    auto started = HttpServer::start(
        server, [self](const HttpServer::Request &head) { return self->judgeHead(head); },
        [self, &handler](HttpServer::Request &request) { return self->serve(handler, request); });
    if (!started)
        return storage::Error{started.error()};
    receiver->m_server = std::move(*started);
    receiver->m_port = receiver->m_server->port();
    return receiver;
}

// CORS headers on every answer to an allowed origin, so browsers can read errors too.
HttpServer::Response HttpReceiver::withCors(HttpServer::Response response,
                                            const HttpServer::Request &request) const
{
    const std::string origin = request.header("Origin");
    if (originAllowed(origin, m_options.allowedOrigins)) {
        response.headers.emplace_back("Access-Control-Allow-Origin", origin);
        response.headers.emplace_back("Vary", "Origin");
    }
    return response;
}

std::optional<HttpServer::Response> HttpReceiver::judgeHead(const HttpServer::Request &head) const
{
    const auto refuse = [&](int status, std::string why) {
        return withCors(Response::text(status, std::move(why)), head);
    };
    // While bound to loopback, a Host that is not a loopback name is a web page reaching us
    // through DNS rebinding.
    if (isLoopbackHost(m_options.host) && !hostHeaderIsLoopback(head.header("Host")))
        return refuse(403,
                      "Host '" + head.header("Host")
                          + "' is not this machine; Spanscope answers requests to localhost "
                            "only while it listens on loopback.");
    const Route *route = routeOf(head.path);
    if (!route)
        return refuse(
            404, "No OTLP endpoint at " + head.path + "; use /v1/traces, /v1/logs or /v1/metrics.");
    if (head.headerCount("Content-Length") > 1
        || (head.headerCount("Content-Length") > 0 && head.headerCount("Transfer-Encoding") > 0))
        return refuse(400, "Conflicting Content-Length or Transfer-Encoding headers.");
    const std::string origin = head.header("Origin");
    const bool originOk = origin.empty() || originAllowed(origin, m_options.allowedOrigins);
    if (head.method == "OPTIONS") {
        Response preflight;
        preflight.status = 204;
        if (!origin.empty() && originOk) {
            preflight.headers = {{"Access-Control-Allow-Methods", "POST, OPTIONS"},
                                 {"Access-Control-Max-Age", "86400"}};
            const std::string requested = head.header("Access-Control-Request-Headers");
            preflight.headers.emplace_back("Access-Control-Allow-Headers",
                                           requested.empty() ? "Content-Type, Content-Encoding"
                                                             : requested);
        }
        return withCors(std::move(preflight), head);
    }
    if (head.method != "POST") {
        Response wrong = refuse(405, "Only POST is supported here.");
        wrong.headers.emplace_back("Allow", "POST, OPTIONS");
        return wrong;
    }
    // A page from a foreign origin may not write telemetry (browsers send its Origin).
    if (!originOk) {
        m_handler->rejectRequest(route->signal,
                                 "a POST from the origin " + origin + " (not allowed)");
        return refuse(403,
                      "Requests from the origin " + origin
                          + " are not allowed; add it with --cors-origin.");
    }
    if (!m_options.bearerToken.empty()
        && !bearerMatches(head.header("Authorization"), m_options.bearerToken)) {
        m_handler->rejectRequest(route->signal, "missing or wrong bearer token");
        Response denied = refuse(exportStatus(Refusal::Unauthenticated).http,
                                 "Spanscope needs 'Authorization: Bearer <token>' on this "
                                 "address (set OTEL_EXPORTER_OTLP_HEADERS).");
        denied.headers.emplace_back("WWW-Authenticate", "Bearer");
        return denied;
    }
    if (mediaType(head.header("Content-Type")) == Encoding::Unsupported) {
        m_handler->rejectRequest(route->signal, "unsupported Content-Type");
        return refuse(415,
                      "Unsupported Content-Type '" + head.header("Content-Type")
                          + "': use application/x-protobuf or application/json.");
    }
    if (bodyEncoding(head.header("Content-Encoding")) == BodyEncoding::Unknown) {
        m_handler->rejectRequest(route->signal, "unsupported Content-Encoding");
        return refuse(415,
                      "Unsupported Content-Encoding '" + head.header("Content-Encoding")
                          + "': use gzip or none.");
    }
    return std::nullopt;
}

HttpServer::Response HttpReceiver::serve(ExportHandler &handler, HttpServer::Request &request)
{
    const storage::Signal signal = routeOf(request.path)->signal;
    const Encoding encoding = mediaType(request.header("Content-Type"));
    const std::size_t limit = handler.limits().maxRequestBytes;
    const BodyEncoding compression = bodyEncoding(request.header("Content-Encoding"));
    std::string inflated;
    if (compression != BodyEncoding::Identity) {
        switch (inflateBody(request.body, compression, limit, inflated)) {
        case InflateResult::Ok:
            request.body.swap(inflated);
            std::string().swap(inflated);
            break;
        case InflateResult::TooLarge:
            handler.rejectRequest(signal,
                                  "body over the limit of " + std::to_string(limit)
                                      + " bytes after decompression");
            return withCors(Response::text(413,
                                           "The request body is larger than the limit of "
                                               + std::to_string(limit)
                                               + " bytes after decompression."),
                            request);
        case InflateResult::Damaged:
            handler.rejectRequest(signal,
                                  "the body is not valid " + request.header("Content-Encoding"));
            return withCors(Response::text(400,
                                           "The request body could not be read (truncated, or "
                                           "not valid "
                                               + request.header("Content-Encoding") + ")."),
                            request);
        }
    }
    if (request.body.size() > limit) {
        handler.rejectRequest(signal, "body over the limit of " + std::to_string(limit) + " bytes");
        return withCors(Response::text(413,
                                       "The request body is larger than the limit of "
                                           + std::to_string(limit) + " bytes."),
                        request);
    }
    // A large request leaves freed memory in this worker's malloc arena; it is given back
    // afterwards, so the server returns to its idle size.
    const bool large = request.body.size() > (1u << 20);
    Response response
        = answered(handler.serve(signal, wireFormat(encoding), std::move(request.body)), encoding);
    if (large)
        malloc_trim(0);
    return withCors(std::move(response), request);
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
        m_server.reset();
    }
}

} // namespace spanscope::ingest

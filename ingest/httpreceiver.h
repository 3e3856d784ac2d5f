#pragma once

#include "exporthandler.h"
#include "httpserver.h"

#include <result.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spanscope::ingest {

// OTLP/HTTP: POST /v1/traces, /v1/logs and /v1/metrics with protobuf or JSON bodies, optionally
// gzip-compressed, answered in the request's encoding; CORS for browser SDKs. Requests are
// judged on their head before the body is read: a Host that is not loopback while bound to it
// (DNS rebinding), a foreign Origin, a missing token, an unknown path, method, type or encoding
// are refused unread.
class HttpReceiver
{
public:
    struct Options
    {
        std::string host = "127.0.0.1";
        int port = 4318; // 0 picks a free port
        // Origins allowed by CORS. Empty: any http(s) origin on localhost, 127.0.0.1 or [::1].
        // "*" allows every origin.
        std::vector<std::string> allowedOrigins;
        int workers = 8; // requests handled at once (each waits for its commit)
        std::size_t maxConnections = 4096; // open connections, idle keep-alive ones included
        std::string bearerToken; // required on every POST when not empty
    };

    static storage::Result<std::unique_ptr<HttpReceiver>> start(ExportHandler &handler,
                                                                Options options);
    ~HttpReceiver();

    int port() const { return m_port; }
    std::string address() const;
    void stop();

    // Whether CORS lets `origin` call us; with no list, pages served from this machine only
    // (the MCP endpoint judges pages by the same rule).
    static bool originAllowed(const std::string &origin, const std::vector<std::string> &allowed);

private:
    HttpReceiver() = default;
    std::optional<HttpServer::Response> judgeHead(const HttpServer::Request &head) const;
    HttpServer::Response serve(ExportHandler &handler, HttpServer::Request &request);
    HttpServer::Response withCors(HttpServer::Response response,
                                  const HttpServer::Request &request) const;

    Options m_options;
    ExportHandler *m_handler = nullptr;
    std::unique_ptr<HttpServer> m_server;
    int m_port = 0;
};

} // namespace spanscope::ingest

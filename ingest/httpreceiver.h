#pragma once

#include "exporthandler.h"

#include <result.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace spanscope::ingest {

// OTLP/HTTP: POST /v1/traces, /v1/logs and /v1/metrics with protobuf or JSON bodies, optionally
// gzip-compressed, answered in the request's encoding; CORS for browser SDKs.
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
        int threads = 16;
        std::string bearerToken; // required on every POST when not empty
    };

    static storage::Result<std::unique_ptr<HttpReceiver>> start(ExportHandler &handler,
                                                                Options options);
    ~HttpReceiver();

    int port() const { return m_port; }
    std::string address() const;
    void stop();

    // Exposed for tests: whether CORS lets `origin` call us.
    static bool originAllowed(const std::string &origin, const std::vector<std::string> &allowed);

private:
    HttpReceiver() = default;
    void installRoutes(ExportHandler &handler);

    Options m_options;
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
};

} // namespace spanscope::ingest

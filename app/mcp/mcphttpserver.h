#pragma once

#include <result.h>

#include <memory>
#include <string>

namespace spanscope::ingest {
class HttpServer;
}

namespace spanscope::mcp {

// MCP's Streamable HTTP transport on one endpoint, /mcp: a POST carries one JSON-RPC message
// and is answered with JSON (this server never streams, so a GET is 405); initialize opens a
// session named by the Mcp-Session-Id header, DELETE ends it. A request is judged on its head as
// the receivers judge theirs: a Host that is not this machine (DNS rebinding) or an Origin that
// is not localhost is refused, and beyond loopback the bearer token is required. One worker
// answers every call, with its own read-only connection to the store.
class McpHttpServer
{
public:
    struct Options
    {
        std::string address = "127.0.0.1:0"; // HOST:PORT
        std::string databasePath;
        std::string bearerToken; // required when not empty; needed beyond loopback
        bool redact = true;
    };
    static storage::Result<std::unique_ptr<McpHttpServer>> start(const Options &options);
    ~McpHttpServer();

    std::string address() const; // HOST:PORT as bound
    std::string url() const; // http://HOST:PORT/mcp
    void stop();

    static constexpr std::size_t MaxSessions = 64;

private:
    McpHttpServer() = default;
    struct State;
    std::shared_ptr<State> m_state;
    std::unique_ptr<ingest::HttpServer> m_http;
    std::string m_host;
};

} // namespace spanscope::mcp

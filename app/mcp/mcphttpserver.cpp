#include "mcphttpserver.h"

#include "mcpsession.h"
#include "mcptools.h"

#include <bearertoken.h>
#include <httpreceiver.h>
#include <httpserver.h>

#include <nlohmann/json.hpp>

#include <list>
#include <random>

namespace spanscope::mcp {

namespace {

using ingest::HttpServer;

std::string newSessionId()
{
    std::random_device random;
    std::string id;
    static constexpr char Hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i)
        id += Hex[random() & 15];
    return id;
}

HttpServer::Response jsonResponse(int status, std::string body)
{
    HttpServer::Response response;
    response.status = status;
    response.contentType = "application/json";
    response.body = std::move(body);
    return response;
}

HttpServer::Response rpcError(int status, int code, const std::string &message)
{
    return jsonResponse(status,
                        nlohmann::json{{"jsonrpc", "2.0"},
                                       {"id", nullptr},
                                       {"error", {{"code", code}, {"message", message}}}}
                            .dump());
}

} // namespace

// The sessions and the tools, touched only by the one worker.
struct McpHttpServer::State
{
    explicit State(McpTools::Options options)
        : tools(std::move(options))
    {}
    McpTools tools;
    // Newest use first; the least recently used session goes when MaxSessions are open.
    std::list<std::pair<std::string, McpSession>> sessions;

    HttpServer::Response answer(HttpServer::Request &request);
};

HttpServer::Response McpHttpServer::State::answer(HttpServer::Request &request)
{
    const std::string sessionId = request.header("Mcp-Session-Id");
    auto session = sessions.end();
    if (!sessionId.empty()) {
        session = std::find_if(sessions.begin(), sessions.end(),
                               [&](const auto &entry) { return entry.first == sessionId; });
        if (session == sessions.end())
            return rpcError(404, -32600,
                            "No such session (it ended or the server restarted); "
                            "initialize again.");
        sessions.splice(sessions.begin(), sessions, session); // most recently used
        session = sessions.begin();
    }
    if (request.method == "DELETE") {
        if (session == sessions.end())
            return HttpServer::Response::text(400, "DELETE needs the Mcp-Session-Id header.");
        sessions.erase(session);
        return HttpServer::Response::text(200, "The session ended.");
    }
    if (session == sessions.end()) {
        // Outside a session only initialize opens one; anything else gets the protocol's error
        // (an unknown method, as a newer client's probe, is "not found"; others need
        // initialize first) and is forgotten.
        McpSession fresh(tools);
        std::string reply = fresh.handle(request.body);
        if (reply.empty())
            return HttpServer::Response::text(202, "");
        if (!fresh.initialized()) {
            const int code = fresh.lastError();
            return jsonResponse(code != 0 && code != -32601 ? 400 : 200, std::move(reply));
        }
        if (sessions.size() >= MaxSessions)
            sessions.pop_back();
        sessions.emplace_front(newSessionId(), std::move(fresh));
        HttpServer::Response response = jsonResponse(200, std::move(reply));
        response.headers.emplace_back("Mcp-Session-Id", sessions.front().first);
        return response;
    }
    std::string reply = session->second.handle(request.body);
    if (reply.empty())
        return HttpServer::Response::text(202, ""); // a notification or a response: accepted
    return jsonResponse(200, std::move(reply));
}

storage::Result<std::unique_ptr<McpHttpServer>> McpHttpServer::start(const Options &options)
{
    std::string host;
    int port = 0;
    if (!ingest::splitHostPort(options.address, host, port))
        return storage::Error{"--mcp needs HOST:PORT, such as 127.0.0.1:4319."};
    const bool loopback = ingest::isLoopbackHost(host);
    if (!loopback && !ingest::strongEnough(options.bearerToken))
        return storage::Error{"Serving MCP beyond this machine (" + options.address
                              + ") needs a bearer token (--token) of at least "
                              + std::to_string(ingest::MinimumTokenLength) + " characters."};
    std::unique_ptr<McpHttpServer> server(new McpHttpServer);
    server->m_host = host;
    server->m_state
        = std::make_shared<State>(McpTools::Options{options.databasePath, options.redact});
    HttpServer::Options http;
    http.host = host;
    http.port = port;
    http.what = "MCP (Streamable HTTP)";
    http.option = "--mcp HOST:PORT";
    http.workers = 1; // the tools and their store connection belong to one thread
    http.maxConnections = 256;
    http.maxBodyBytes = McpSession::MaxMessageBytes;
    http.maxBodyBytesInFlight = 8 * McpSession::MaxMessageBytes;
    const std::string token = options.bearerToken;
    auto started = HttpServer::start(
        http,
        [loopback, token](const HttpServer::Request &head) -> std::optional<HttpServer::Response> {
            if (loopback && !ingest::hostHeaderIsLoopback(head.header("Host")))
                return HttpServer::Response::text(
                    403, "Host '" + head.header("Host") + "' is not this machine.");
            if (const std::string origin = head.header("Origin");
                !origin.empty() && !ingest::HttpReceiver::originAllowed(origin, {}))
                return HttpServer::Response::text(
                    403, "Pages from " + origin + " may not read this machine's traces.");
            if (head.path != "/mcp")
                return HttpServer::Response::text(404, "MCP is served at /mcp.");
            if (head.method != "POST" && head.method != "DELETE") {
                auto wrong = HttpServer::Response::text(
                    405, "POST a JSON-RPC message; this server does not stream over GET.");
                wrong.headers.emplace_back("Allow", "POST, DELETE");
                return wrong;
            }
            if (!token.empty() && !ingest::bearerMatches(head.header("Authorization"), token)) {
                auto denied = HttpServer::Response::text(
                    401, "Spanscope needs 'Authorization: Bearer <token>' on this address.");
                denied.headers.emplace_back("WWW-Authenticate", "Bearer");
                return denied;
            }
            if (head.method == "POST"
                && head.header("Content-Type").find("application/json") == std::string::npos)
                return HttpServer::Response::text(415, "The body must be application/json.");
            return std::nullopt;
        },
        [state = server->m_state](HttpServer::Request &request) { return state->answer(request); });
    if (!started)
        return storage::Error{started.error()};
    server->m_http = std::move(*started);
    return server;
}

McpHttpServer::~McpHttpServer()
{
    stop();
}

void McpHttpServer::stop()
{
    if (m_http)
        m_http->stop();
}

std::string McpHttpServer::address() const
{
    const std::string host = m_host.find(':') != std::string::npos ? "[" + m_host + "]" : m_host;
    return host + ":" + std::to_string(m_http->port());
}

std::string McpHttpServer::url() const
{
    return "http://" + address() + "/mcp";
}

} // namespace spanscope::mcp

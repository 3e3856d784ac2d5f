#pragma once

#include <result.h>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace spanscope::ingest {

// An event-driven HTTP/1.1 server (Boost.Beast over Asio) for the OTLP/HTTP receiver and the
// remote sampling endpoint. One I/O thread serves every connection: an idle keep-alive sender or
// a slow client costs a socket and a small buffer, never a thread. Requests are handled on a
// bounded pool of workers (the OTLP handler waits for its commit there). Every phase has a
// deadline (idle, headers, body); pipelined requests are answered in order; a request is judged
// on its head (route, method, Host, Origin, token, type) before a byte of its body is read.
class HttpServer
{
public:
    struct Request
    {
        std::string method; // as sent, e.g. "POST"
        std::string target; // path and query
        std::string path;
        std::string query; // without the '?'
        std::vector<std::pair<std::string, std::string>> headers;
        std::string body;
        // The value of a header (case-insensitive name), or empty.
        std::string header(std::string_view name) const;
        // Whether the header occurs more than once (smuggling checks).
        std::size_t headerCount(std::string_view name) const;
    };

    struct Response
    {
        int status = 200;
        std::string contentType = "text/plain";
        std::string body;
        std::vector<std::pair<std::string, std::string>> headers;
        bool close = false; // end the connection after this answer
        static Response text(int status, std::string message);
    };

    // Judges a request from its head, on the I/O thread, before its body is read: an answer means
    // refuse it now (the connection is then closed, since the body was not read). Must be quick.
    using HeadCheck = std::function<std::optional<Response>(const Request &head)>;
    // Answers a whole request, on a worker thread.
    using Handler = std::function<Response(Request &request)>;

    struct Options
    {
        std::string host = "127.0.0.1";
        int port = 0; // 0 picks a free port
        std::string what = "HTTP"; // for messages: "Cannot listen for <what> on ..."
        std::string option; // the setting that changes the address, named in that message
        int workers = 8;
        std::size_t maxConnections = 4096; // beyond this, new connections are closed at once
        std::size_t maxHeaderBytes = 64u << 10;
        std::size_t maxBodyBytes = 64u << 20; // on the wire; larger bodies are answered 413
        // What all bodies being read or handled at once may hold; a request whose body would go
        // beyond it is answered 503 (retry) before its body is read.
        std::size_t maxBodyBytesInFlight = 256u << 20;
        std::chrono::milliseconds idleTimeout{std::chrono::seconds(120)}; // between requests
        std::chrono::milliseconds headerTimeout{
            std::chrono::seconds(10)}; // first byte to end of head
        std::chrono::milliseconds bodyTimeout{std::chrono::seconds(60)}; // the whole body
        // Told of each request the server itself refused (too large, malformed, busy, too slow),
        // with what it knew of the head, so the owner can count it. Runs on the I/O thread.
        std::function<void(const Request &head, const std::string &why)> refused;
    };

    static storage::Result<std::unique_ptr<HttpServer>> start(Options options, HeadCheck check,
                                                              Handler handler);
    ~HttpServer();

    int port() const;
    // Open connections now (for tests and the status of the receivers).
    std::size_t connections() const;
    void stop();

    struct State; // the loop, the workers and the open connections (httpserver.cpp)

private:
    HttpServer() = default;
    std::shared_ptr<State> m_state;
};

} // namespace spanscope::ingest

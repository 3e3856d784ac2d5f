#include "httpserver.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <QLoggingCategory>

#include <atomic>
#include <mutex>
#include <strings.h>
#include <thread>
#include <unordered_map>

Q_LOGGING_CATEGORY(lcHttpServer, "spanscope.ingest.httpserver", QtWarningMsg)

namespace spanscope::ingest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool sameName(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace

std::string HttpServer::Request::header(std::string_view name) const
{
    for (const auto &[key, value] : headers) {
        if (sameName(key, name))
            return value;
    }
    return {};
}

std::size_t HttpServer::Request::headerCount(std::string_view name) const
{
    std::size_t count = 0;
    for (const auto &[key, value] : headers)
        count += sameName(key, name) ? 1 : 0;
    return count;
}

HttpServer::Response HttpServer::Response::text(int status, std::string message)
{
    Response response;
    response.status = status;
    response.body = std::move(message) + "\n";
    return response;
}

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State>
{
    Options options;
    HeadCheck check;
    Handler handler;
    asio::io_context io{1};
    // Keeps the loop alive while workers may still post answers to it.
    asio::executor_work_guard<asio::io_context::executor_type> busy{io.get_executor()};
    tcp::acceptor acceptor{io};
    asio::thread_pool workers;
    std::thread ioThread;
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> bodyBytesInFlight{0};
    std::atomic<bool> stopped{false};
    int port = 0;
    // How to close each open connection, for stop(). A session may end on a worker thread.
    std::mutex mutex;
    std::unordered_map<std::uint64_t, std::function<void()>> closers;
    std::atomic<std::uint64_t> nextSession{0};

    explicit State(const Options &o)
        : options(o)
        , workers(static_cast<std::size_t>(std::max(1, o.workers)))
    {}

    void accept();
};

namespace {

// One connection: read a head, judge it, read the body, hand the request to a worker, write the
// answer, and again (pipelined requests are already in the buffer).
class Session : public std::enable_shared_from_this<Session>
{
public:
    Session(tcp::socket socket, std::shared_ptr<HttpServer::State> state)
        : m_stream(std::move(socket))
        , m_state(std::move(state))
        , m_id(++m_state->nextSession)
    {
        ++m_state->connections;
    }
    ~Session()
    {
        releaseBody();
        {
            std::lock_guard lock(m_state->mutex);
            m_state->closers.erase(m_id);
        }
        --m_state->connections;
    }

    void start()
    {
        {
            std::lock_guard lock(m_state->mutex);
            m_state->closers.emplace(m_id, [weak = weak_from_this()] {
                if (auto self = weak.lock())
                    self->close();
            });
        }
        waitForRequest();
    }

private:
    using Parser = http::request_parser<http::string_body>;

    // Between requests only an idle deadline applies; the head's deadline starts with its
    // first byte, so a slow sender (slowloris) is cut off after headerTimeout.
    void waitForRequest()
    {
        if (m_buffer.size() > 0) {
            readHead();
            return;
        }
        m_stream.expires_after(m_state->options.idleTimeout);
        m_stream.async_read_some(m_buffer.prepare(4096),
                                 [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                     if (ec)
                                         return; // closed, idle too long, or stopping
                                     self->m_buffer.commit(n);
                                     self->readHead();
                                 });
    }

    void readHead()
    {
        m_parser.emplace();
        m_parser->header_limit(static_cast<std::uint32_t>(m_state->options.maxHeaderBytes));
        m_parser->body_limit(m_state->options.maxBodyBytes);
        m_stream.expires_after(m_state->options.headerTimeout);
        http::async_read_header(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHead(ec); });
    }

    void onHead(beast::error_code ec)
    {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout
            || ec == asio::error::operation_aborted || ec == asio::error::eof)
            return close();
        m_request = {};
        if (ec && ec != http::error::body_limit) {
            // Malformed heads, conflicting lengths (request smuggling), oversized headers.
            const int status = ec == http::error::header_limit ? 431 : 400;
            return refuse(HttpServer::Response::text(
                status, "The request is not valid HTTP/1.1: " + ec.message() + "."));
        }
        const auto &head = m_parser->get();
        m_request.method = std::string(head.method_string());
        m_request.target = std::string(head.target());
        const auto question = m_request.target.find('?');
        m_request.path = m_request.target.substr(0, question);
        if (question != std::string::npos)
            m_request.query = m_request.target.substr(question + 1);
        for (const auto &field : head)
            m_request.headers.emplace_back(std::string(field.name_string()),
                                           std::string(field.value()));
        m_keepAlive = head.keep_alive();
        if (m_state->stopped)
            return answer(HttpServer::Response::text(503, "Spanscope is stopping."), true);
        if (auto refused = m_state->check(m_request))
            return answer(std::move(*refused), !bodyIsEmpty());
        if (ec == http::error::body_limit) // a declared length over the limit
            return refuse(tooLarge());
        // Room for the body among all bodies held at once, reserved before it is read.
        const auto declared = m_parser->content_length();
        m_reserved = declared ? static_cast<std::size_t>(*declared)
                              : (m_parser->chunked() ? m_state->options.maxBodyBytes : 0);
        if (declared && *declared > m_state->options.maxBodyBytes)
            return refuse(tooLarge());
        if (m_state->bodyBytesInFlight.fetch_add(m_reserved) + m_reserved
                > m_state->options.maxBodyBytesInFlight
            && m_reserved > 0) {
            releaseBody();
            auto busy = HttpServer::Response::text(
                503, "Spanscope is reading many large requests at once; retry shortly.");
            busy.headers.emplace_back("Retry-After", "1");
            return refuse(std::move(busy));
        }
        m_stream.expires_after(m_state->options.bodyTimeout);
        http::async_read(
            m_stream, m_buffer, *m_parser,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onBody(ec); });
    }

    void onBody(beast::error_code ec)
    {
        if (ec == http::error::body_limit)
            return refuse(tooLarge());
        if (ec == beast::error::timeout)
            return refuse(
                HttpServer::Response::text(408, "The request body did not arrive in time."));
        if (ec)
            return close();
        m_request.body = std::move(m_parser->get().body());
        m_parser.reset();
        m_stream.expires_never();
        // The handler may wait for the database; it runs on a worker, and the answer is written
        // back on the I/O thread.
        asio::post(m_state->workers, [self = shared_from_this()] {
            HttpServer::Response response;
            try {
                response = self->m_state->handler(self->m_request);
            } catch (const std::exception &error) {
                qCWarning(lcHttpServer) << "request failed:" << error.what();
                response = HttpServer::Response::text(500, "The request could not be handled.");
            }
            std::string().swap(self->m_request.body);
            self->releaseBody();
            asio::post(self->m_stream.get_executor(),
                       [self, response = std::move(response)]() mutable {
                           self->answer(std::move(response), false);
                       });
        });
    }

    HttpServer::Response tooLarge() const
    {
        return HttpServer::Response::text(413,
                                          "The request body is larger than the limit of "
                                              + std::to_string(m_state->options.maxBodyBytes)
                                              + " bytes.");
    }

    // An answer of the server's own; the body is not read, so the connection ends after it.
    void refuse(HttpServer::Response response)
    {
        if (m_state->options.refused)
            m_state->options.refused(m_request, response.body.substr(0, response.body.find('\n')));
        answer(std::move(response), true);
    }

    bool bodyIsEmpty() const { return m_parser && m_parser->is_done(); }

    void releaseBody() { m_state->bodyBytesInFlight -= std::exchange(m_reserved, 0); }

    // `unread`: the body was not (fully) read, so the connection cannot carry another request.
    void answer(HttpServer::Response response, bool unread)
    {
        releaseBody();
        m_parser.reset();
        m_response.emplace();
        m_response->result(static_cast<unsigned>(response.status));
        m_response->version(11);
        m_response->set(http::field::server, "Spanscope");
        m_response->set(http::field::content_type, response.contentType);
        for (auto &[name, value] : response.headers)
            m_response->insert(name, value);
        m_response->body() = std::move(response.body);
        const bool close = unread || response.close || !m_keepAlive || m_state->stopped;
        m_response->keep_alive(!close);
        m_response->prepare_payload();
        m_stream.expires_after(m_state->options.bodyTimeout);
        http::async_write(
            m_stream, *m_response,
            [self = shared_from_this(), close, unread](beast::error_code ec, std::size_t) {
                self->m_response.reset();
                if (!ec && unread)
                    return self->drain();
                if (ec || close)
                    return self->close();
                self->waitForRequest();
            });
    }

    // After refusing a request whose body was not read: read and drop what the client still
    // sends (up to a bound, for a few seconds), so it gets to read its answer instead of a
    // broken pipe; then close.
    void drain()
    {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        m_buffer.consume(m_buffer.size());
        m_stream.expires_after(std::chrono::seconds(5));
        m_stream.async_read_some(
            m_buffer.prepare(64 * 1024),
            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                self->m_drained += n;
                if (ec || self->m_drained > 4 * self->m_state->options.maxBodyBytes)
                    return self->close();
                self->drain();
            });
    }

    void close()
    {
        beast::error_code ignored;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        m_stream.close();
    }

    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    std::shared_ptr<HttpServer::State> m_state;
    std::optional<Parser> m_parser;
    std::optional<http::response<http::string_body>> m_response;
    HttpServer::Request m_request;
    bool m_keepAlive = true;
    std::size_t m_reserved = 0;
    std::size_t m_drained = 0;
    std::uint64_t m_id;
};

} // namespace

void HttpServer::State::accept()
{
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || self->stopped)
            return;
        if (!ec) {
            if (self->connections.load() >= self->options.maxConnections) {
                socket.close(); // a connection flood is turned away, not queued
            } else {
                socket.set_option(tcp::no_delay(true), ec);
                std::make_shared<Session>(std::move(socket), self)->start();
            }
        }
        self->accept();
    });
}

storage::Result<std::unique_ptr<HttpServer>> HttpServer::start(Options options, HeadCheck check,
                                                               Handler handler)
{
    auto state = std::make_shared<State>(options);
    state->check = std::move(check);
    state->handler = std::move(handler);
    beast::error_code ec;
    const auto address
        = asio::ip::make_address(options.host == "localhost" ? "127.0.0.1" : options.host, ec);
    const auto failed = [&] {
        return storage::Error{"Cannot listen for " + options.what + " on " + options.host + ":"
                              + std::to_string(options.port)
                              + ": the address is in use or not available. Stop the other program "
                                "or choose another address with "
                              + options.option + "."};
    };
    if (ec)
        return failed();
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(options.port));
    state->acceptor.open(endpoint.protocol(), ec);
    // SO_REUSEADDR only (a restart reuses the port at once); never SO_REUSEPORT, which would let
    // a second Spanscope share the port without an error.
    if (!ec)
        state->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        state->acceptor.bind(endpoint, ec);
    if (!ec)
        state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return failed();
    state->port = state->acceptor.local_endpoint().port();
    state->accept();
    state->ioThread = std::thread([raw = state.get()] { raw->io.run(); });
    std::unique_ptr<HttpServer> server(new HttpServer);
    server->m_state = std::move(state);
    return server;
}

HttpServer::~HttpServer()
{
    stop();
}

int HttpServer::port() const
{
    return m_state ? m_state->port : 0;
}

std::size_t HttpServer::connections() const
{
    return m_state ? m_state->connections.load() : 0;
}

void HttpServer::stop()
{
    if (!m_state || m_state->stopped.exchange(true))
        return;
    State &state = *m_state;
    asio::post(state.io, [&state] {
        beast::error_code ignored;
        state.acceptor.close(ignored);
    });
    // Requests being handled finish and post their answers; then every connection is closed,
    // and the loop ends once their last handlers have run.
    state.workers.join();
    asio::post(state.io, [&state] {
        std::unordered_map<std::uint64_t, std::function<void()>> closers;
        {
            std::lock_guard lock(state.mutex);
            closers = state.closers;
        }
        for (auto &[id, close] : closers)
            close();
    });
    state.busy.reset();
    if (state.ioThread.joinable())
        state.ioThread.join();
    m_state.reset();
}

} // namespace spanscope::ingest

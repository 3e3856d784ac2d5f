// Raw bytes to the OTLP/HTTP receiver over a real socket: request line, headers, chunked and
// gzip bodies, CORS preflights, all untrusted. The receiver runs for the whole fuzz session.
#include "discardsink.h"

#include <exporthandler.h>
#include <httpreceiver.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace spanscope;

namespace {

int receiverPort()
{
    static fuzz::DiscardSink sink;
    static ingest::ExportHandler handler(sink, [] {
        ingest::IngestLimits limits;
        limits.maxRequestBytes = 1 << 20; // small, so the over-limit paths are reached
        return limits;
    }());
    static std::unique_ptr<ingest::HttpReceiver> receiver = [] {
        ingest::HttpReceiver::Options options;
        options.port = 0;
        options.workers = 2;
        auto started = ingest::HttpReceiver::start(handler, options);
        if (!started)
            std::abort();
        return std::move(*started);
    }();
    return receiver->port();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const int port = receiverPort();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0) {
        std::size_t sent = 0;
        while (sent < size) {
            const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            sent += static_cast<std::size_t>(n);
        }
        ::shutdown(fd, SHUT_WR);
        char answer[4096];
        while (::recv(fd, answer, sizeof answer, 0) > 0) {}
    }
    ::close(fd);
    return 0;
}

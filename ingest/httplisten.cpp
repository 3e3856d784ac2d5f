#include "httplisten.h"

#include <httplib.h>

#include <chrono>

namespace spanscope::ingest {

storage::Result<int> listenHttp(httplib::Server &server, const std::string &host, int port,
                                std::thread &thread, const std::string &what,
                                const std::string &option)
{
    int listenSocket = -1;
    server.set_socket_options([&listenSocket](socket_t sock) {
        const int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listenSocket = sock;
    });
    const int bound
        = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
    if (bound <= 0) {
        return storage::Error{"Cannot listen for " + what + " on " + host + ":"
                              + std::to_string(port)
                              + ": the address is in use or not available. Stop the other program "
                                "or choose another address with "
                              + option + "."};
    }
    // The packaged httplib listens with a backlog of 5; a burst of new connections (services
    // starting together) would have SYNs dropped and wait a second to retry. Linux lets a
    // second listen() raise it.
    ::listen(listenSocket, SOMAXCONN);
    server.set_socket_options(nullptr);
    thread = std::thread([&server] { server.listen_after_bind(); });
    for (int waited = 0; waited < 5000 && !server.is_running(); ++waited)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return bound;
}

} // namespace spanscope::ingest

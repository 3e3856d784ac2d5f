#pragma once

#include <result.h>

#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace spanscope::ingest {

// Starts `server` on host:port (port 0 picks one) and runs it on `thread`; returns the port. No
// SO_REUSEPORT (httplib's default would let a second instance silently share the port), a full
// listen backlog, and only once it runs (httplib's stop() is a no-op before that). A taken
// address is an error sentence that names `option`, the setting to change.
storage::Result<int> listenHttp(httplib::Server &server, const std::string &host, int port,
                                std::thread &thread, const std::string &what,
                                const std::string &option);

} // namespace spanscope::ingest

#pragma once

#include "exporthandler.h"

#include <result.h>

#include <memory>
#include <string>

namespace grpc {
class Server;
}

namespace spanscope::ingest {

// OTLP/gRPC: the Trace, Logs and Metrics Export services on one port. Messages are taken as
// bytes: the token is checked from the metadata first, gzip is inflated within the request
// limit, and the cost of decoding is judged from the bytes before they are parsed.
class GrpcReceiver
{
public:
    struct Options
    {
        std::string address = "127.0.0.1:4317"; // port 0 picks a free port
        std::size_t maxMessageBytes = 64u << 20;
        std::string bearerToken; // required on every call when not empty
        int workers = 8; // exports handled at once (each waits for its commit)
    };

    // Fails with one clear sentence when the address cannot be bound (e.g. the port is taken).
    static storage::Result<std::unique_ptr<GrpcReceiver>> start(ExportHandler &handler,
                                                                Options options);
    ~GrpcReceiver();

    int port() const { return m_port; }
    std::string address() const;
    // Stops accepting calls and waits briefly for running ones to be answered.
    void stop();

private:
    struct Services;
    GrpcReceiver() = default;

    std::unique_ptr<Services> m_services;
    std::unique_ptr<grpc::Server> m_server;
    std::string m_host;
    int m_port = 0;
};

} // namespace spanscope::ingest

#include "ingestserver.h"

#include "bearertoken.h"

namespace spanscope::ingest {

storage::Result<std::unique_ptr<IngestServer>> IngestServer::start(const IngestConfig &config)
{
    // Every port, the sampling ones too: listening beyond loopback needs a token worth the name.
    std::vector<std::string> beyond;
    if (!isLoopbackHost(config.httpHost))
        beyond.push_back(config.httpHost + ":" + std::to_string(config.httpPort));
    for (const std::string &address :
         {config.grpcAddress, config.remoteSamplingHttp, config.remoteSamplingGrpc}) {
        std::string host;
        int port = 0;
        if (!address.empty() && splitHostPort(address, host, port) && !isLoopbackHost(host))
            beyond.push_back(address);
    }
    if (!beyond.empty() && !strongEnough(config.bearerToken)) {
        std::string addresses;
        for (const std::string &address : beyond)
            addresses += (addresses.empty() ? "" : ", ") + address;
        return storage::Error{
            "Listening beyond this machine (" + addresses + ") needs a bearer token of at least "
            + std::to_string(MinimumTokenLength)
            + " characters that senders must present: set one with --token, SPANSCOPE_TOKEN or "
              "in Settings (Generate makes one)."};
    }
    std::unique_ptr<IngestServer> server(new IngestServer);
    server->m_bearerToken = config.bearerToken;
    auto writer = storage::SpanWriter::open(config.databasePath, config.writer);
    if (!writer)
        return storage::Error{writer.error()};
    server->m_writer = std::move(*writer);
    server->m_sampling = std::make_unique<SamplingSink>(*server->m_writer);
    server->m_sampling->setPolicy(config.sampling);
    server->m_handler = std::make_unique<ExportHandler>(*server->m_sampling, config.limits);

    auto grpc = GrpcReceiver::start(
        *server->m_handler,
        {config.grpcAddress, config.limits.maxRequestBytes, config.bearerToken});
    if (!grpc)
        return storage::Error{grpc.error()};
    server->m_grpc = std::move(*grpc);

    HttpReceiver::Options http;
    http.host = config.httpHost;
    http.port = config.httpPort;
    http.allowedOrigins = config.corsOrigins;
    http.bearerToken = config.bearerToken;
    auto httpReceiver = HttpReceiver::start(*server->m_handler, http);
    if (!httpReceiver)
        return storage::Error{httpReceiver.error()};
    server->m_http = std::move(*httpReceiver);

    if (!config.remoteSamplingHttp.empty() || !config.remoteSamplingGrpc.empty()) {
        auto remote = RemoteSamplingServer::start(
            {config.remoteSamplingHttp, config.remoteSamplingGrpc, config.bearerToken},
            config.sampling.remote);
        if (!remote)
            return storage::Error{remote.error()};
        server->m_remoteSampling = std::move(*remote);
    }
    return server;
}

void IngestServer::setSamplingPolicy(const SamplingPolicy &policy)
{
    m_sampling->setPolicy(policy);
    if (m_remoteSampling)
        m_remoteSampling->setConfig(policy.remote);
}

IngestServer::~IngestServer()
{
    stop();
}

void IngestServer::stop()
{
    // Receivers first, so nothing new is acknowledged while the writer drains.
    if (m_http)
        m_http->stop();
    if (m_grpc)
        m_grpc->stop();
    if (m_remoteSampling)
        m_remoteSampling->stop();
    if (m_sampling)
        m_sampling->flush(); // spans still waiting for their root are decided and stored
    if (m_writer)
        m_writer->shutdown();
}

} // namespace spanscope::ingest

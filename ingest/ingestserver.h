#pragma once

#include "grpcreceiver.h"
#include "httpreceiver.h"
#include "samplingsink.h"

#include <result.h>
#include <spanwriter.h>

#include <memory>
#include <string>
#include <vector>

namespace spanscope::ingest {

struct IngestConfig
{
    std::string databasePath;
    std::string grpcAddress = "127.0.0.1:4317";
    std::string httpHost = "127.0.0.1";
    int httpPort = 4318;
    // Browser origins allowed to post over HTTP; empty means localhost origins only.
    std::vector<std::string> corsOrigins;
    // Required from senders as `authorization: Bearer <token>`; listening beyond loopback
    // needs one.
    std::string bearerToken;
    storage::WriterOptions writer;
    IngestLimits limits;
    SamplingPolicy sampling; // keeps everything unless told otherwise
    // Where SDKs fetch their head-sampling strategies (Jaeger remote sampling); empty: not served.
    std::string remoteSamplingHttp, remoteSamplingGrpc;
};

// The running backend: the writer and both receivers, started together and stopped in order
// (stop accepting, commit what was acknowledged, close the database).
class IngestServer
{
public:
    static storage::Result<std::unique_ptr<IngestServer>> start(const IngestConfig &config);
    ~IngestServer();

    void stop();
    std::string grpcAddress() const { return m_grpc->address(); }
    std::string httpAddress() const { return m_http->address(); }
    const std::string &databasePath() const { return m_writer->path(); }
    const std::string &bearerToken() const { return m_bearerToken; }
    storage::SpanWriter &writer() { return *m_writer; }
    SamplingSink &sampling() { return *m_sampling; }
    // Null when remote sampling is not served.
    RemoteSamplingServer *remoteSampling() { return m_remoteSampling.get(); }
    // Replaces the receiver-side policy and what SDKs are told, while running.
    void setSamplingPolicy(const SamplingPolicy &policy);

private:
    IngestServer() = default;

    std::string m_bearerToken;
    std::unique_ptr<storage::SpanWriter> m_writer;
    std::unique_ptr<SamplingSink> m_sampling; // between the receivers and the writer
    std::unique_ptr<ExportHandler> m_handler;
    std::unique_ptr<GrpcReceiver> m_grpc;
    std::unique_ptr<HttpReceiver> m_http;
    std::unique_ptr<RemoteSamplingServer> m_remoteSampling;
};

} // namespace spanscope::ingest

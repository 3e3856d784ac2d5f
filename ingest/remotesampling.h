#pragma once

#include "httpserver.h"

#include <result.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace grpc {
class Server;
}
namespace jaeger::api_v2 {
class SamplingStrategyResponse;
}

namespace spanscope::ingest {

// The head-sampling strategies SDKs with a `jaeger_remote` sampler fetch: a default
// probability, and per service a probability or a rate limit, with per-operation probabilities.
struct RemoteSamplingConfig
{
    struct Service
    {
        std::optional<double> probability; // else the default
        std::optional<int> maxTracesPerSecond; // a rate limit instead of a probability
        std::map<std::string, double> operations; // span name -> probability
    };
    double defaultProbability = 1.0;
    std::map<std::string, Service> services;

    // The answer for `service` (an unknown one gets the default), as the proto message and as
    // the JSON SDKs parse: strategyType as its name, probabilisticSampling always present next
    // to operationSampling.
    void fill(const std::string &service, jaeger::api_v2::SamplingStrategyResponse &out) const;
    std::string responseJson(const std::string &service) const;

    // {"defaultProbability": 0.5, "services": {"checkout": {"probability": 0.2,
    //   "operations": {"GET /healthz": 0}}, "web": {"maxTracesPerSecond": 10}}}
    static storage::Result<RemoteSamplingConfig> fromJson(std::string_view json);
    std::string toJson() const;
};

// Serves the strategies over HTTP (`GET <any path>?service=NAME`, conventionally /sampling on
// port 5778) and gRPC (`jaeger.api_v2.SamplingManager`, 14250 by default for Java), and
// remembers which services asked and when.
class RemoteSamplingServer
{
public:
    struct Options
    {
        std::string httpAddress; // host:port, empty: no HTTP
        std::string grpcAddress; // host:port, empty: no gRPC
        std::string bearerToken; // required from pollers when not empty, as by the receivers
    };
    struct Poll
    {
        std::string service;
        std::chrono::system_clock::time_point at;
        std::string via; // "http" or "grpc"
        std::uint64_t count = 0;
    };

    static storage::Result<std::unique_ptr<RemoteSamplingServer>>
    start(Options options, RemoteSamplingConfig config);
    ~RemoteSamplingServer();

    void setConfig(RemoteSamplingConfig config);
    RemoteSamplingConfig config() const;
    // The latest poll of each service that asked.
    std::vector<Poll> polls() const;
    std::string httpAddress() const; // empty when not served
    std::string grpcAddress() const;
    void stop();

    // Called by both transports.
    void recordPoll(const std::string &service, const char *via);

private:
    RemoteSamplingServer() = default;
    class GrpcService;

    mutable std::mutex m_mutex;
    RemoteSamplingConfig m_config;
    std::map<std::string, Poll> m_polls;
    std::string m_bearerToken;
    std::unique_ptr<HttpServer> m_http;
    std::string m_httpHost;
    int m_httpPort = 0;
    std::unique_ptr<GrpcService> m_grpcService;
    std::unique_ptr<grpc::Server> m_grpc;
    std::string m_grpcHost;
    int m_grpcPort = 0;
};

} // namespace spanscope::ingest

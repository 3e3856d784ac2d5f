#include "remotesampling.h"

#include "httplisten.h"

#include <jaeger/api_v2/sampling.grpc.pb.h>

#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace spanscope::ingest {

namespace pb = jaeger::api_v2;
using Json = nlohmann::json;

void RemoteSamplingConfig::fill(const std::string &service, pb::SamplingStrategyResponse &out) const
{
    const auto it = services.find(service);
    const Service *own = it == services.end() ? nullptr : &it->second;
    const double probability = own && own->probability ? *own->probability : defaultProbability;
    if (own && own->maxTracesPerSecond) {
        out.set_strategytype(pb::RATE_LIMITING);
        out.mutable_ratelimitingsampling()->set_maxtracespersecond(*own->maxTracesPerSecond);
        return;
    }
    out.set_strategytype(pb::PROBABILISTIC);
    out.mutable_probabilisticsampling()->set_samplingrate(probability);
    if (own && !own->operations.empty()) {
        pb::PerOperationSamplingStrategies *perOperation = out.mutable_operationsampling();
        perOperation->set_defaultsamplingprobability(probability);
        for (const auto &[operation, rate] : own->operations) {
            pb::OperationSamplingStrategy *strategy = perOperation->add_peroperationstrategies();
            strategy->set_operation(operation);
            strategy->mutable_probabilisticsampling()->set_samplingrate(rate);
        }
    }
}

std::string RemoteSamplingConfig::responseJson(const std::string &service) const
{
    pb::SamplingStrategyResponse response;
    fill(service, response);
    Json json;
    if (response.strategytype() == pb::RATE_LIMITING) {
        json["strategyType"] = "RATE_LIMITING";
        json["rateLimitingSampling"]["maxTracesPerSecond"]
            = response.ratelimitingsampling().maxtracespersecond();
        return json.dump();
    }
    json["strategyType"] = "PROBABILISTIC";
    json["probabilisticSampling"]["samplingRate"] = response.probabilisticsampling().samplingrate();
    if (response.has_operationsampling()) {
        const auto &perOperation = response.operationsampling();
        Json operations = Json::array();
        for (const auto &strategy : perOperation.peroperationstrategies())
            operations.push_back(
                {{"operation", strategy.operation()},
                 {"probabilisticSampling",
                  {{"samplingRate", strategy.probabilisticsampling().samplingrate()}}}});
        json["operationSampling"]
            = {{"defaultSamplingProbability", perOperation.defaultsamplingprobability()},
               {"defaultLowerBoundTracesPerSecond", 0},
               {"perOperationStrategies", operations},
               {"defaultUpperBoundTracesPerSecond", 0}};
    }
    return json.dump();
}

storage::Result<RemoteSamplingConfig> RemoteSamplingConfig::fromJson(std::string_view text)
{
    const Json json = Json::parse(text.begin(), text.end(), nullptr, false);
    if (!json.is_object())
        return storage::Error{"The remote sampling settings are not a JSON object."};
    const auto probabilityIn
        = [](const Json &value, const std::string &where) -> storage::Result<double> {
        if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1)
            return storage::Error{where + " must be a number from 0 to 1."};
        return value.get<double>();
    };
    RemoteSamplingConfig config;
    for (const auto &[key, value] : json.items()) {
        if (key == "defaultProbability") {
            auto probability = probabilityIn(value, "remote.defaultProbability");
            if (!probability)
                return storage::Error{probability.error()};
            config.defaultProbability = *probability;
        } else if (key == "services" && value.is_object()) {
            for (const auto &[name, settings] : value.items()) {
                const std::string where = "remote.services." + name;
                if (!settings.is_object())
                    return storage::Error{where + " must be an object."};
                Service service;
                for (const auto &[field, item] : settings.items()) {
                    if (field == "probability") {
                        auto probability = probabilityIn(item, where + ".probability");
                        if (!probability)
                            return storage::Error{probability.error()};
                        service.probability = *probability;
                    } else if (field == "maxTracesPerSecond" && item.is_number_integer()
                               && item.get<std::int64_t>() >= 0
                               && item.get<std::int64_t>() <= 1'000'000) {
                        service.maxTracesPerSecond = item.get<int>();
                    } else if (field == "operations" && item.is_object()) {
                        for (const auto &[operation, rate] : item.items()) {
                            auto probability
                                = probabilityIn(rate, where + ".operations." + operation);
                            if (!probability)
                                return storage::Error{probability.error()};
                            service.operations[operation] = *probability;
                        }
                    } else {
                        return storage::Error{"Unknown or malformed setting " + where + "." + field
                                              + "."};
                    }
                }
                config.services[name] = std::move(service);
            }
        } else {
            return storage::Error{"Unknown or malformed setting remote." + key + "."};
        }
    }
    return config;
}

std::string RemoteSamplingConfig::toJson() const
{
    Json json;
    json["defaultProbability"] = defaultProbability;
    json["services"] = Json::object();
    for (const auto &[name, service] : services) {
        Json item = Json::object();
        if (service.probability)
            item["probability"] = *service.probability;
        if (service.maxTracesPerSecond)
            item["maxTracesPerSecond"] = *service.maxTracesPerSecond;
        if (!service.operations.empty())
            item["operations"] = service.operations;
        json["services"][name] = std::move(item);
    }
    return json.dump();
}

class RemoteSamplingServer::GrpcService final : public pb::SamplingManager::Service
{
public:
    explicit GrpcService(RemoteSamplingServer &server)
        : m_server(server)
    {}

    grpc::Status GetSamplingStrategy(grpc::ServerContext *,
                                     const pb::SamplingStrategyParameters *request,
                                     pb::SamplingStrategyResponse *response) override
    {
        if (request->servicename().empty())
            return {grpc::StatusCode::INVALID_ARGUMENT, "serviceName must be set"};
        m_server.recordPoll(request->servicename(), "grpc");
        m_server.config().fill(request->servicename(), *response);
        return grpc::Status::OK;
    }

private:
    RemoteSamplingServer &m_server;
};

storage::Result<std::unique_ptr<RemoteSamplingServer>>
RemoteSamplingServer::start(Options options, RemoteSamplingConfig config)
{
    std::unique_ptr<RemoteSamplingServer> server(new RemoteSamplingServer);
    server->m_config = std::move(config);
    if (!options.httpAddress.empty()) {
        const auto colon = options.httpAddress.rfind(':');
        server->m_httpHost = options.httpAddress.substr(0, colon);
        server->m_http = std::make_unique<httplib::Server>();
        RemoteSamplingServer *self = server.get();
        // Any path, as Jaeger v2 does: /sampling (agents, the Collector) and /api/sampling (the
        // Jaeger v1 collector) both work.
        server->m_http->Get(".*", [self](const httplib::Request &req, httplib::Response &res) {
            if (req.get_param_value_count("service") != 1) {
                res.status = 400;
                res.set_content("'service' parameter must be provided once", "text/plain");
                return;
            }
            const std::string service = req.get_param_value("service");
            self->recordPoll(service, "http");
            res.set_content(self->config().responseJson(service), "application/json");
        });
        auto port = listenHttp(
            *server->m_http, server->m_httpHost, std::stoi(options.httpAddress.substr(colon + 1)),
            server->m_httpThread, "remote sampling (HTTP)", "--sampling-http HOST:PORT (or off)");
        if (!port)
            return storage::Error{port.error()};
        server->m_httpPort = *port;
    }
    if (!options.grpcAddress.empty()) {
        server->m_grpcHost = options.grpcAddress.substr(0, options.grpcAddress.rfind(':'));
        server->m_grpcService = std::make_unique<GrpcService>(*server);
        grpc::ServerBuilder builder;
        builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
        builder.AddListeningPort(options.grpcAddress, grpc::InsecureServerCredentials(),
                                 &server->m_grpcPort);
        builder.RegisterService(server->m_grpcService.get());
        server->m_grpc = builder.BuildAndStart();
        if (!server->m_grpc || server->m_grpcPort == 0) {
            return storage::Error{"Cannot listen for remote sampling (gRPC) on "
                                  + options.grpcAddress
                                  + ": the address is in use or not available. Stop the other "
                                    "program or choose another address with --sampling-grpc "
                                    "HOST:PORT (or off)."};
        }
    }
    return server;
}

RemoteSamplingServer::~RemoteSamplingServer()
{
    stop();
}

void RemoteSamplingServer::stop()
{
    if (m_http) {
        m_http->stop();
        if (m_httpThread.joinable())
            m_httpThread.join();
        m_http.reset();
    }
    if (m_grpc) {
        m_grpc->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
        m_grpc->Wait();
        m_grpc.reset();
    }
}

void RemoteSamplingServer::setConfig(RemoteSamplingConfig config)
{
    std::lock_guard lock(m_mutex);
    m_config = std::move(config);
}

RemoteSamplingConfig RemoteSamplingServer::config() const
{
    std::lock_guard lock(m_mutex);
    return m_config;
}

void RemoteSamplingServer::recordPoll(const std::string &service, const char *via)
{
    std::lock_guard lock(m_mutex);
    Poll &poll = m_polls[service];
    poll.service = service;
    poll.at = std::chrono::system_clock::now();
    poll.via = via;
    ++poll.count;
}

std::vector<RemoteSamplingServer::Poll> RemoteSamplingServer::polls() const
{
    std::lock_guard lock(m_mutex);
    std::vector<Poll> out;
    for (const auto &[service, poll] : m_polls)
        out.push_back(poll);
    return out;
}

std::string RemoteSamplingServer::httpAddress() const
{
    return m_httpPort ? m_httpHost + ":" + std::to_string(m_httpPort) : std::string();
}

std::string RemoteSamplingServer::grpcAddress() const
{
    return m_grpcPort ? m_grpcHost + ":" + std::to_string(m_grpcPort) : std::string();
}

} // namespace spanscope::ingest

#include "remotesampling.h"

#include "bearertoken.h"

#include <jaeger/api_v2/sampling.grpc.pb.h>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

namespace spanscope::ingest {

namespace pb = jaeger::api_v2;
using Json = nlohmann::json;

namespace {

// The values of `name` in a query string, percent-decoded ("+" is a space).
std::vector<std::string> queryValues(std::string_view query, std::string_view name)
{
    const auto decode = [](std::string_view text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '+') {
                out += ' ';
            } else if (text[i] == '%' && i + 2 < text.size()
                       && std::isxdigit(static_cast<unsigned char>(text[i + 1]))
                       && std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
                out += static_cast<char>(
                    std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
                i += 2;
            } else {
                out += text[i];
            }
        }
        return out;
    };
    std::vector<std::string> values;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const std::size_t eq = pair.find('=');
        if (decode(pair.substr(0, eq)) == name)
            values.push_back(eq == std::string_view::npos ? std::string()
                                                          : decode(pair.substr(eq + 1)));
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
    return values;
}

} // namespace

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

    grpc::Status GetSamplingStrategy(grpc::ServerContext *context,
                                     const pb::SamplingStrategyParameters *request,
                                     pb::SamplingStrategyResponse *response) override
    {
        if (!m_server.m_bearerToken.empty()) {
            const auto header = context->client_metadata().find("authorization");
            if (header == context->client_metadata().end()
                || !bearerMatches(std::string_view(header->second.data(), header->second.size()),
                                  m_server.m_bearerToken))
                return {grpc::StatusCode::UNAUTHENTICATED,
                        "Spanscope needs 'authorization: Bearer <token>' on this address."};
        }
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
    server->m_bearerToken = options.bearerToken;
    if (!options.httpAddress.empty()) {
        const auto colon = options.httpAddress.rfind(':');
        server->m_httpHost = options.httpAddress.substr(0, colon);
        RemoteSamplingServer *self = server.get();
        HttpServer::Options http;
        http.host = server->m_httpHost;
        http.port = std::stoi(options.httpAddress.substr(colon + 1));
        http.what = "remote sampling (HTTP)";
        http.option = "--sampling-http HOST:PORT (or off)";
        http.workers = 1;
        http.maxConnections = 1024;
        http.maxBodyBytes = 0; // a GET has no body; one that claims one is refused unread
        const bool loopback = isLoopbackHost(server->m_httpHost);
        // Any path, as Jaeger v2 does: /sampling (agents, the Collector) and /api/sampling (the
        // Jaeger v1 collector) both work. Everything is decided on the head.
        auto started = HttpServer::start(
            http,
            [self,
             loopback](const HttpServer::Request &head) -> std::optional<HttpServer::Response> {
                if (loopback && !hostHeaderIsLoopback(head.header("Host")))
                    return HttpServer::Response::text(
                        403, "Host '" + head.header("Host") + "' is not this machine.");
                if (head.method != "GET") {
                    auto wrong = HttpServer::Response::text(405, "Only GET is supported here.");
                    wrong.headers.emplace_back("Allow", "GET");
                    return wrong;
                }
                if (!self->m_bearerToken.empty()
                    && !bearerMatches(head.header("Authorization"), self->m_bearerToken)) {
                    auto denied = HttpServer::Response::text(
                        401, "Spanscope needs 'Authorization: Bearer <token>' on this address.");
                    denied.headers.emplace_back("WWW-Authenticate", "Bearer");
                    return denied;
                }
                return std::nullopt;
            },
            [self](HttpServer::Request &request) {
                const auto services = queryValues(request.query, "service");
                if (services.size() != 1)
                    return HttpServer::Response::text(400,
                                                      "'service' parameter must be provided once");
                self->recordPoll(services.front(), "http");
                HttpServer::Response response;
                response.contentType = "application/json";
                response.body = self->config().responseJson(services.front());
                return response;
            });
        if (!started)
            return storage::Error{started.error()};
        server->m_http = std::move(*started);
        server->m_httpPort = server->m_http->port();
    }
    if (!options.grpcAddress.empty()) {
        server->m_grpcHost = options.grpcAddress.substr(0, options.grpcAddress.rfind(':'));
        server->m_grpcService = std::make_unique<GrpcService>(*server);
        grpc::ServerBuilder builder;
        builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
        // Sampling queries are a service name: small, never compressed. gRPC 1.51 would inflate
        // a compressed message whole before its size check, so it is not inflated at all.
        builder.AddChannelArgument(GRPC_ARG_ENABLE_PER_MESSAGE_DECOMPRESSION, 0);
        builder.SetMaxReceiveMessageSize(64 * 1024);
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

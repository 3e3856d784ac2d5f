// Jaeger remote sampling for SDKs, over a real HTTP server and a real gRPC server: the JSON SDKs
// parse (strategyType by name, per-operation strategies next to the default), the same answer
// over gRPC, unknown services getting the default, bad requests refused, live changes, and the
// record of which services polled.

#include <jaeger/api_v2/sampling.grpc.pb.h>
#include <remotesampling.h>
#include <samplingpolicy.h>

#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <QTest>

using namespace spanscope;
using ingest::RemoteSamplingConfig;
using ingest::RemoteSamplingServer;
using Json = nlohmann::json;

namespace {

RemoteSamplingConfig sampleConfig()
{
    auto config = RemoteSamplingConfig::fromJson(
        R"({"defaultProbability": 0.5,
            "services": {"checkout": {"probability": 0.2, "operations": {"GET /healthz": 0}},
                         "web": {"maxTracesPerSecond": 10}}})");
    return *config;
}

std::unique_ptr<RemoteSamplingServer> startServer()
{
    auto server = RemoteSamplingServer::start({"127.0.0.1:0", "127.0.0.1:0", {}}, sampleConfig());
    return server ? std::move(*server) : nullptr;
}

Json getJson(RemoteSamplingServer &server, const std::string &path, int &status)
{
    const std::string address = server.httpAddress();
    httplib::Client client(address.substr(0, address.rfind(':')),
                           std::stoi(address.substr(address.rfind(':') + 1)));
    auto response = client.Get(path);
    status = response ? response->status : -1;
    return response ? Json::parse(response->body, nullptr, false) : Json();
}

} // namespace

class TestRemoteSampling : public QObject
{
    Q_OBJECT
private slots:
    // With a token (listening beyond loopback), pollers present it on both transports; other
    // methods than GET and foreign Host headers are refused before anything else.
    void tokenAndRequestChecks()
    {
        const std::string token = "0123456789abcdef-token";
        auto started
            = RemoteSamplingServer::start({"127.0.0.1:0", "127.0.0.1:0", token}, sampleConfig());
        QVERIFY(started);
        RemoteSamplingServer &server = **started;
        const std::string address = server.httpAddress();
        httplib::Client client(address.substr(0, address.rfind(':')),
                               std::stoi(address.substr(address.rfind(':') + 1)));
        QCOMPARE(client.Get("/sampling?service=checkout")->status, 401);
        QCOMPARE(client.Get("/sampling?service=checkout", {{"Authorization", "Bearer " + token}})
                     ->status,
                 200);
        QCOMPARE(client.Post("/sampling?service=checkout", "x", "text/plain")->status, 405);
        QCOMPARE(client
                     .Get("/sampling?service=checkout",
                          {{"Authorization", "Bearer " + token}, {"Host", "evil.example"}})
                     ->status,
                 403);

        auto stub = jaeger::api_v2::SamplingManager::NewStub(
            grpc::CreateChannel(server.grpcAddress(), grpc::InsecureChannelCredentials()));
        jaeger::api_v2::SamplingStrategyParameters request;
        request.set_servicename("checkout");
        jaeger::api_v2::SamplingStrategyResponse response;
        grpc::ClientContext anonymous;
        QCOMPARE(stub->GetSamplingStrategy(&anonymous, request, &response).error_code(),
                 grpc::StatusCode::UNAUTHENTICATED);
        grpc::ClientContext named;
        named.AddMetadata("authorization", "Bearer " + token);
        QVERIFY(stub->GetSamplingStrategy(&named, request, &response).ok());
    }

    void httpAnswersAsSdksExpect()
    {
        auto server = startServer();
        QVERIFY(server);
        int status = 0;
        const Json checkout = getJson(*server, "/sampling?service=checkout", status);
        QCOMPARE(status, 200);
        QCOMPARE((checkout["strategyType"]).dump(), Json("PROBABILISTIC").dump());
        QCOMPARE((checkout["probabilisticSampling"]["samplingRate"]).dump(), Json(0.2).dump());
        QCOMPARE((checkout["operationSampling"]["defaultSamplingProbability"]).dump(),
                 Json(0.2).dump());
        QCOMPARE((checkout["operationSampling"]["perOperationStrategies"][0]["operation"]).dump(),
                 Json("GET /healthz").dump());
        QCOMPARE((checkout["operationSampling"]["perOperationStrategies"][0]
                          ["probabilisticSampling"]["samplingRate"])
                     .dump(),
                 Json(0.0).dump());

        const Json web = getJson(*server, "/api/sampling?service=web", status); // any path
        QCOMPARE((web["strategyType"]).dump(), Json("RATE_LIMITING").dump());
        QCOMPARE((web["rateLimitingSampling"]["maxTracesPerSecond"]).dump(), Json(10).dump());

        const Json unknown = getJson(*server, "/sampling?service=nobody", status);
        QCOMPARE((unknown["probabilisticSampling"]["samplingRate"]).dump(), Json(0.5).dump());
        QVERIFY(!unknown.contains("operationSampling"));

        getJson(*server, "/sampling", status);
        QCOMPARE(status, 400);
        getJson(*server, "/sampling?service=a&service=b", status);
        QCOMPARE(status, 400);
    }

    void grpcGivesTheSameAnswer()
    {
        auto server = startServer();
        QVERIFY(server);
        auto channel
            = grpc::CreateChannel(server->grpcAddress(), grpc::InsecureChannelCredentials());
        auto stub = jaeger::api_v2::SamplingManager::NewStub(channel);
        jaeger::api_v2::SamplingStrategyParameters request;
        request.set_servicename("checkout");
        jaeger::api_v2::SamplingStrategyResponse response;
        grpc::ClientContext context;
        QVERIFY(stub->GetSamplingStrategy(&context, request, &response).ok());
        QCOMPARE(response.probabilisticsampling().samplingrate(), 0.2);
        QCOMPARE(response.operationsampling().peroperationstrategies_size(), 1);

        grpc::ClientContext empty;
        request.clear_servicename();
        const grpc::Status refused = stub->GetSamplingStrategy(&empty, request, &response);
        QCOMPARE(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

        // Which services asked, and how.
        int status = 0;
        getJson(*server, "/sampling?service=web", status);
        const auto polls = server->polls();
        QCOMPARE(polls.size(), size_t(2));
        QCOMPARE(polls[0].service, std::string("checkout"));
        QCOMPARE(polls[0].via, std::string("grpc"));
        QCOMPARE(polls[1].via, std::string("http"));
    }

    void changesApplyToTheNextPoll()
    {
        auto server = startServer();
        QVERIFY(server);
        auto config = server->config();
        config.services["checkout"].probability = 0.9;
        server->setConfig(config);
        int status = 0;
        QCOMPARE((getJson(*server, "/sampling?service=checkout",
                          status)["probabilisticSampling"]["samplingRate"])
                     .dump(),
                 Json(0.9).dump());
    }

    void settingsJsonRoundTripAndErrors()
    {
        const RemoteSamplingConfig config = sampleConfig();
        const auto again = RemoteSamplingConfig::fromJson(config.toJson());
        QVERIFY(again);
        QCOMPARE(again->toJson(), config.toJson());
        // Inside the sampling policy file, under "remote".
        const auto policy
            = ingest::SamplingPolicy::fromJson(R"({"remote": {"defaultProbability": 0.1}})");
        QVERIFY(policy);
        QCOMPARE(policy->remote.defaultProbability, 0.1);
        for (const char *bad :
             {R"({"defaultProbability": 3})", R"({"services": {"a": {"probability": -1}}})",
              R"({"services": {"a": {"operations": {"x": "half"}}}})",
              R"({"services": {"a": {"rate": 1}}})", R"([])"}) {
            QVERIFY2(!RemoteSamplingConfig::fromJson(bad), bad);
        }
    }

    void aTakenPortIsAClearError()
    {
        auto first = startServer();
        QVERIFY(first);
        auto second = RemoteSamplingServer::start({first->httpAddress(), "", {}}, {});
        QVERIFY(!second);
        QVERIFY(second.error().find("--sampling-http") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestRemoteSampling)
#include "tst_remotesampling.moc"

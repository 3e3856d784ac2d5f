// The receivers' framing of sink outcomes: throttling and storage failures are retryable on
// both transports (gRPC RESOURCE_EXHAUSTED/UNAVAILABLE with RetryInfo; HTTP 429/503 with
// Retry-After), and a taken port is reported in one sentence. The sink is a stub so these outcomes
// can be forced.

#include <bearertoken.h>
#include <grpcreceiver.h>
#include <httpreceiver.h>

#include <google/rpc/status.pb.h>
#include <opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h>

#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <QTest>

#include <atomic>
#include <mutex>

using namespace spanscope;
namespace otlp_trace = opentelemetry::proto::collector::trace::v1;

namespace {

// Answers every batch with the outcome the test sets; the receivers call it from their threads.
class StubSink : public storage::BatchSink
{
public:
    std::atomic<int> spans{0};
    std::atomic<int> rejectedRequests{0};

    void setOutcome(storage::WriteOutcome outcome)
    {
        std::lock_guard lock(m_mutex);
        m_outcome = std::move(outcome);
    }
    storage::WriteOutcome writeTraces(storage::TraceBatch batch) override
    {
        const storage::WriteOutcome answer = outcome();
        if (answer.committed())
            spans += static_cast<int>(batch.spanCount());
        return answer;
    }
    storage::WriteOutcome writeLogs(storage::LogBatch) override { return outcome(); }
    storage::WriteOutcome writeMetrics(storage::MetricBatch) override { return outcome(); }
    void count(storage::Signal, Tally, std::uint64_t) override {}
    void countRejectedRequest(storage::Signal, const std::string &) override { ++rejectedRequests; }

private:
    storage::WriteOutcome outcome()
    {
        std::lock_guard lock(m_mutex);
        return m_outcome;
    }
    std::mutex m_mutex;
    storage::WriteOutcome m_outcome;
};

otlp_trace::ExportTraceServiceRequest oneSpan()
{
    otlp_trace::ExportTraceServiceRequest request;
    auto *span = request.add_resource_spans()->add_scope_spans()->add_spans();
    span->set_trace_id(std::string(16, '\x01'));
    span->set_span_id(std::string(8, '\x02'));
    span->set_name("one");
    return request;
}

} // namespace

class TestReceivers : public QObject
{
    Q_OBJECT
private:
    StubSink m_sink;
    std::unique_ptr<ingest::ExportHandler> m_handler;
    std::unique_ptr<ingest::GrpcReceiver> m_grpc;
    std::unique_ptr<ingest::HttpReceiver> m_http;

    grpc::Status exportGrpc(otlp_trace::ExportTraceServiceResponse &response)
    {
        auto channel = grpc::CreateChannel(m_grpc->address(), grpc::InsecureChannelCredentials());
        auto stub = otlp_trace::TraceService::NewStub(channel);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        return stub->Export(&context, oneSpan(), &response);
    }

    httplib::Result exportHttp()
    {
        httplib::Client client("127.0.0.1", m_http->port());
        return client.Post("/v1/traces", oneSpan().SerializeAsString(), "application/x-protobuf");
    }

private slots:
    void initTestCase()
    {
        m_handler = std::make_unique<ingest::ExportHandler>(m_sink, ingest::IngestLimits{});
        auto grpc = ingest::GrpcReceiver::start(*m_handler, {"127.0.0.1:0", 1 << 20, {}});
        QVERIFY2(grpc, grpc.ok() ? "" : grpc.error().c_str());
        m_grpc = std::move(*grpc);
        ingest::HttpReceiver::Options options;
        options.port = 0;
        auto http = ingest::HttpReceiver::start(*m_handler, options);
        QVERIFY(http);
        m_http = std::move(*http);
        QVERIFY(m_grpc->port() > 0 && m_http->port() > 0);
    }

    void committed()
    {
        m_sink.setOutcome({});
        otlp_trace::ExportTraceServiceResponse response;
        QVERIFY(exportGrpc(response).ok());
        QVERIFY(!response.has_partial_success());
        auto result = exportHttp();
        QVERIFY(result);
        QCOMPARE(result->status, 200);
        QCOMPARE(result->body, std::string()); // an empty ExportTraceServiceResponse
        QCOMPARE(m_sink.spans.load(), 2);
    }

    // The Collector's pairs: 429 with RESOURCE_EXHAUSTED, 503 with UNAVAILABLE, both resent.
    void throttledIsRetryable_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("httpStatus");
        QTest::addColumn<int>("grpcCode");
        QTest::newRow("queue full") << int(storage::WriteOutcome::Status::Busy) << 429
                                    << int(grpc::StatusCode::RESOURCE_EXHAUSTED);
        QTest::newRow("storage failed") << int(storage::WriteOutcome::Status::Failed) << 503
                                        << int(grpc::StatusCode::UNAVAILABLE);
        QTest::newRow("shutting down") << int(storage::WriteOutcome::Status::Closed) << 503
                                       << int(grpc::StatusCode::UNAVAILABLE);
    }

    void throttledIsRetryable()
    {
        QFETCH(int, status);
        QFETCH(int, httpStatus);
        QFETCH(int, grpcCode);
        m_sink.setOutcome({static_cast<storage::WriteOutcome::Status>(status), "try later"});
        otlp_trace::ExportTraceServiceResponse response;
        const grpc::Status grpcStatus = exportGrpc(response);
        QCOMPARE(int(grpcStatus.error_code()), grpcCode);
        QCOMPARE(grpcStatus.error_message(), std::string("try later"));
        google::rpc::Status details;
        QVERIFY(details.ParseFromString(grpcStatus.error_details()));
        QCOMPARE(details.details_size(), 1);
        google::rpc::RetryInfo retry;
        QVERIFY(details.details(0).UnpackTo(&retry));
        QCOMPARE(retry.retry_delay().seconds(), std::int64_t(1));

        auto result = exportHttp();
        QVERIFY(result);
        QCOMPARE(result->status, httpStatus);
        QCOMPARE(result->get_header_value("Retry-After"), std::string("1"));
        QCOMPARE(result->get_header_value("Content-Type"), std::string("application/x-protobuf"));
        google::rpc::Status body;
        QVERIFY(body.ParseFromString(result->body));
        QCOMPARE(body.message(), std::string("try later"));
    }

    void takenPortIsOneSentence()
    {
        auto second = ingest::GrpcReceiver::start(*m_handler, {m_grpc->address(), 1 << 20, {}});
        QVERIFY(!second);
        QVERIFY(QString::fromStdString(second.error()).contains(QStringLiteral("in use")));
        ingest::HttpReceiver::Options options;
        options.port = m_http->port();
        auto secondHttp = ingest::HttpReceiver::start(*m_handler, options);
        QVERIFY(!secondHttp);
        QVERIFY(QString::fromStdString(secondHttp.error())
                    .contains(QStringLiteral("--http HOST:PORT")));
    }

    void bearerTokenRequired()
    {
        const std::string token = "s3cret-token";
        auto grpc = ingest::GrpcReceiver::start(*m_handler, {"127.0.0.1:0", 1 << 20, token});
        QVERIFY(grpc);
        ingest::HttpReceiver::Options options;
        options.port = 0;
        options.bearerToken = token;
        auto http = ingest::HttpReceiver::start(*m_handler, options);
        QVERIFY(http);
        m_sink.setOutcome({});
        const int storedBefore = m_sink.spans.load();

        auto stub = otlp_trace::TraceService::NewStub(
            grpc::CreateChannel((*grpc)->address(), grpc::InsecureChannelCredentials()));
        httplib::Client client("127.0.0.1", (*http)->port());
        const std::string body = oneSpan().SerializeAsString();
        for (const std::string header : {"", "Bearer wrong-token!", "Bearer s3cret-toke",
                                         "Basic s3cret-token", "s3cret-token"}) {
            grpc::ClientContext context;
            if (!header.empty())
                context.AddMetadata("authorization", header);
            otlp_trace::ExportTraceServiceResponse response;
            QCOMPARE(stub->Export(&context, oneSpan(), &response).error_code(),
                     grpc::StatusCode::UNAUTHENTICATED);
            httplib::Headers headers;
            if (!header.empty())
                headers.emplace("Authorization", header);
            auto result = client.Post("/v1/traces", headers, body, "application/x-protobuf");
            QVERIFY(result);
            QCOMPARE(result->status, 401);
            QCOMPARE(result->get_header_value("WWW-Authenticate"), std::string("Bearer"));
        }
        QCOMPARE(m_sink.spans.load(), storedBefore); // nothing refused got through

        for (const std::string header : {"Bearer s3cret-token", "bearer s3cret-token"}) {
            grpc::ClientContext context;
            context.AddMetadata("authorization", header);
            otlp_trace::ExportTraceServiceResponse response;
            QVERIFY(stub->Export(&context, oneSpan(), &response).ok());
            auto result = client.Post("/v1/traces", {{"Authorization", header}}, body,
                                      "application/x-protobuf");
            QVERIFY(result);
            QCOMPARE(result->status, 200);
        }
        QCOMPARE(m_sink.spans.load(), storedBefore + 4);
    }

    void loopbackHosts_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("loopback");
        QTest::newRow("127.0.0.1") << "127.0.0.1" << true;
        QTest::newRow("127.1.2.3") << "127.1.2.3" << true;
        QTest::newRow("localhost") << "localhost" << true;
        QTest::newRow("::1") << "::1" << true;
        QTest::newRow("[::1]") << "[::1]" << true;
        QTest::newRow("any ipv4") << "0.0.0.0" << false;
        QTest::newRow("any ipv6") << "[::]" << false;
        QTest::newRow("lan") << "192.168.1.20" << false;
        QTest::newRow("name") << "myhost.local" << false;
        QTest::newRow("127 as a name prefix") << "127.example.com" << false;
    }

    void loopbackHosts()
    {
        QFETCH(QString, host);
        QFETCH(bool, loopback);
        QCOMPARE(ingest::isLoopbackHost(host.toStdString()), loopback);
    }

    void corsOrigins_data()
    {
        QTest::addColumn<QString>("origin");
        QTest::addColumn<QStringList>("allowed");
        QTest::addColumn<bool>("expected");
        QTest::newRow("localhost with port") << "http://localhost:5173" << QStringList() << true;
        QTest::newRow("127.0.0.1 https") << "https://127.0.0.1" << QStringList() << true;
        QTest::newRow("ipv6 loopback") << "http://[::1]:8080" << QStringList() << true;
        QTest::newRow("lookalike host")
            << "http://localhost.evil.example" << QStringList() << false;
        QTest::newRow("other site") << "https://example.com" << QStringList() << false;
        QTest::newRow("configured")
            << "https://app.example" << QStringList{QStringLiteral("https://app.example")} << true;
        QTest::newRow("configured excludes localhost")
            << "http://localhost:1" << QStringList{QStringLiteral("https://app.example")} << false;
        QTest::newRow("wildcard") << "https://any.example" << QStringList{QStringLiteral("*")}
                                  << true;
        QTest::newRow("no origin") << "" << QStringList{QStringLiteral("*")} << false;
    }

    void corsOrigins()
    {
        QFETCH(QString, origin);
        QFETCH(QStringList, allowed);
        QFETCH(bool, expected);
        std::vector<std::string> list;
        for (const QString &a : allowed)
            list.push_back(a.toStdString());
        QCOMPARE(ingest::HttpReceiver::originAllowed(origin.toStdString(), list), expected);
    }

    void cleanupTestCase()
    {
        m_http.reset();
        m_grpc.reset();
    }
};

QTEST_GUILESS_MAIN(TestReceivers)
#include "tst_receivers.moc"

// RED metrics and service-map edges from spans stored by the real writer: hand-computed
// counts, error rates and percentiles; edges for HTTP (client → server), gRPC recorded only on
// the server side, a database, Redis, and a Celery task (producer → consumer by link).

#include "freshdatabase.h"

#include <services/servicereader.h>
#include <tracestore.h>

#include <QTest>

using namespace spanscope;
using storage::SpanKind;

namespace {

constexpr std::uint64_t Base = 1'700'000'000'000'000'000ull;
constexpr std::uint64_t Ms = 1'000'000;

struct Builder
{
    std::map<std::string, storage::ScopedSpans> groups;
    std::uint8_t nextSpan = 1;

    storage::Span &add(const std::string &service, const std::string &name, SpanKind kind,
                       std::uint8_t trace, const storage::Span *parent, std::uint64_t startMs,
                       std::uint64_t durationMs, storage::Attributes attributes = {})
    {
        storage::ScopedSpans &group = groups[service];
        group.resource.attributes = {{"service.name", {service}}};
        storage::Span &span = group.spans.emplace_back();
        span.traceId[0] = trace;
        span.traceId[15] = 1;
        span.spanId[0] = trace;
        span.spanId[7] = nextSpan++;
        if (parent)
            span.parentSpanId = parent->spanId;
        span.name = name;
        span.kind = kind;
        span.startUnixNano = Base + startMs * Ms;
        span.endUnixNano = span.startUnixNano + durationMs * Ms;
        span.attributes = std::move(attributes);
        return span;
    }

    storage::TraceBatch batch()
    {
        storage::TraceBatch out;
        for (auto &[name, group] : groups)
            out.groups.push_back(group);
        return out;
    }
};

} // namespace

class TestServices : public QObject
{
    Q_OBJECT

    FreshDatabase m_db;

private slots:
    void init() { m_db.open(); }
    void cleanup() { m_db.close(); }

    void redAndEdgesAddUp()
    {
        Builder b;
        // Ten checkouts of 10, 20, ... 100 ms; the last two fail. Each calls the stock service
        // over HTTP (client span 5 ms, server 4 ms), queries PostgreSQL and reads Redis.
        for (std::uint8_t t = 1; t <= 10; ++t) {
            storage::Span &root = b.add("frontend", "POST /checkout", SpanKind::Server, t, nullptr,
                                        t * 1000, t * 10);
            if (t > 8)
                root.statusCode = storage::StatusCode::Error;
            const storage::Span rootCopy = root;
            const storage::Span call
                = b.add("frontend", "GET", SpanKind::Client, t, &rootCopy, t * 1000 + 1, 5,
                        {{"server.address", {std::string("stock")}}});
            const storage::Span served
                = b.add("stock", "GET /stock", SpanKind::Server, t, &call, t * 1000 + 2, 4);
            b.add("stock", "SELECT items", SpanKind::Client, t, &served, t * 1000 + 3, 2,
                  {{"db.system.name", {std::string("postgresql")}}});
            b.add("frontend", "GET", SpanKind::Client, t, &rootCopy, t * 1000 + 8, 1,
                  {{"db.system", {std::string("redis")}}});
        }
        // One payment over gRPC, recorded only by the server, under the frontend's root.
        const storage::Span pay
            = b.add("frontend", "charge", SpanKind::Internal, 11, nullptr, 20'000, 30);
        b.add("payments", "Payments/Charge", SpanKind::Server, 11, &pay, 20'001, 25);
        // A Celery task: the producer in one trace, the worker's consumer span in another,
        // linked to it.
        const storage::Span publish
            = b.add("frontend", "apply_async/send_mail", SpanKind::Producer, 12, nullptr, 21'000, 1,
                    {{"messaging.system", {std::string("celery")}}});
        storage::Span &run
            = b.add("worker", "run/send_mail", SpanKind::Consumer, 13, nullptr, 21'010, 50);
        storage::SpanLink link;
        link.traceId = publish.traceId;
        link.spanId = publish.spanId;
        run.links.push_back(link);
        QVERIFY(m_db.writer().writeTraces(b.batch()).committed());

        auto store = storage::TraceStore::open(m_db.path().toStdString());
        QVERIFY(store);
        storage::ServiceFilter filter;
        filter.buckets = 4;
        const auto overview = (*store)->serviceReader().overview(filter);
        QVERIFY2(overview, overview ? "" : overview.error().c_str());
        const auto row = [&](const std::string &service, const std::string &operation) {
            const auto it = std::find_if(
                overview->services.begin(), overview->services.end(),
                [&](const auto &r) { return r.service == service && r.operation == operation; });
            if (it == overview->services.end())
                qFatal("no row %s/%s", service.c_str(), operation.c_str());
            return *it;
        };
        const storage::RedRow checkout = row("frontend", "POST /checkout");
        QCOMPARE(checkout.count, 10u);
        QCOMPARE(checkout.errors, 2u);
        QCOMPARE(checkout.errorRate(), 0.2);
        QCOMPARE(checkout.p50Ns, std::int64_t(60 * Ms)); // nearest rank of 10 values
        QCOMPARE(checkout.p95Ns, std::int64_t(100 * Ms));
        QCOMPARE(checkout.p99Ns, std::int64_t(100 * Ms));
        QCOMPARE(checkout.totalNs, std::int64_t(550 * Ms));
        std::uint64_t inBuckets = 0;
        for (const auto n : checkout.countPerBucket)
            inBuckets += n;
        QCOMPARE(inBuckets, 10u);
        QCOMPARE(checkout.countPerBucket.size(), std::size_t(4));
        // The busiest service first, its operations after it.
        QCOMPARE(overview->services[0].service, std::string("frontend"));
        QCOMPARE(overview->services[0].operation, std::string());
        QCOMPARE(overview->services[1].operation, std::string("POST /checkout"));

        const storage::RedRow postgres = row("postgresql", "");
        QCOMPARE(postgres.kind, storage::NodeKind::Database);
        QCOMPARE(postgres.count, 10u);
        QCOMPARE(row("redis", "").kind, storage::NodeKind::Cache);
        QCOMPARE(row("worker", "run/send_mail").count, 1u);

        const auto edge = [&](const std::string &from, const std::string &to) {
            const auto it
                = std::find_if(overview->edges.begin(), overview->edges.end(),
                               [&](const auto &e) { return e.from == from && e.to == to; });
            return it == overview->edges.end() ? std::optional<storage::ServiceEdge>()
                                               : std::optional<storage::ServiceEdge>(*it);
        };
        const auto http = edge("frontend", "stock");
        QVERIFY(http);
        QCOMPARE(http->calls, 10u);
        QCOMPARE(http->p95Ns, std::int64_t(5 * Ms));
        QVERIFY(!edge("frontend", "stock.example")); // answered: no uninstrumented target too
        QCOMPARE(edge("stock", "postgresql")->toKind, storage::NodeKind::Database);
        QCOMPARE(edge("frontend", "redis")->calls, 10u);
        QCOMPARE(edge("frontend", "payments")->calls, 1u);
        const auto celery = edge("frontend", "worker");
        QVERIFY(celery);
        QVERIFY(celery->messaging);
        QCOMPARE(overview->edges.size(), std::size_t(5));

        // One trace's own map.
        storage::ServiceFilter one;
        one.trace = storage::TraceId{};
        (*one.trace)[0] = 3;
        (*one.trace)[15] = 1;
        const auto own = (*store)->serviceReader().overview(one);
        QVERIFY(own);
        QCOMPARE(own->spansRead, 5u);
        QCOMPARE(own->edges.size(), std::size_t(3));
    }
};

QTEST_GUILESS_MAIN(TestServices)
#include "tst_services.moc"

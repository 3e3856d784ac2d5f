// What a trace says about itself: statement normalisation, self time, statistics, and each
// insight detector just below and at its thresholds.

#include <insights.h>
#include <propagation.h>
#include <spantree.h>
#include <statement.h>
#include <statistics.h>

#include "tracebuilder.h"

#include <QTest>

using namespace spanscope;
using namespace spanscope::analysis;
using storage::SpanKind;
using testing::Ms;
using testing::TraceBuilder;

namespace {

std::vector<Insight> insightsOf(TraceBuilder &builder, InsightKind kind)
{
    const storage::TraceData &trace = builder.trace();
    const SpanTree tree(trace);
    std::vector<Insight> found = findInsights(trace, tree);
    std::erase_if(found, [kind](const Insight &insight) { return insight.kind != kind; });
    return found;
}

// Each trace's loose ends, matched across them; the findings per trace.
std::vector<std::vector<Insight>> lostAcross(std::vector<TraceBuilder *> builders)
{
    std::vector<analysis::TraceEnds> ends;
    for (TraceBuilder *builder : builders) {
        const storage::TraceData &trace = builder->trace();
        const SpanTree tree(trace);
        ends.push_back({trace.spans.front().span.traceId, analysis::looseEnds(trace, tree)});
    }
    return analysis::lostPropagation(ends);
}

} // namespace

class TestAnalysis : public QObject
{
    Q_OBJECT
private slots:
    void statementsAreNormalised_data()
    {
        QTest::addColumn<QString>("statement");
        QTest::addColumn<QString>("expected");
        QTest::newRow("number") << "SELECT * FROM items WHERE id = 42"
                                << "SELECT * FROM items WHERE id = ?";
        QTest::newRow("negative and decimal") << "UPDATE t SET x = -5, y = 3.25e2 WHERE z < .5"
                                              << "UPDATE t SET x = ?, y = ? WHERE z < ?";
        QTest::newRow("strings, '' inside") << "SELECT 1 FROM users WHERE name = 'O''Brien'"
                                            << "SELECT ? FROM users WHERE name = ?";
        QTest::newRow("identifiers with digits kept") << "SELECT t1.col2 FROM table3 t1"
                                                      << "SELECT t1.col2 FROM table3 t1";
        QTest::newRow("quoted identifiers kept")
            << "SELECT \"Order\".\"id\" FROM `shop`.\"Order\" WHERE [x] = 1"
            << "SELECT \"Order\".\"id\" FROM `shop`.\"Order\" WHERE [x] = ?";
        QTest::newRow("IN-list of any length") << "SELECT * FROM items WHERE id IN (1, 2, 3, 4)"
                                               << "SELECT * FROM items WHERE id IN (?)";
        QTest::newRow("IN-list of placeholders") << "SELECT * FROM items WHERE id IN ($1,$2,$3)"
                                                 << "SELECT * FROM items WHERE id IN (?)";
        QTest::newRow("multi-row VALUES")
            << "INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')"
            << "INSERT INTO t (a, b) VALUES (?)";
        QTest::newRow("placeholders") << "SELECT * FROM t WHERE a = :name AND b = %s AND c = @p1 "
                                         "AND d = %(user_id)s AND e = ?"
                                      << "SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = "
                                         "? AND e = ?";
        QTest::newRow("cast is not a placeholder") << "SELECT id::text FROM t"
                                                   << "SELECT id::text FROM t";
        QTest::newRow("comments and whitespace")
            << "SELECT /* hint */ a\n  FROM t -- trailing\n WHERE  b = 1"
            << "SELECT a FROM t WHERE b = ?";
        QTest::newRow("uuid")
            << "SELECT * FROM carts WHERE id = 123e4567-e89b-12d3-a456-426614174000"
            << "SELECT * FROM carts WHERE id = ?";
        QTest::newRow("hex") << "SELECT * FROM blobs WHERE h = 0xDEADBEEF"
                             << "SELECT * FROM blobs WHERE h = ?";
        QTest::newRow("unicode identifiers and strings")
            << "SELECT prénom FROM clients WHERE ville = 'Zürich'"
            << "SELECT prénom FROM clients WHERE ville = ?";
        QTest::newRow("redis key") << "HGETALL customer:42"
                                   << "HGETALL customer:?";
        QTest::newRow("redis key and value") << "SET session:9f 'abc' EX 60"
                                             << "SET session:? ? EX ?";
    }

    void statementsAreNormalised()
    {
        QFETCH(QString, statement);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(normalizeStatement(statement.toStdString())), expected);
    }

    void longStatementsAreCut()
    {
        std::string huge = "SELECT ";
        for (int i = 0; i < 5000; ++i)
            huge += "column_" + std::to_string(i) + ", ";
        const std::string normal = normalizeStatement(huge);
        QVERIFY(normal.size() <= MaxNormalizedLength + 3);
        QVERIFY(normal.ends_with("…"));
    }

    void urlsAreNormalised()
    {
        QCOMPARE(normalizeUrl("http://shop:8000/items/42?x=1#top"),
                 std::string("http://shop:8000/items/{id}"));
        QCOMPARE(normalizeUrl("/carts/123e4567-e89b-12d3-a456-426614174000/lines"),
                 std::string("/carts/{id}/lines"));
        QCOMPARE(normalizeUrl("https://api.example/v2/users/me"),
                 std::string("https://api.example/v2/users/me"));
    }

    // Children overlapping each other count once; a child reaching past its parent counts only
    // inside it.
    void selfTimeCountsOverlapOnce()
    {
        TraceBuilder b;
        const int root = b.add("root", -1, 0, 100);
        b.add("a", root, 10, 30); // 10-40
        b.add("b", root, 20, 30); // 20-50, overlaps a
        b.add("late", root, 90, 30); // 90-120, past the parent
        const storage::TraceData &trace = b.trace();
        const SpanTree tree(trace);
        QCOMPARE(tree.selfNs(0), 100 * Ms - 40 * Ms - 10 * Ms);
        QCOMPARE(tree.children(0).size(), std::size_t(3));
        QCOMPARE(tree.selfNs(1), 30 * Ms);
    }

    void statisticsGroupAndSortBySelfTime()
    {
        TraceBuilder b;
        const int root = b.add("GET /orders", -1, 0, 100, SpanKind::Server);
        for (int i = 0; i < 3; ++i)
            b.query(root, 10 + 20 * i, 16, "SELECT * FROM items WHERE id = " + std::to_string(i));
        b.add("GET /stock", root, 80, 10, SpanKind::Server, {}, 1);
        const storage::TraceData &trace = b.trace();
        const SpanTree tree(trace);
        auto rows = traceStatistics(trace, tree);
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(rows[0].operation, std::string("SELECT"));
        QCOMPARE(rows[0].count, 3);
        QCOMPARE(rows[0].selfNs, 48 * Ms);
        QCOMPARE(rows[0].minNs, 16 * Ms);
        QCOMPARE(rows[0].averageNs(), 16 * Ms);
        QCOMPARE(rows[0].percentOfTrace, 48.0);
        QCOMPARE(rows[1].operation, std::string("GET /orders"));
        QCOMPARE(rows[1].selfNs, 42 * Ms); // 100 - 48 - 10
        QCOMPARE(rows[1].totalNs, 100 * Ms);
        auto byService = traceStatistics(trace, tree, Grouping::Service);
        QCOMPARE(byService.size(), std::size_t(2));
        QCOMPARE(byService[0].service, std::string("shop"));
        QCOMPARE(byService[0].count, 4);
        QVERIFY(byService[0].operation.empty());
    }

    void nPlusOneQueriesAtTheThreshold()
    {
        // Four siblings: not yet.
        TraceBuilder four;
        int root = four.add("GET /orders", -1, 0, 100, SpanKind::Server);
        for (int i = 0; i < 4; ++i)
            four.query(root, 5 + 10 * i, 8, "SELECT * FROM items WHERE id = " + std::to_string(i));
        QVERIFY(insightsOf(four, InsightKind::NPlusOneDb).empty());

        // Five, 25 ms together: found, with the normalised statement.
        TraceBuilder five;
        root = five.add("GET /orders", -1, 0, 100, SpanKind::Server);
        for (int i = 0; i < 5; ++i)
            five.query(root, 5 + 10 * i, 5, "SELECT * FROM items WHERE id = " + std::to_string(i));
        five.query(root, 70, 5, "SELECT * FROM users WHERE id = 1"); // another statement
        auto found = insightsOf(five, InsightKind::NPlusOneDb);
        QCOMPARE(found.size(), std::size_t(1));
        QCOMPARE(found[0].pattern, std::string("SELECT * FROM items WHERE id = ?"));
        QCOMPARE(found[0].count, 5);
        QCOMPARE(found[0].totalNs, 25 * Ms);
        QCOMPARE(found[0].savableNs, 20 * Ms);
        QCOMPARE(found[0].parentOperation, std::string("shop: GET /orders"));
        QVERIFY(QString::fromStdString(found[0].message).contains(QStringLiteral("5 queries")));

        // Five quick ones (5 ms) in a long parent (1 s): under both the 20 ms and the 10 %.
        TraceBuilder quick;
        root = quick.add("GET /orders", -1, 0, 1000, SpanKind::Server);
        for (int i = 0; i < 5; ++i)
            quick.query(root, 5 + 10 * i, 1, "SELECT 1 FROM t WHERE id = " + std::to_string(i));
        QVERIFY(insightsOf(quick, InsightKind::NPlusOneDb).empty());
        // ... but 10 % of a short parent is enough.
        TraceBuilder share;
        root = share.add("GET /orders", -1, 0, 40, SpanKind::Server);
        for (int i = 0; i < 5; ++i)
            share.query(root, 5 + 6 * i, 1, "SELECT 1 FROM t WHERE id = " + std::to_string(i));
        QCOMPARE(insightsOf(share, InsightKind::NPlusOneDb).size(), std::size_t(1));
    }

    void nPlusOneCallsAndCache()
    {
        TraceBuilder b;
        const int root = b.add("GET /cart", -1, 0, 200, SpanKind::Server);
        for (int i = 0; i < 6; ++i)
            b.http(root, 5 + 12 * i, 10,
                   "http://stock:8000/items/" + std::to_string(i) + "?full=1");
        for (int i = 0; i < 5; ++i)
            b.add("GET", root, 90 + 5 * i, 4, SpanKind::Client,
                  {{"db.system.name", {std::string("redis")}},
                   {"db.query.text", {"GET price:" + std::to_string(i)}}});
        auto found = insightsOf(b, InsightKind::NPlusOneHttp);
        QCOMPARE(found.size(), std::size_t(2));
        QStringList patterns;
        for (const Insight &insight : found)
            patterns << QString::fromStdString(insight.pattern);
        patterns.sort();
        QCOMPARE(patterns,
                 (QStringList{QStringLiteral("GET http://stock:8000/items/{id}"),
                              QStringLiteral("GET price:?")}));
        QVERIFY(insightsOf(b, InsightKind::NPlusOneDb).empty()); // a cache is not the database
    }

    void sequentialCallsThatCouldOverlap()
    {
        TraceBuilder b;
        const int root = b.add("POST /checkout", -1, 0, 400, SpanKind::Server);
        b.http(root, 0, 60, "http://stock:8000/reserve");
        b.http(root, 61, 60, "http://payments:8000/charge");
        b.http(root, 122, 60, "http://mail:8000/send");
        auto found = insightsOf(b, InsightKind::SequentialCalls);
        QCOMPARE(found.size(), std::size_t(1));
        QCOMPARE(found[0].count, 3);
        QCOMPARE(found[0].savableNs, 120 * Ms);

        // A thousand distinct calls in a row are named by the first five.
        TraceBuilder many;
        const int m = many.add("POST /import", -1, 0, 100'000, SpanKind::Server);
        for (int i = 0; i < 1000; ++i)
            many.http(m, i * 60, 59, "http://svc" + std::to_string(i) + "/x");
        auto long_ = insightsOf(many, InsightKind::SequentialCalls);
        QCOMPARE(long_.size(), std::size_t(1));
        QCOMPARE(long_[0].count, 1000);
        QVERIFY(long_[0].pattern.size() < 200);
        QVERIFY(long_[0].pattern.ends_with("(995 more)"));

        // Overlapping calls already run side by side; two in a row are not enough.
        TraceBuilder parallel;
        const int top = parallel.add("POST /checkout", -1, 0, 400, SpanKind::Server);
        parallel.http(top, 0, 60, "http://stock:8000/reserve");
        parallel.http(top, 30, 60, "http://payments:8000/charge");
        parallel.http(top, 91, 60, "http://mail:8000/send");
        QVERIFY(insightsOf(parallel, InsightKind::SequentialCalls).empty());

        // Below the saving: three quick calls.
        TraceBuilder quick;
        const int q = quick.add("POST /checkout", -1, 0, 400, SpanKind::Server);
        quick.http(q, 0, 30, "http://a/x");
        quick.http(q, 31, 30, "http://b/y");
        quick.http(q, 62, 30, "http://c/z");
        QVERIFY(insightsOf(quick, InsightKind::SequentialCalls).empty());
    }

    void repeatedIdenticalCallsAndSlowQueries()
    {
        TraceBuilder b;
        const int root = b.add("GET /me", -1, 0, 400, SpanKind::Server);
        b.query(root, 0, 5, "SELECT * FROM users WHERE id = 7");
        b.query(root, 10, 5, "SELECT * FROM users WHERE id = 7");
        b.query(root, 20, 5, "SELECT * FROM users WHERE id = 8"); // other parameters
        b.query(root, 30, 150, "SELECT * FROM orders ORDER BY created");
        auto repeated = insightsOf(b, InsightKind::RepeatedCall);
        QCOMPARE(repeated.size(), std::size_t(1));
        QCOMPARE(repeated[0].count, 2);
        QCOMPARE(repeated[0].savableNs, 5 * Ms);
        auto slow = insightsOf(b, InsightKind::SlowQuery);
        QCOMPARE(slow.size(), std::size_t(1));
        QCOMPARE(slow[0].pattern, std::string("SELECT * FROM orders ORDER BY created"));
        QCOMPARE(slow[0].spans.size(), std::size_t(1));
    }

    void boundStatementsRepeatOnlyWithTheirParameters()
    {
        // SQLAlchemy records `WHERE id = ?` without the values: the same text is not the same call.
        TraceBuilder unknown;
        const int root = unknown.add("GET /orders", -1, 0, 400, SpanKind::Server);
        unknown.query(root, 0, 5, "SELECT * FROM items WHERE items.order_id = ?");
        unknown.query(root, 10, 5, "SELECT * FROM items WHERE items.order_id = ?");
        unknown.query(root, 20, 5, "SELECT * FROM items WHERE items.order_id = %(order_id)s");
        unknown.query(root, 30, 5, "SELECT * FROM items WHERE items.order_id = %(order_id)s");
        QVERIFY(insightsOf(unknown, InsightKind::RepeatedCall).empty());

        // With the parameters recorded, equal ones are a repeat.
        TraceBuilder known;
        const int top = known.add("GET /orders", -1, 0, 400, SpanKind::Server);
        for (const char *value : {"7", "7", "8"}) {
            known.add("SELECT", top, 0, 5, SpanKind::Client,
                      {{"db.system.name", {std::string("postgresql")}},
                       {"db.query.text", {std::string("SELECT * FROM users WHERE id = $1")}},
                       {"db.query.parameter.0", {std::string(value)}}});
        }
        auto repeated = insightsOf(known, InsightKind::RepeatedCall);
        QCOMPARE(repeated.size(), std::size_t(1));
        QCOMPARE(repeated[0].count, 2);
    }

    void brokenPropagation()
    {
        TraceBuilder b;
        const int root = b.add("POST /orders", -1, 0, 100, SpanKind::Producer);
        b.add("child", root, 1, 10);
        b.add("lost", -1, 20, 10); // made a root below, then given a parent that is not there
        b.add("order.created process", -1, 50, 20, SpanKind::Consumer, {}, 1);
        storage::TraceData trace = b.trace();
        for (auto &stored : trace.spans) {
            if (stored.span.name == "lost")
                stored.span.parentSpanId[7] = 0xEE;
        }
        const SpanTree tree(trace);
        QVERIFY(tree.isOrphan(2));
        std::vector<Insight> found = findInsights(trace, tree);
        std::erase_if(found,
                      [](const Insight &i) { return i.kind != InsightKind::BrokenPropagation; });
        QCOMPARE(found.size(), std::size_t(2));
        QStringList patterns{QString::fromStdString(found[0].pattern),
                             QString::fromStdString(found[1].pattern)};
        patterns.sort();
        QCOMPARE(patterns,
                 (QStringList{QStringLiteral("consumer without producer"),
                              QStringLiteral("parent never arrived")}));
    }

    // The fingerprint names the problem, not the trace: the same N+1 in another trace (other
    // ids, other times) has the same one, and ignoring it leaves it out.
    // A server that ran, in a trace of its own, inside another service's call to its port: the
    // call's traceparent was lost.
    void lostPropagationAcrossTraces()
    {
        const auto server = [](TraceBuilder &b, double start, double duration, int port) {
            return b.add("GET /stock/{id}", -1, start, duration, SpanKind::Server,
                         {{"http.route", {std::string("/stock/{id}")}},
                          {"server.port", {std::int64_t(port)}}},
                         1);
        };
        TraceBuilder caller(1), callee(2), elsewhere(3), inside(4);
        const int checkout = caller.add("POST /checkout", -1, 0, 100, SpanKind::Server);
        caller.http(checkout, 10, 30, "http://stock:8001/stock/7"); // no child here
        server(callee, 11, 28, 8001);
        server(elsewhere, 11, 28, 9000); // another port: not this call
        const auto found = lostAcross({&caller, &callee, &elsewhere});
        QCOMPARE(found.size(), std::size_t(3));
        QVERIFY(found[0].empty());
        QVERIFY(found[2].empty());
        QCOMPARE(found[1].size(), std::size_t(1));
        const Insight &lost = found[1][0];
        QCOMPARE(lost.kind, InsightKind::BrokenPropagation);
        QCOMPARE(lost.pattern, std::string("traceparent lost: shop → stock"));
        QCOMPARE(lost.parentOperation, std::string("shop: GET"));
        QCOMPARE(lost.spans, std::vector<int>{0});
        QVERIFY(lost.message.find("0100000000000000") != std::string::npos); // the caller's trace

        // Outside the call's time, or a second server inside one call: no finding.
        TraceBuilder late(5), second(6);
        server(late, 45, 10, 8001);
        server(second, 12, 20, 8001);
        const auto fewer = lostAcross({&caller, &callee, &late, &second});
        QCOMPARE(fewer[1].size() + fewer[3].size(), std::size_t(1)); // the call is used once
        QVERIFY(fewer[2].empty());

        // A call with its server below it in the same trace is no loose end.
        const int call = inside.add("GET", -1, 0, 50, SpanKind::Client,
                                    {{"http.request.method", {std::string("GET")}},
                                     {"url.full", {std::string("http://stock:8001/stock/1")}}});
        inside.add("GET /stock/{id}", call, 1, 40, SpanKind::Server, {}, 1);
        const storage::TraceData &joined = inside.trace();
        QVERIFY(analysis::looseEnds(joined, SpanTree(joined)).empty());
    }

    void fingerprintsAreStableAndCanBeIgnored()
    {
        const auto build = [](double offset, int firstId) {
            TraceBuilder b;
            const int root = b.add("GET /orders", -1, offset, 100, SpanKind::Server);
            for (int i = 0; i < 6; ++i)
                b.query(root, offset + 5 + 10 * i, 5,
                        "SELECT * FROM items WHERE id = " + std::to_string(firstId + i));
            return b;
        };
        TraceBuilder one = build(0, 1), two = build(7, 100);
        const auto a = insightsOf(one, InsightKind::NPlusOneDb);
        const auto b = insightsOf(two, InsightKind::NPlusOneDb);
        QCOMPARE(a.size(), std::size_t(1));
        QCOMPARE(a[0].fingerprint, b[0].fingerprint);
        QCOMPARE(a[0].fingerprint.size(), std::size_t(16));
        const storage::TraceData &trace = one.trace();
        const SpanTree tree(trace);
        for (const Insight &insight : findInsights(trace, tree, {}, {a[0].fingerprint}))
            QVERIFY(insight.fingerprint != a[0].fingerprint);
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"

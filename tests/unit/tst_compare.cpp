// Two traces merged into one tree (TraceComparison), on crafted traces: subtrees added and
// removed, repeated siblings 5 → 148, siblings reordered, the same names under different
// parents, and the noise threshold; each checked against the whole tree as text.

#include "tracebuilder.h"

#include <compare.h>

#include <QTest>

using namespace spanscope;
using namespace spanscope::analysis;
using storage::SpanKind;
using testing::Ms;
using testing::TraceBuilder;

namespace {

std::string ms(std::int64_t ns)
{
    return std::to_string(ns / Ms) + "ms";
}

// One line per node in tree order: indented label, counts, durations, change.
QString lines(std::initializer_list<const char *> expected)
{
    QString out;
    for (const char *line : expected)
        out += QString::fromUtf8(line) + QLatin1Char('\n');
    return out;
}

QString render(const TraceComparison &comparison)
{
    QString out;
    for (const int n : comparison.treeOrder()) {
        const TraceComparison::Node &node = comparison.node(n);
        const std::string line = std::string(static_cast<std::size_t>(node.depth) * 2, ' ')
            + (n == 0 ? std::string("(trace)") : node.label()) + " " + std::to_string(node.count[0])
            + "→" + std::to_string(node.count[1]) + " " + ms(node.durationNs[0]) + "→"
            + ms(node.durationNs[1]) + " " + std::string(changeName(node.change));
        out += QString::fromStdString(line) + QLatin1Char('\n');
    }
    return out;
}

TraceComparison compare(TraceBuilder &a, TraceBuilder &b,
                        const TraceComparison::Options &options = {})
{
    const storage::TraceData &ta = a.trace();
    const storage::TraceData &tb = b.trace();
    return TraceComparison::build(ta, SpanTree(ta), tb, SpanTree(tb), options);
}

} // namespace

class TestCompare : public QObject
{
    Q_OBJECT
private slots:
    void addedRemovedAndRepeatedSiblings()
    {
        TraceBuilder a(1), b(2);
        const int rootA = a.add("GET /orders", -1, 0, 100, SpanKind::Server);
        a.query(rootA, 0, 10, "SELECT * FROM orders");
        for (int i = 0; i < 5; ++i)
            a.query(rootA, 10 + 2 * i, 2, "SELECT * FROM items WHERE id = " + std::to_string(i));
        a.http(rootA, 30, 20, "http://stock:8001/reserve");

        const int rootB = b.add("GET /orders", -1, 0, 400, SpanKind::Server);
        b.query(rootB, 0, 10, "SELECT * FROM orders");
        for (int i = 0; i < 148; ++i)
            b.query(rootB, 10 + 2 * i, 2, "SELECT * FROM items WHERE id = " + std::to_string(i));
        b.add("publish", rootB, 320, 5);

        const TraceComparison c = compare(a, b);
        const QString expected = lines({
            "(trace) 1→1 100ms→400ms slower",
            "  shop/GET /orders 1→1 100ms→400ms slower",
            "    shop/SELECT [SELECT * FROM items WHERE id = ?] 5→148 10ms→296ms slower",
            "    shop/GET [GET http://stock:8001/reserve] 1→0 20ms→0ms removed",
            "    shop/publish 0→1 0ms→5ms added",
            "    shop/SELECT [SELECT * FROM orders] 1→1 10ms→10ms same",
        });
        QCOMPARE(render(c), expected);

        // Where the root's difference comes from: the N+1's own time first.
        const int items = c.byImpact().front();
        QCOMPARE(c.node(items).count[TraceComparison::B], 148);
        QCOMPARE(c.path(items),
                 (std::vector<std::string>{"shop/GET /orders",
                                           "shop/SELECT [SELECT * FROM items WHERE id = ?]"}));
        QCOMPARE(c.node(items).ratio(), 29.6);
        const auto &spansB = c.node(items).spans[TraceComparison::B];
        QCOMPARE(spansB.size(), std::size_t(148));
        QCOMPARE(c.nodeOfSpan(TraceComparison::B, spansB.front()), items);
    }

    void reorderedSiblingsAndOneNameUnderTwoParents()
    {
        TraceBuilder a(1), b(2);
        const int rootA = a.add("POST /sync", -1, 0, 100, SpanKind::Server);
        const int loadA = a.add("load", rootA, 0, 40);
        a.query(loadA, 0, 10, "SELECT a FROM t");
        const int saveA = a.add("save", rootA, 50, 40);
        a.query(saveA, 50, 10, "SELECT a FROM t");

        const int rootB = b.add("POST /sync", -1, 0, 100, SpanKind::Server);
        const int saveB = b.add("save", rootB, 0, 40); // now first
        b.query(saveB, 0, 30, "SELECT a FROM t"); // slower here only
        const int loadB = b.add("load", rootB, 50, 40);
        b.query(loadB, 50, 10, "SELECT a FROM t");

        const QString expected = lines({
            "(trace) 1→1 100ms→100ms same",
            "  shop/POST /sync 1→1 100ms→100ms same",
            "    shop/load 1→1 40ms→40ms same",
            "      shop/SELECT [SELECT a FROM t] 1→1 10ms→10ms same",
            "    shop/save 1→1 40ms→40ms same",
            "      shop/SELECT [SELECT a FROM t] 1→1 10ms→30ms slower",
        });
        QCOMPARE(render(compare(a, b)), expected);
    }

    // A query is its statement whatever the span is named after, a URL its path whatever port
    // served it; errors are counted per side.
    void callsMatchAcrossRunsOfOtherFilesAndPorts()
    {
        TraceBuilder a(1), b(2);
        const int rootA = a.add("GET /stock", -1, 0, 100, SpanKind::Server);
        a.add("SELECT /tmp/run-1/shop.db", rootA, 0, 10, SpanKind::Client,
              {{"db.system", {std::string("sqlite")}},
               {"db.statement", {std::string("SELECT qty FROM stock WHERE sku = ?")}}});
        a.http(rootA, 20, 30, "http://127.0.0.1:41000/stock/7");
        const int rootB = b.add("GET /stock", -1, 0, 100, SpanKind::Server);
        b.add("SELECT /tmp/run-2/shop.db", rootB, 0, 10, SpanKind::Client,
              {{"db.system", {std::string("sqlite")}},
               {"db.statement", {std::string("SELECT qty FROM stock WHERE sku = ?")}}});
        const int call = b.http(rootB, 20, 30, "http://127.0.0.1:52000/stock/8");
        const TraceComparison c = compare(a, b);
        QCOMPARE(c.size(), 4); // the trace, the root, the query, the call
        const int matched = c.nodeOfSpan(TraceComparison::B, call);
        QCOMPARE(c.node(matched).count, (std::array<int, 2>{1, 1}));
        QCOMPARE(c.node(matched).change, TraceComparison::Change::Same);
        QCOMPARE(c.node(matched).errors, (std::array<int, 2>{0, 0}));
    }

    void smallDifferencesAreNoise()
    {
        const auto change = [](double msA, double msB) {
            TraceBuilder a(1), b(2);
            a.add("GET /", -1, 0, msA, SpanKind::Server);
            b.add("GET /", -1, 0, msB, SpanKind::Server);
            return compare(a, b).node(1).change;
        };
        QCOMPARE(change(100, 109), TraceComparison::Change::Same); // under 10 %
        QCOMPARE(change(100, 120), TraceComparison::Change::Slower);
        QCOMPARE(change(100, 80), TraceComparison::Change::Faster);
        QCOMPARE(change(2, 2.9), TraceComparison::Change::Same); // under 1 ms
        QCOMPARE(change(2, 3.5), TraceComparison::Change::Slower);

        TraceBuilder a(1), b(2);
        a.add("GET /", -1, 0, 100, SpanKind::Server);
        b.add("GET /", -1, 0, 104, SpanKind::Server);
        TraceComparison::Options strict;
        strict.noiseShare = 0.01;
        QCOMPARE(compare(a, b, strict).node(1).change, TraceComparison::Change::Slower);
    }
};

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"

// The waterfall's row structure: tree order with children by start time, collapse and expand,
// spans whose parent never arrived under a placeholder, parent cycles, and the depth cap; and
// what is computed on it: the critical path and search matches.

#include <criticalpath.h>
#include <tracesearch.h>
#include <waterfalllayout.h>

#include <QTest>

#include <numeric>

using namespace spanscope;
using ui::VisibleRows;
using ui::WaterfallLayout;

namespace {

// Builds a trace from (span, parent, start, end) with single-byte ids; parent 0 means root.
struct Spec
{
    int id, parent;
    std::int64_t start, end;
    bool error = false;
};

storage::TraceData trace(const std::vector<Spec> &specs)
{
    storage::TraceData data;
    for (const char *service : {"api", "db"}) {
        storage::Resource resource;
        resource.attributes = {{"service.name", {std::string(service)}}};
        data.resources.push_back(resource);
    }
    data.scopes.resize(1);
    data.summary.startNs = 1000;
    for (const Spec &spec : specs) {
        storage::StoredSpan stored;
        stored.span.spanId[7] = static_cast<std::uint8_t>(spec.id);
        stored.span.spanId[6] = static_cast<std::uint8_t>(spec.id >> 8);
        if (spec.parent) {
            stored.span.parentSpanId[7] = static_cast<std::uint8_t>(spec.parent);
            stored.span.parentSpanId[6] = static_cast<std::uint8_t>(spec.parent >> 8);
        }
        stored.span.name = "span " + std::to_string(spec.id);
        stored.span.startUnixNano = 1000 + spec.start;
        stored.span.endUnixNano = 1000 + spec.end;
        stored.span.statusCode
            = spec.error ? storage::StatusCode::Error : storage::StatusCode::Unset;
        stored.resource = spec.id % 2;
        data.spans.push_back(stored);
    }
    return data;
}

// The span ids of the given rows ("P" for a placeholder), with "." per depth level.
QString outline(const WaterfallLayout &layout, const storage::TraceData &data,
                const std::vector<int> &rows)
{
    QStringList parts;
    for (const int row : rows) {
        const QString name = layout.isPlaceholder(row)
            ? QStringLiteral("P")
            : QString::number(data.spans[layout.span(row)].span.spanId[7]
                              | data.spans[layout.span(row)].span.spanId[6] << 8);
        parts << QString(layout.depth(row), QLatin1Char('.')) + name;
    }
    return parts.join(QLatin1Char(' '));
}

// Makes spans `ids` database calls of one service, named `name`, running `statement` with the
// literal `literal`.
void makeQueries(storage::TraceData &data, std::initializer_list<int> ids,
                 const std::string &statement)
{
    for (storage::StoredSpan &stored : data.spans) {
        const int id = stored.span.spanId[7] | stored.span.spanId[6] << 8;
        if (std::find(ids.begin(), ids.end(), id) == ids.end())
            continue;
        stored.span.name = "SELECT shop";
        stored.resource = 1;
        stored.span.kind = storage::SpanKind::Client;
        stored.span.attributes = {{"db.system", {std::string("postgresql")}},
                                  {"db.statement", {statement + std::to_string(id)}}};
    }
}

std::vector<int> allRows(const WaterfallLayout &layout)
{
    std::vector<int> rows(layout.rowCount());
    std::iota(rows.begin(), rows.end(), 0);
    return rows;
}

} // namespace

class TestWaterfallLayout : public QObject
{
    Q_OBJECT
private slots:
    void treeOrderWithChildrenByStart()
    {
        // Arrival order is scrambled; children are laid out by start time.
        const auto data = trace(
            {{4, 2, 50, 60}, {2, 1, 40, 90}, {1, 0, 0, 100}, {3, 1, 10, 30}, {5, 3, 12, 20}});
        const auto layout = WaterfallLayout::build(data);
        QCOMPARE(outline(layout, data, allRows(layout)), QStringLiteral("1 .3 ..5 .2 ..4"));
        QCOMPARE(layout.durationNs(), 100);
        QCOMPARE(layout.parent(0), -1);
        QCOMPARE(layout.parent(2), 1);
        QCOMPARE(layout.subtreeEnd(0), 5);
        QCOMPARE(layout.subtreeEnd(1), 3);
        QCOMPARE(layout.start(4), 50);
        QVERIFY(layout.flags(0) & WaterfallLayout::HasChildren);
        QVERIFY(!(layout.flags(4) & WaterfallLayout::HasChildren));
        QCOMPARE(layout.services(), (std::vector<std::string>{"api", "db"}));
        QCOMPARE(layout.services()[layout.service(0)],
                 std::string("db")); // span 1: odd id, resource 1
        for (int span = 0; span < 5; ++span)
            QCOMPARE(layout.span(layout.rowOfSpan(span)), span);
    }

    void collapseAndExpand()
    {
        const auto data = trace(
            {{1, 0, 0, 100}, {2, 1, 10, 50}, {3, 2, 20, 30}, {4, 1, 60, 90}, {5, 4, 70, 80}});
        const auto layout = WaterfallLayout::build(data);
        VisibleRows rows(layout);
        QCOMPARE(outline(layout, data, rows.rows()), QStringLiteral("1 .2 ..3 .4 ..5"));
        rows.setCollapsed(1, true);
        QCOMPARE(outline(layout, data, rows.rows()), QStringLiteral("1 .2 .4 ..5"));
        rows.collapseAll();
        QCOMPARE(outline(layout, data, rows.rows()), QStringLiteral("1"));
        rows.setCollapsed(0, false);
        QCOMPARE(outline(layout, data, rows.rows()), QStringLiteral("1 .2 .4"));
        rows.expandAll();
        QCOMPARE(rows.rows().size(), size_t(5));
        rows.setCollapsed(99, true); // out of range: ignored
        QCOMPARE(rows.rows().size(), size_t(5));
    }

    void missingParentsGetPlaceholders()
    {
        // 2 and 3 share a parent (9) that never arrived; 5's parent (8) is missing too.
        const auto data
            = trace({{1, 0, 0, 100}, {2, 9, 30, 40, true}, {3, 9, 20, 25}, {5, 8, 5, 15}});
        const auto layout = WaterfallLayout::build(data);
        QCOMPARE(outline(layout, data, allRows(layout)), QStringLiteral("1 P .5 P .3 .2"));
        const int placeholder = 3;
        QVERIFY(layout.isPlaceholder(placeholder));
        QVERIFY(layout.flags(placeholder) & WaterfallLayout::MissingParent);
        QCOMPARE(layout.start(placeholder), 20);
        QCOMPARE(layout.end(placeholder), 40);
        QVERIFY(layout.flags(5) & WaterfallLayout::Error);
    }

    void parentCyclesAreShownNotLost()
    {
        // 2 -> 3 -> 2 is a cycle, and 4 is its own parent.
        const auto data = trace({{1, 0, 0, 100}, {2, 3, 10, 20}, {3, 2, 30, 40}, {4, 4, 50, 60}});
        const auto layout = WaterfallLayout::build(data);
        QCOMPARE(layout.rowCount(), 5);
        const int placeholder = 1;
        QVERIFY(layout.flags(placeholder) & WaterfallLayout::ParentCycle);
        QCOMPARE(outline(layout, data, allRows(layout)), QStringLiteral("1 P .2 ..3 .4"));
    }

    void deepTreesAreCappedNotOverflowed()
    {
        std::vector<Spec> chain;
        const int length = 20000; // far deeper than a recursive layout would survive
        for (int i = 1; i <= length; ++i)
            chain.push_back({i, i - 1, i, 2 * length - i});
        // Ids wrap at 16 bits in this helper; 20000 fits.
        const auto data = trace(chain);
        const auto layout = WaterfallLayout::build(data);
        QCOMPARE(layout.rowCount(), length);
        QCOMPARE(layout.depth(length - 1), WaterfallLayout::MaxDepth);
        QVERIFY(layout.flags(length - 1) & WaterfallLayout::DepthCapped);
        QVERIFY(!(layout.flags(WaterfallLayout::MaxDepth) & WaterfallLayout::DepthCapped));
        QCOMPARE(layout.subtreeEnd(0), length);
    }

    void revealExpandsTheAncestors()
    {
        const auto data = trace({{1, 0, 0, 100}, {2, 1, 10, 50}, {3, 2, 20, 30}, {4, 1, 60, 90}});
        const auto layout = WaterfallLayout::build(data);
        VisibleRows rows(layout);
        rows.collapseAll();
        QCOMPARE(rows.rows().size(), size_t(1));
        rows.reveal(layout.rowOfSpan(2)); // span 3
        QCOMPARE(outline(layout, data, rows.rows()), QStringLiteral("1 .2 ..3 .4"));
    }

    // From the root's end backwards: B finishes last, so it is on the path; C ran inside B's
    // time and is not; A covers what is left before B started. Inside B, D is on the path.
    void criticalPathFollowsTheLastFinishingChild()
    {
        const auto data = trace({{1, 0, 0, 100}, // root
                                 {2, 1, 0, 40}, // A
                                 {3, 1, 30, 90}, // B
                                 {4, 1, 50, 60}, // C
                                 {5, 3, 35, 85}, // D under B
                                 {6, 3, 31, 33}}); // E under B, before D
        const auto layout = WaterfallLayout::build(data);
        const auto onPath = ui::criticalPath(layout);
        QCOMPARE(onPath.size(), size_t(layout.rowCount()));
        std::vector<int> path;
        for (int row = 0; row < layout.rowCount(); ++row) {
            if (onPath[row])
                path.push_back(row);
        }
        QCOMPARE(outline(layout, data, path), QStringLiteral("1 .2 .3 ..6 ..5"));
    }

    void criticalPathCoversEveryTopLevelTree()
    {
        // Span 3's parent never arrived: its placeholder tree gets a path too.
        const auto data = trace({{1, 0, 0, 100}, {2, 1, 10, 20}, {3, 9, 40, 70}});
        const auto layout = WaterfallLayout::build(data);
        const auto onPath = ui::criticalPath(layout);
        QVERIFY(onPath[layout.rowOfSpan(2)]); // span 3
        QVERIFY(onPath[layout.rowOfSpan(0)]);
    }

    void searchMatchesNamesAttributesEventsAndResources()
    {
        auto data = trace({{1, 0, 0, 100}, {2, 1, 10, 50}, {3, 1, 60, 90}, {4, 8, 5, 6}});
        data.spans[0].span.name = "POST /Checkout";
        data.spans[1].span.attributes = {{"db.query.text", {std::string("SELECT * FROM stock")}}};
        data.spans[2].span.events.push_back({95, "cache.miss", {}, 0});
        data.resources[1].attributes.push_back({"host.name", {std::string("box-7")}});
        const auto layout = WaterfallLayout::build(data);
        const auto rowsOf = [&](const char *needle) {
            std::vector<int> spans;
            for (const int row : ui::findMatchingRows(data, layout, QString::fromUtf8(needle)))
                spans.push_back(data.spans[layout.span(row)].span.spanId[7]);
            return spans;
        };
        QCOMPARE(rowsOf("checkout"), std::vector<int>{1}); // any case
        QCOMPARE(rowsOf("from STOCK"), std::vector<int>{2}); // attribute value
        QCOMPARE(rowsOf("query.text"), std::vector<int>{2}); // attribute key
        QCOMPARE(rowsOf("cache.miss"), std::vector<int>{3}); // event name
        QCOMPARE(rowsOf("box-7"), (std::vector<int>{1, 3})); // resource of the odd spans
        QVERIFY(rowsOf("nothing like this").empty());
        QVERIFY(rowsOf("  ").empty());
        // Spans 2, 3 and 4 keep "span N" names; span 4's placeholder parent never matches.
        const auto named = ui::findMatchingRows(data, layout, QStringLiteral("span "));
        QCOMPARE(named.size(), size_t(3));
        for (const int row : named)
            QVERIFY(!layout.isPlaceholder(row));
    }

    void repeatedSiblingsFoldIntoOneRow()
    {
        // Under 1: eight queries of one statement (3 of them with a child), another call, then
        // three more of the same statement, too few to fold.
        std::vector<Spec> specs{{1, 0, 0, 1000}};
        for (int id = 2; id <= 9; ++id)
            specs.push_back({id, 1, id * 10, id * 10 + 5, id == 4});
        specs.push_back({30, 3, 31, 33}); // a child of the second query
        specs.push_back({10, 1, 100, 110});
        for (int id = 11; id <= 13; ++id)
            specs.push_back({id, 1, id * 10, id * 10 + 5});
        auto data = trace(specs);
        makeQueries(data, {2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13},
                    "SELECT id, name FROM items WHERE id = ");
        const auto layout = WaterfallLayout::build(data);
        QCOMPARE(layout.runs().size(), size_t(1));
        const WaterfallLayout::Run &run = layout.runs().front();
        QCOMPARE(run.count, 8);
        QCOMPARE(run.first, 1);
        QCOMPARE(layout.span(run.last), 8); // span 9, the eighth query
        QCOMPARE(run.end, 10); // past span 9, with span 30 inside
        QCOMPARE(run.totalNs, 8 * 5);
        QCOMPARE(run.errors, 1);
        QCOMPARE(run.pattern, std::string("SELECT id, name FROM items WHERE id = ?"));
        QCOMPARE(layout.runOf(2), 0);
        QCOMPARE(layout.runOf(3), -1); // span 30: a child, not one of the run
        QCOMPARE(layout.runOf(11), -1);

        VisibleRows rows(layout);
        QCOMPARE(outline(layout, data, rows.rows()), QStringLiteral("1 .2 .10 .11 .12 .13"));
        QCOMPARE(rows.foldedRunAt(1), 0);
        QCOMPARE(rows.foldedRunAt(2), -1);
        rows.setFolded(0, false);
        QCOMPARE(rows.rows().size(), size_t(layout.rowCount()));
        QCOMPARE(rows.foldedRunAt(1), -1);
        rows.setAllFolded(true);
        QCOMPARE(rows.rows().size(), size_t(6));
        // Showing a span of the run, or one below it, unfolds it; the first stays shown folded.
        rows.reveal(1);
        QVERIFY(rows.isFolded(0));
        rows.reveal(layout.rowOfSpan(9)); // span 30, the tenth spec
        QVERIFY(!rows.isFolded(0));
        QCOMPARE(rows.rows().size(), size_t(layout.rowCount()));

        VisibleRows unfolded(layout, false);
        QCOMPARE(unfolded.rows().size(), size_t(layout.rowCount()));
        // A collapsed parent hides a folded run as it hides any child.
        rows.setAllFolded(true);
        rows.setCollapsed(0, true);
        QCOMPARE(outline(layout, data, rows.rows()), QStringLiteral("1"));
    }

    void runsSplitWhereTheCallChanges()
    {
        // Twelve siblings of one name: six run one statement, six another; then five of a third.
        std::vector<Spec> specs{{1, 0, 0, 1000}};
        for (int id = 2; id <= 18; ++id)
            specs.push_back({id, 1, id * 10, id * 10 + 5});
        auto data = trace(specs);
        makeQueries(data, {2, 3, 4, 5, 6, 7}, "SELECT * FROM items WHERE id = ");
        makeQueries(data, {8, 9, 10, 11, 12, 13}, "SELECT * FROM stock WHERE item = ");
        makeQueries(data, {14, 15, 16, 17, 18}, "SELECT * FROM prices WHERE item = ");
        const auto layout = WaterfallLayout::build(data);
        QCOMPARE(layout.runs().size(), size_t(2));
        QCOMPARE(layout.runs()[0].pattern, std::string("SELECT * FROM items WHERE id = ?"));
        QCOMPARE(layout.runs()[1].pattern, std::string("SELECT * FROM stock WHERE item = ?"));
        QCOMPARE(layout.runs()[1].first, 7);
        QCOMPARE(layout.runs()[1].count, 6);
        VisibleRows rows(layout);
        QCOMPARE(outline(layout, data, rows.rows()), QStringLiteral("1 .2 .8 .14 .15 .16 .17 .18"));
        // Siblings of one name but different services do not fold either.
        for (int i = 1; i <= 6; i += 2)
            data.spans[i].resource = 0;
        QCOMPARE(WaterfallLayout::build(data).runs().size(), size_t(1));
    }

    void emptyTrace()
    {
        const auto layout = WaterfallLayout::build(storage::TraceData{});
        QCOMPARE(layout.rowCount(), 0);
        VisibleRows rows(layout);
        QVERIFY(rows.rows().empty());
    }
};

QTEST_GUILESS_MAIN(TestWaterfallLayout)
#include "tst_waterfalllayout.moc"

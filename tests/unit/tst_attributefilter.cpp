// Attribute filters: the clause language (AND, =, !=, <, <=, >, >=, exists, quotes), the
// traces and log records they find in a real store, and the keys and values offered for
// completion.

#include <attributefilter.h>
#include <spanwriter.h>
#include <tracestore.h>

#include <QTemporaryDir>
#include <QTest>

using namespace spanscope::storage;

Q_DECLARE_METATYPE(std::vector<AttributeCondition>)

namespace {

AnyValue text(const char *value)
{
    return AnyValue{std::string(value)};
}

AnyValue integer(std::int64_t value)
{
    return AnyValue{value};
}

// One span per trace: trace n is GET /orders/n by service `service`, with the attributes given.
Span span(int n, Attributes attributes)
{
    Span out;
    out.traceId[15] = static_cast<std::uint8_t>(n);
    out.spanId[7] = static_cast<std::uint8_t>(n);
    out.name = "GET /orders";
    out.startUnixNano = 1'700'000'000'000'000'000ull + std::uint64_t(n) * 1'000'000;
    out.endUnixNano = out.startUnixNano + 500'000;
    out.attributes = std::move(attributes);
    return out;
}

ScopedSpans group(const char *service, const char *version, std::vector<Span> spans)
{
    ScopedSpans out;
    out.resource.attributes = {{"service.name", text(service)}, {"service.version", text(version)}};
    out.scope.name = "test";
    out.spans = std::move(spans);
    return out;
}

} // namespace

class TestAttributeFilter : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<TraceStore> m_store;

    // The last bytes of the ids of the traces the clauses find, in trace order.
    std::vector<int> tracesWhere(const char *clauses)
    {
        auto parsed = parseAttributeConditions(clauses);
        if (!parsed)
            qFatal("%s: %s", clauses, parsed.error().c_str());
        TraceFilter filter;
        filter.attributes = *parsed;
        filter.descending = false;
        auto found = m_store->findTraces(filter);
        if (!found)
            qFatal("%s", found.error().c_str());
        std::vector<int> out;
        for (const TraceSummary &summary : *found)
            out.push_back(summary.traceId[15]);
        return out;
    }

    std::vector<std::string> logBodiesWhere(const char *clauses)
    {
        LogFilter filter;
        filter.attributes = *parseAttributeConditions(clauses);
        filter.order = LogOrder::ByTime;
        std::vector<std::string> out;
        auto page = m_store->findLogs(filter);
        if (!page)
            qFatal("%s", page.error().c_str());
        for (const StoredLog &log : page->logs)
            out.push_back(std::get<std::string>(log.record.body.value));
        return out;
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("attributes.db"));
        auto writer = SpanWriter::open(m_path.toStdString(), {});
        QVERIFY(writer);
        TraceBatch traces;
        // Twice each status and route, so that values enter the dictionary as well as inline.
        traces.groups.push_back(
            group("checkout", "1.4",
                  {span(1, {{"http.route", text("/orders")}, {"http.status_code", integer(200)}}),
                   span(2,
                        {{"http.route", text("/orders")},
                         {"http.status_code", integer(503)},
                         {"retry.delay", AnyValue{1.5}}}),
                   span(3,
                        {{"http.route", text("/pay")},
                         {"http.status_code", integer(500)},
                         {"user.tier", text("gold AND silver")}})}));
        traces.groups.push_back(
            group("inventory", "2.0",
                  {span(4,
                        {{"http.route", text("/stock")},
                         {"http.status_code", text("404")},
                         {"cache.hit", AnyValue{true}}}),
                   span(5, {{"http.route", text("/stock")}, {"http.status_code", text("404")}})}));
        QVERIFY((*writer)->writeTraces(std::move(traces)).committed());

        LogBatch logs;
        ScopedLogs records;
        records.resource.attributes = {{"service.name", text("checkout")}};
        const std::pair<const char *, Attributes> lines[] = {
            {"charge failed", {{"code.function", text("charge")}, {"attempt", integer(3)}}},
            {"charge ok", {{"code.function", text("charge")}, {"attempt", integer(1)}}},
            {"stock low", {{"code.function", text("reserve")}}},
        };
        std::uint64_t time = 1'700'000'000'000'000'000ull;
        for (const auto &[body, attributes] : lines) {
            LogRecord record;
            record.timeUnixNano = ++time;
            record.body = text(body);
            record.attributes = attributes;
            records.records.push_back(std::move(record));
        }
        logs.groups.push_back(std::move(records));
        QVERIFY((*writer)->writeLogs(std::move(logs)).committed());
        (*writer)->shutdown();
        auto store = TraceStore::open(m_path.toStdString());
        QVERIFY(store);
        m_store = std::move(*store);
    }

    void clausesAreRead_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<std::vector<AttributeCondition>>("expected");
        using Op = AttributeOp;
        QTest::newRow("key alone")
            << "http.route" << std::vector<AttributeCondition>{{"http.route", Op::Exists, ""}};
        QTest::newRow("exists") << "user.id exists"
                                << std::vector<AttributeCondition>{{"user.id", Op::Exists, ""}};
        QTest::newRow("spaces around")
            << "  http.route = /orders  "
            << std::vector<AttributeCondition>{{"http.route", Op::Equals, "/orders", 0}};
        QTest::newRow("and, any case")
            << "http.route=/orders and http.status_code>=500 AND retry.delay<2.5"
            << std::vector<AttributeCondition>{{"http.route", Op::Equals, "/orders", 0},
                                               {"http.status_code", Op::GreaterOrEqual, "500", 500},
                                               {"retry.delay", Op::Less, "2.5", 2.5}};
        QTest::newRow("every operator")
            << "a!=x AND b>1 AND c<=-2 AND d==y AND e<3 AND f>=4"
            << std::vector<AttributeCondition>{
                   {"a", Op::NotEquals, "x", 0},     {"b", Op::Greater, "1", 1},
                   {"c", Op::LessOrEqual, "-2", -2}, {"d", Op::Equals, "y", 0},
                   {"e", Op::Less, "3", 3},          {"f", Op::GreaterOrEqual, "4", 4}};
        QTest::newRow("quoted value keeps AND")
            << "user.tier=\"gold AND silver\" AND msg=\"say \\\"hi\\\"\""
            << std::vector<AttributeCondition>{{"user.tier", Op::Equals, "gold AND silver", 0},
                                               {"msg", Op::Equals, "say \"hi\"", 0}};
        QTest::newRow("value with spaces")
            << "db.statement=SELECT 1 FROM t"
            << std::vector<AttributeCondition>{{"db.statement", Op::Equals, "SELECT 1 FROM t", 0}};
        QTest::newRow("empty value")
            << "tag= AND b exists"
            << std::vector<AttributeCondition>{{"tag", Op::Equals, "", 0}, {"b", Op::Exists, ""}};
        QTest::newRow("nothing") << "   " << std::vector<AttributeCondition>{};
    }

    void clausesAreRead()
    {
        QFETCH(QString, text);
        QFETCH(std::vector<AttributeCondition>, expected);
        auto parsed = parseAttributeConditions(text.toStdString());
        QVERIFY2(parsed, parsed ? "" : parsed.error().c_str());
        QCOMPARE(parsed->size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE((*parsed)[i].key, expected[i].key);
            QCOMPARE(int((*parsed)[i].op), int(expected[i].op));
            QCOMPARE((*parsed)[i].value, expected[i].value);
            QCOMPARE((*parsed)[i].number, expected[i].number);
            // What clauseText writes reads back the same.
            auto again = parseAttributeConditions(clauseText((*parsed)[i]));
            QVERIFY(again && again->size() == 1 && (*again)[0] == (*parsed)[i]);
        }
    }

    void badClausesSayWhy_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("number operator") << "http.status_code>=five"
                                         << "needs a number";
        QTest::newRow("dangling AND") << "a=1 AND"
                                      << "ends with AND";
        QTest::newRow("no operator") << "http.route /orders"
                                     << "Expected =";
        QTest::newRow("no key") << "=5"
                                << "needs an attribute key";
        QTest::newRow("open quote") << "a=\"x"
                                    << "not closed";
        QTest::newRow("too many") << "a AND b AND c AND d AND e AND f AND g AND h AND i"
                                  << "At most 8";
    }

    void badClausesSayWhy()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        auto parsed = parseAttributeConditions(text.toStdString());
        QVERIFY(!parsed);
        QVERIFY2(QString::fromStdString(parsed.error()).contains(says), parsed.error().c_str());
    }

    void tracesMatchEveryClause()
    {
        QCOMPARE(tracesWhere("http.route=/orders"), (std::vector<int>{1, 2}));
        QCOMPARE(tracesWhere("http.route=/orders AND http.status_code>=500"),
                 (std::vector<int>{2}));
        QCOMPARE(tracesWhere("http.status_code>=500"), (std::vector<int>{2, 3}));
        QCOMPARE(tracesWhere("http.status_code<500"), (std::vector<int>{1, 4, 5}));
        QCOMPARE(tracesWhere("http.status_code=404"), (std::vector<int>{4, 5}));
        QCOMPARE(tracesWhere("http.route!=/orders"), (std::vector<int>{3, 4, 5}));
        QCOMPARE(tracesWhere("retry.delay>1 AND retry.delay<=1.5"), (std::vector<int>{2}));
        QCOMPARE(tracesWhere("retry.delay=1.5"), (std::vector<int>{2}));
        QCOMPARE(tracesWhere("cache.hit=true"), (std::vector<int>{4}));
        QCOMPARE(tracesWhere("cache.hit"), (std::vector<int>{4}));
        QCOMPARE(tracesWhere("user.tier=\"gold AND silver\""), (std::vector<int>{3}));
        // Resource attributes count for each span of the resource.
        QCOMPARE(tracesWhere("service.version=2.0 AND http.status_code=404"),
                 (std::vector<int>{4, 5}));
        QCOMPARE(tracesWhere("service.version!=2.0"), (std::vector<int>{1, 2, 3}));
        QCOMPARE(tracesWhere("service.version>=1.5"), (std::vector<int>{4, 5}));
        // A key never stored, or a value no span has, finds nothing.
        QCOMPARE(tracesWhere("nobody.has=this"), std::vector<int>{});
        QCOMPARE(tracesWhere("http.route=/nowhere"), std::vector<int>{});
    }

    void logRecordsMatchEveryClause()
    {
        QCOMPARE(logBodiesWhere("code.function=charge"),
                 (std::vector<std::string>{"charge failed", "charge ok"}));
        QCOMPARE(logBodiesWhere("code.function=charge AND attempt>1"),
                 (std::vector<std::string>{"charge failed"}));
        QCOMPARE(logBodiesWhere("attempt exists"),
                 (std::vector<std::string>{"charge failed", "charge ok"}));
        QCOMPARE(logBodiesWhere("service.name=checkout AND code.function!=charge"),
                 (std::vector<std::string>{"stock low"}));
    }

    void completionOffersKeysAndValues()
    {
        auto keys = m_store->attributeKeys(AttributeSource::Spans);
        QVERIFY(keys);
        for (const char *key : {"http.route", "http.status_code", "retry.delay", "service.name",
                                "service.version", "cache.hit"})
            QVERIFY2(std::find(keys->begin(), keys->end(), key) != keys->end(), key);
        QVERIFY(std::is_sorted(keys->begin(), keys->end()));
        QVERIFY(std::find(keys->begin(), keys->end(), "attempt") == keys->end()); // a log key
        auto values = m_store->attributeValues(AttributeSource::Spans, "http.route");
        QVERIFY(values);
        // Most frequent first; ties in text order.
        QCOMPARE(*values, (std::vector<std::string>{"/orders", "/stock", "/pay"}));
        auto statuses = m_store->attributeValues(AttributeSource::Spans, "http.status_code");
        QCOMPARE(statuses->front(), std::string("404"));
        auto logKeys = m_store->attributeKeys(AttributeSource::Logs);
        QVERIFY(std::find(logKeys->begin(), logKeys->end(), "attempt") != logKeys->end());
        QCOMPARE(*m_store->attributeValues(AttributeSource::Logs, "code.function"),
                 (std::vector<std::string>{"charge", "reserve"}));
    }
};

QTEST_GUILESS_MAIN(TestAttributeFilter)
#include "tst_attributefilter.moc"

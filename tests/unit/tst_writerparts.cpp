// The writer's parts, each on a real database file without the writer around it: the dictionary
// (keys at once, values on their second sight, nothing stale after a rollback), the per-trace
// summaries (folded across commits, the root label, the services cap), retention (oldest
// unpinned traces first, counted) and the log-text index (added in the transaction, backfilled
// once when the migration's marker says so).

#include <counters.h>
#include <database.h>
#include <spanwriter.h>
#include <tracestore.h>
#include <valuecodec.h>
#include <writer/dictionary.h>
#include <writer/logtextindex.h>
#include <writer/retention.h>
#include <writer/tracesummaries.h>

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace spanscope;
using namespace spanscope::storage;

namespace {

std::int64_t single(const Database &db, const std::string &sql)
{
    Statement query(db, sql);
    return query.next() ? query.integer(0) : -1;
}

std::string text(const Database &db, const std::string &sql)
{
    Statement query(db, sql);
    return query.next() ? std::string(query.text(0)) : std::string();
}

// A trace row as the writer creates it on first sight: empty, to be summarised.
std::int64_t newTraceRow(Database &db, std::uint8_t id)
{
    TraceId traceId{};
    traceId[0] = id;
    Statement insert(db,
                     "INSERT INTO traces(trace_id, base_ns, start_ns, end_ns, span_count, "
                     "error_count, log_count, has_root, root_service, root_name, services, "
                     "received_ns, updated_seq, source) VALUES (?,0,0,0,0,0,0,0,'','','',0,0,'')");
    insert.bindBlob(1, traceId.data(), traceId.size()).run();
    return single(db, "SELECT max(trace_key) FROM traces");
}

Span span(const std::string &name, bool root, std::int64_t start, std::int64_t end)
{
    Span out;
    out.name = name;
    out.spanId[0] = static_cast<std::uint8_t>(start);
    if (!root)
        out.parentSpanId[0] = 0xFF;
    out.startUnixNano = static_cast<std::uint64_t>(start);
    out.endUnixNano = static_cast<std::uint64_t>(end);
    return out;
}

} // namespace

class TestWriterParts : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_count = 0;
    std::unique_ptr<Database> m_db;

private slots:
    void init()
    {
        auto db = Database::open(
            m_dir.filePath(QStringLiteral("parts%1.db").arg(++m_count)).toStdString(),
            Database::Mode::ReadWrite);
        QVERIFY(db);
        m_db = std::move(*db);
    }
    void cleanup() { m_db.reset(); }

    void dictionaryInternsKeysAtOnceAndValuesOnTheirSecondSight()
    {
        TransactionError error(*m_db);
        Dictionary dictionary(*m_db, error);
        QCOMPARE(dictionary.prepareError(), std::string());
        const std::uint64_t route = dictionary.internKey("http.route");
        QVERIFY(route > 0);
        QCOMPARE(dictionary.internKey("http.route"), route);
        // A value stays inline the first time, becomes a reference the second time.
        QCOMPARE(dictionary.internValue("http.route", "/orders/{id}"), std::uint64_t(0));
        const std::uint64_t value = dictionary.internValue("http.route", "/orders/{id}");
        QVERIFY(value > 0 && value != route);
        // Long values never enter the dictionary.
        const std::string longValue(Dictionary::MaxInternedValueLength + 1, 'x');
        QCOMPARE(dictionary.internValue("k", longValue), std::uint64_t(0));
        QCOMPARE(dictionary.internValue("k", longValue), std::uint64_t(0));
        QVERIFY(!error.failed());

        // Another dictionary on the same file finds the stored ids.
        Dictionary again(*m_db, error);
        QCOMPARE(again.internKey("http.route"), route);
        QCOMPARE(text(*m_db, "SELECT value FROM strings WHERE id = " + std::to_string(value)),
                 std::string("/orders/{id}"));
    }

    void dictionaryForgetsIdsOfARolledBackTransaction()
    {
        TransactionError error(*m_db);
        Dictionary dictionary(*m_db, error);
        QVERIFY(m_db->exec("BEGIN IMMEDIATE"));
        const std::uint64_t lost = dictionary.internKey("db.statement");
        QVERIFY(m_db->exec("ROLLBACK"));
        dictionary.forget();
        QVERIFY(m_db->exec("BEGIN IMMEDIATE"));
        const std::uint64_t kept = dictionary.internKey("db.statement");
        QVERIFY(m_db->exec("COMMIT"));
        QVERIFY(lost > 0 && kept > 0);
        QCOMPARE(text(*m_db, "SELECT value FROM strings WHERE id = " + std::to_string(kept)),
                 std::string("db.statement"));
    }

    // A trace sent in two commits: a child first (its name labels the trace), then the root,
    // which takes over the label; counts and the time range add up.
    void summariesFoldEachCommitIntoTheStoredRow()
    {
        TransactionError error(*m_db);
        TraceSummaries summaries(*m_db, error);
        QCOMPARE(summaries.prepareError(), std::string());
        const std::int64_t key = newTraceRow(*m_db, 1);
        summaries.markNew(key);
        Span child = span("SELECT orders", false, 20, 50);
        child.statusCode = StatusCode::Error;
        summaries.addSpan(key, child, 20, 50, "db", "db");
        summaries.addLog(key);
        summaries.flush(7);
        QVERIFY(!error.failed());
        const std::string row = "FROM traces WHERE trace_key = " + std::to_string(key);
        QCOMPARE(text(*m_db, "SELECT root_name " + row), std::string("SELECT orders"));
        QCOMPARE(single(*m_db, "SELECT has_root " + row), 0);
        QCOMPARE(single(*m_db, "SELECT updated_seq " + row), 7);

        summaries.addSpan(key, span("GET /orders", true, 10, 90), 10, 90, "web", "web");
        summaries.flush(8);
        QCOMPARE(text(*m_db, "SELECT root_name " + row), std::string("GET /orders"));
        QCOMPARE(text(*m_db, "SELECT root_service " + row), std::string("web"));
        QCOMPARE(single(*m_db, "SELECT has_root " + row), 1);
        QCOMPARE(single(*m_db, "SELECT span_count " + row), 2);
        QCOMPARE(single(*m_db, "SELECT error_count " + row), 1);
        QCOMPARE(single(*m_db, "SELECT log_count " + row), 1);
        QCOMPARE(single(*m_db, "SELECT start_ns " + row), 10);
        QCOMPARE(single(*m_db, "SELECT end_ns " + row), 90);
        QCOMPARE(single(*m_db, "SELECT updated_seq " + row), 8);
    }

    // However many services a trace names, its summary keeps MaxSummaryServices and says
    // there are more; the separator never reaches a listed name.
    void summariesCapTheServicesAndEscapeTheSeparator()
    {
        TransactionError error(*m_db);
        TraceSummaries summaries(*m_db, error);
        const std::int64_t key = newTraceRow(*m_db, 2);
        summaries.markNew(key);
        for (int i = 0; i < 70; ++i) {
            const std::string service = "svc" + std::to_string(100 + i);
            summaries.addSpan(key, span("work", false, 10 + i, 20 + i), 10 + i, 20 + i, service,
                              service);
        }
        summaries.flush(1);
        const std::string row = "FROM traces WHERE trace_key = " + std::to_string(key);
        QCOMPARE(single(*m_db, "SELECT more_services " + row), 1);
        const std::string services = text(*m_db, "SELECT services " + row);
        QCOMPARE(std::count(services.begin(), services.end(), ServiceSeparator) + 1,
                 std::ptrdiff_t(MaxSummaryServices));
        QCOMPARE(TraceSummaries::listedName(std::string("a") + ServiceSeparator + "b"),
                 std::string("a?b"));
    }

    // Over budget: the oldest unpinned traces go first, with their spans, and are counted; a
    // pinned trace stays.
    void retentionEvictsTheOldestUnpinnedTracesAndCountsThem()
    {
        const std::string path = m_db->path();
        m_db.reset();
        {
            auto writer = SpanWriter::open(path, {});
            QVERIFY(writer);
            for (int i = 0; i < 300; ++i) {
                TraceBatch batch;
                batch.groups.emplace_back();
                Span root = span("job", true, 1000 + i, 2000 + i);
                root.traceId[0] = static_cast<std::uint8_t>(i);
                root.traceId[1] = static_cast<std::uint8_t>(i >> 8);
                root.traceId[15] = 1;
                root.attributes = {{"payload", {std::string(2000, char('a' + i % 26))}}};
                batch.groups[0].spans.push_back(root);
                QVERIFY((*writer)->writeTraces(std::move(batch)).committed());
            }
        }
        auto db = Database::open(path, Database::Mode::ReadWrite);
        QVERIFY(db);
        m_db = std::move(*db);
        QVERIFY(m_db->exec("UPDATE traces SET pinned = 1 WHERE trace_key = 1"));
        Retention retention(*m_db);
        QVERIFY(!retention.enforce(std::int64_t(1) << 30)); // within a large budget
        const std::int64_t used = m_db->usedBytes();
        QVERIFY(retention.enforce(used / 2));
        QVERIFY(m_db->usedBytes() <= used / 2);
        const std::int64_t left = single(*m_db, "SELECT count(*) FROM traces");
        QVERIFY(left > 0 && left < 300);
        QCOMPARE(single(*m_db, "SELECT pinned FROM traces WHERE trace_key = 1"), 1);
        // The oldest unpinned went first: what is left is the newest.
        QCOMPARE(single(*m_db, "SELECT min(trace_key) FROM traces WHERE pinned = 0"),
                 300 - left + 2);
        QCOMPARE(single(*m_db, "SELECT count(*) FROM spans"), left);
        QCOMPARE(single(*m_db,
                        std::string("SELECT value FROM counters WHERE name = '")
                            + counters::TracesEvicted + "'"),
                 300 - left);
    }

    void logTextIndexFindsBodiesAsShown()
    {
        TransactionError error(*m_db);
        LogTextIndex index(*m_db, error);
        QCOMPARE(index.prepareError(), std::string());
        AnyValue structured;
        structured.value = std::vector<KeyValue>{{"event", {std::string("payment declined")}}};
        index.add(41, AnyValue{std::string("order 1041 shipped")});
        index.add(42, structured);
        QVERIFY(!error.failed());
        QCOMPARE(single(*m_db, "SELECT rowid FROM logs_text WHERE logs_text MATCH 'shipped'"), 41);
        QCOMPARE(single(*m_db, "SELECT rowid FROM logs_text WHERE logs_text MATCH 'declined'"), 42);
    }

    // Records stored before the index existed are indexed once, when the marker says so.
    void logTextIndexBackfillsOnceWhenTheMarkerSaysSo()
    {
        const std::string path = m_db->path();
        m_db.reset();
        {
            auto writer = SpanWriter::open(path, {});
            QVERIFY(writer);
            LogBatch batch;
            batch.groups.emplace_back();
            LogRecord record;
            record.timeUnixNano = 1;
            record.body.value = std::string("cache warmed");
            batch.groups[0].records.push_back(record);
            QVERIFY((*writer)->writeLogs(std::move(batch)).committed());
        }
        auto db = Database::open(path, Database::Mode::ReadWrite);
        QVERIFY(db);
        m_db = std::move(*db);
        QVERIFY(m_db->exec("DELETE FROM logs_text"));
        TransactionError error(*m_db);
        LogTextIndex index(*m_db, error);
        QVERIFY(index.indexStored()); // no marker: nothing to do
        QCOMPARE(single(*m_db, "SELECT count(*) FROM logs_text WHERE logs_text MATCH 'warmed'"), 0);
        QVERIFY(m_db->exec(std::string("INSERT INTO counters(name, value) VALUES ('")
                           + counters::LogsTextPending + "', 1)"));
        QVERIFY(index.indexStored());
        QCOMPARE(single(*m_db, "SELECT count(*) FROM logs_text WHERE logs_text MATCH 'warmed'"), 1);
        QCOMPARE(single(*m_db,
                        std::string("SELECT count(*) FROM counters WHERE name = '")
                            + counters::LogsTextPending + "'"),
                 0);
    }
};

QTEST_GUILESS_MAIN(TestWriterParts)
#include "tst_writerparts.moc"

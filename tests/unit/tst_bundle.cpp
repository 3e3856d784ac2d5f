// Bundles round-trip in every shape a bug report takes: a trace without logs (the most common),
// logs without spans, several traces, redaction on and off; an older bundle's `{}` reopens.

#include "freshdatabase.h"

#include <files/bundle.h>
#include <files/ziparchive.h>
#include <tracestore.h>

#include <QFile>

#include <nlohmann/json.hpp>

using namespace spanscope;

namespace {

storage::TraceId traceNumber(int n)
{
    storage::TraceId id{};
    id[0] = 0x42;
    id[15] = static_cast<std::uint8_t>(n);
    return id;
}

storage::TraceBatch traceOf(int n, int spans, std::string route)
{
    storage::TraceBatch batch;
    batch.groups.emplace_back();
    batch.groups[0].resource.attributes = {{"service.name", {std::string("shop")}}};
    for (int s = 0; s < spans; ++s) {
        storage::Span span;
        span.traceId = traceNumber(n);
        span.spanId[0] = static_cast<std::uint8_t>(s + 1);
        span.spanId[1] = static_cast<std::uint8_t>((s + 1) >> 8);
        if (s > 0)
            span.parentSpanId[0] = 1;
        span.name = "step " + std::to_string(s);
        span.startUnixNano = 1'700'000'000'000'000'000ull + s * 1000;
        span.endUnixNano = span.startUnixNano + 500;
        span.attributes = {{"url.full", {route}}};
        batch.groups[0].spans.push_back(std::move(span));
    }
    return batch;
}

storage::LogBatch logsOf(int n, int records)
{
    storage::LogBatch batch;
    batch.groups.emplace_back();
    batch.groups[0].resource.attributes = {{"service.name", {std::string("shop")}}};
    for (int r = 0; r < records; ++r) {
        storage::LogRecord record;
        record.timeUnixNano = 1'700'000'000'000'000'000ull + r;
        record.traceId = traceNumber(n);
        record.spanId[0] = 1;
        record.body.value = std::string("mail ada@example.org, record ") + std::to_string(r);
        batch.groups[0].records.push_back(record);
    }
    return batch;
}

} // namespace

class TestBundle : public QObject
{
    Q_OBJECT
private:
    FreshDatabase m_db;
    QTemporaryDir m_dir;

    // Exports the traces from the test's database and imports the bundle into a new one.
    storage::Result<ingest::ImportSummary> roundTrip(const std::vector<storage::TraceId> &ids,
                                                     const ingest::BundleOptions &options,
                                                     std::unique_ptr<storage::TraceStore> &imported)
    {
        m_db.close();
        auto store = storage::TraceStore::open(m_db.path().toStdString());
        const std::string bundle = m_dir.filePath(QStringLiteral("out.spanscope")).toStdString();
        auto written = ingest::writeBundle(**store, ids, options, bundle);
        if (!written)
            return storage::Error{written.error()};
        const std::string copy = m_dir.filePath(QStringLiteral("copy.db")).toStdString();
        QFile::remove(QString::fromStdString(copy));
        auto writer = storage::SpanWriter::open(copy, {});
        auto summary = ingest::importFile(bundle, **writer);
        (*writer)->shutdown();
        imported = std::move(*storage::TraceStore::open(copy));
        return summary;
    }

private slots:
    void init() { m_db.open(); }

    void traceWithoutLogs()
    {
        QVERIFY(m_db.writer().writeTraces(traceOf(1, 3, "/a")).committed());
        std::unique_ptr<storage::TraceStore> imported;
        auto summary = roundTrip({traceNumber(1)}, {}, imported);
        QVERIFY2(summary, summary ? "" : summary.error().c_str());
        QCOMPARE(summary->spans, std::uint64_t(3));
        QCOMPARE(summary->logs, std::uint64_t(0));
        QCOMPARE((*imported->loadTrace(traceNumber(1)))->spans.size(), size_t(3));

        // The empty logs.json is a document OpenTelemetry tools read, not `{}`.
        const std::string bundle = m_dir.filePath(QStringLiteral("out.spanscope")).toStdString();
        QFile file(QString::fromStdString(bundle));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray zip = file.readAll();
        auto entries = ingest::ZipReader::read(std::string_view(zip.data(), size_t(zip.size())));
        QVERIFY(entries);
        bool sawLogs = false;
        for (const auto &entry : *entries) {
            if (entry.name == "logs.json") {
                sawLogs = true;
                QCOMPARE(entry.data, std::string("{\"resourceLogs\": []}\n"));
            }
        }
        QVERIFY(sawLogs);
    }

    void logsWithoutSpans()
    {
        QVERIFY(m_db.writer().writeLogs(logsOf(2, 4)).committed());
        std::unique_ptr<storage::TraceStore> imported;
        auto summary = roundTrip({traceNumber(2)}, {}, imported);
        QVERIFY2(summary, summary ? "" : summary.error().c_str());
        QCOMPARE(summary->spans, std::uint64_t(0));
        QCOMPARE(summary->logs, std::uint64_t(4));
        storage::LogFilter all;
        auto page = imported->findLogs(all);
        QCOMPARE(page->logs.size(), size_t(4));
        // Redaction is on by default.
        for (const auto &log : page->logs)
            QVERIFY(std::get<std::string>(log.record.body.value).starts_with("mail [REDACTED]"));
    }

    void severalTracesUnredacted()
    {
        QVERIFY(m_db.writer().writeTraces(traceOf(3, 2, "/pay?session=abc123")).committed());
        QVERIFY(m_db.writer().writeTraces(traceOf(4, 5, "/b")).committed());
        QVERIFY(m_db.writer().writeLogs(logsOf(4, 2)).committed());
        ingest::BundleOptions options;
        options.redaction.reset();
        std::unique_ptr<storage::TraceStore> imported;
        auto summary = roundTrip({traceNumber(3), traceNumber(4)}, options, imported);
        QVERIFY2(summary, summary ? "" : summary.error().c_str());
        QCOMPARE(summary->spans, std::uint64_t(7));
        QCOMPARE(summary->logs, std::uint64_t(2));
        auto three = imported->loadTrace(traceNumber(3));
        QCOMPARE(std::get<std::string>((*three)->spans[0].span.attributes[0].value.value),
                 std::string("/pay?session=abc123"));
    }

    void secretsInUrlsAreMasked()
    {
        QVERIFY(m_db.writer()
                    .writeTraces(traceOf(5, 1, "https://shop.example/checkout?session=abc123"))
                    .committed());
        std::unique_ptr<storage::TraceStore> imported;
        auto summary = roundTrip({traceNumber(5)}, {}, imported);
        QVERIFY(summary);
        auto trace = imported->loadTrace(traceNumber(5));
        QCOMPARE(std::get<std::string>((*trace)->spans[0].span.attributes[0].value.value),
                 std::string("https://shop.example/checkout?session=[REDACTED]"));
    }

    // A trace is written into traces.json span by span, each redacted once and counted once;
    // the page draws the first spans of a large one and says so.
    void largeTraceWholeInTheDataPartlyOnThePage()
    {
        QVERIFY(m_db.writer().writeTraces(traceOf(6, 6000, "/pay?session=abc123")).committed());
        std::unique_ptr<storage::TraceStore> imported;
        auto summary = roundTrip({traceNumber(6)}, {}, imported);
        QVERIFY2(summary, summary ? "" : summary.error().c_str());
        QCOMPARE(summary->spans, std::uint64_t(6000));
        auto trace = imported->loadTrace(traceNumber(6));
        QCOMPARE((*trace)->spans.size(), size_t(6000));
        QCOMPARE(std::get<std::string>((*trace)->spans[5999].span.attributes[0].value.value),
                 std::string("/pay?session=[REDACTED]"));

        QFile file(m_dir.filePath(QStringLiteral("out.spanscope")));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray zip = file.readAll();
        auto entries = ingest::ZipReader::read(std::string_view(zip.data(), size_t(zip.size())));
        QVERIFY(entries);
        int masked = -1;
        bool notedOnPage = false;
        for (const auto &entry : *entries) {
            if (entry.name == "manifest.json") {
                const auto manifest = nlohmann::json::parse(entry.data);
                masked = 0;
                for (const auto &count : manifest["redaction"]["masked"])
                    masked += count.get<int>();
            }
            if (entry.name == "index.html")
                notedOnPage = entry.data.find("The first 5000 spans are drawn here; traces.json "
                                              "holds all 6000.")
                    != std::string::npos;
        }
        QCOMPARE(masked, 6000);
        QVERIFY(notedOnPage);
    }

    void olderBundlesWithAnEmptyObjectReopen()
    {
        ingest::ZipWriter zip;
        zip.add("manifest.json", R"({"format": 1})");
        zip.add("traces.json", "{}");
        zip.add("logs.json", "{}");
        const QString path = m_dir.filePath(QStringLiteral("old.spanscope"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const std::string data = zip.finish();
        file.write(data.data(), qint64(data.size()));
        file.close();
        auto summary = ingest::importFile(path.toStdString(), m_db.writer());
        QVERIFY2(summary, summary ? "" : summary.error().c_str());
        QCOMPARE(summary->spans + summary->logs, std::uint64_t(0));
    }
};

QTEST_GUILESS_MAIN(TestBundle)
#include "tst_bundle.moc"

// The statistics and the flame graph of the demo's 20 000-span batch job, read back from a real
// store: every batch and document counted, self times that add up, frames merged by path.

#include <demotraffic.h>
#include <flamegraph.h>
#include <metrics/metricreader.h>
#include <metricseries.h>
#include <spanwriter.h>
#include <statistics.h>
#include <tracestore.h>

#include <QTemporaryDir>
#include <QTest>

using namespace spanscope;

class TestDemoAnalysis : public QObject
{
    Q_OBJECT
private slots:
    // The demo's metrics come from its own server spans: a duration histogram per route whose
    // counts are the spans', and exemplars that open stored spans of the right service.
    void theDemoMetricsPointAtItsSpans()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("demo.db")).toStdString();
        {
            auto writer = storage::SpanWriter::open(path, {});
            QVERIFY(writer);
            auto written = ingest::writeDemoTraffic(**writer, 100);
            QVERIFY2(written, written ? "" : written.error().c_str());
            QVERIFY(written->metricPoints > 100);
        }
        auto store = storage::TraceStore::open(path);
        QVERIFY(store);
        auto instruments = (*store)->metrics().instruments({"checkout", "request.duration"});
        QVERIFY(instruments);
        QCOMPARE(instruments->size(), std::size_t(1));
        const storage::Instrument &duration = instruments->front();
        QCOMPARE(duration.kind, storage::MetricKind::Histogram);
        QCOMPARE(duration.unit, std::string("s"));
        const auto read = (*store)->metrics().series(duration.id, 0, UINT64_MAX);
        QVERIFY(read);
        const auto orders = std::find_if(read->series.begin(), read->series.end(), [](auto &s) {
            return analysis::seriesLabel(s.attributes) == "http.route=/api/orders";
        });
        QVERIFY(orders != read->series.end());
        QCOMPARE(orders->points.back().count, std::uint64_t(8)); // the demo's 8 orders
        const auto exemplars = (*store)->metrics().exemplars(duration.id, 0, UINT64_MAX);
        QVERIFY(exemplars && !exemplars->empty());
        for (const storage::StoredExemplar &stored : *exemplars) {
            auto trace = (*store)->loadTrace(stored.exemplar.traceId);
            QVERIFY(trace && *trace);
            const auto span
                = std::find_if((**trace).spans.begin(), (**trace).spans.end(), [&](const auto &s) {
                      return s.span.spanId == stored.exemplar.spanId;
                  });
            QVERIFY(span != (**trace).spans.end());
            QCOMPARE((**trace).resources[span->resource].serviceName(), std::string("checkout"));
        }
    }

    void theLargeTraceAddsUp()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("demo.db")).toStdString();
        ingest::DemoSummary demo;
        {
            auto writer = storage::SpanWriter::open(path, {});
            QVERIFY(writer);
            auto written = ingest::writeDemoTraffic(**writer, 20000);
            QVERIFY2(written, written ? "" : written.error().c_str());
            demo = *written;
        }
        auto store = storage::TraceStore::open(path);
        QVERIFY(store);
        storage::TraceId id;
        QVERIFY(storage::fromHex(demo.largeTraceId, id));
        auto loaded = (*store)->loadTrace(id);
        QVERIFY(loaded && *loaded);
        const storage::TraceData &trace = **loaded;
        QCOMPARE(trace.spans.size(), std::size_t(20000));
        const analysis::SpanTree tree(trace);

        // 1 job, 1 000 batches of up to 19 documents (the last one 18).
        constexpr std::int64_t Ms = 1'000'000;
        const auto byOperation
            = analysis::traceStatistics(trace, tree, analysis::Grouping::Operation);
        QCOMPARE(byOperation.size(), std::size_t(1 + 1000 + 1));
        const auto document
            = std::find_if(byOperation.begin(), byOperation.end(),
                           [](const auto &row) { return row.operation == "index document"; });
        QVERIFY(document != byOperation.end());
        QCOMPARE(document->count, 18999);
        QCOMPARE(document->totalNs, 18999 * Ms);
        QCOMPARE(document->selfNs, document->totalNs); // leaves
        // The job's own time is what its batches leave uncovered: 25 s − 1 000 × 23 ms.
        QCOMPARE(byOperation.front().operation, std::string("index document")); // most self
        const auto job = std::find_if(byOperation.begin(), byOperation.end(), [](const auto &row) {
            return row.operation == "reindex catalog";
        });
        QVERIFY(job != byOperation.end());
        QCOMPARE(job->selfNs, 2000 * Ms);
        std::int64_t self = 0;
        for (const auto &row : byOperation)
            self += row.selfNs;
        QCOMPARE(self, 25000 * Ms); // self times add up to the trace

        // One frame per path: the job, each batch, the documents under each batch.
        const auto flame = analysis::FlameGraph::build(trace, tree);
        QCOMPARE(flame.size(), 1 + 1 + 1000 + 1000);
        QCOMPARE(flame.maxDepth(), 3);
        QCOMPARE(flame.frame(0).totalNs, 25000 * Ms);
        const auto &jobFrame = flame.frame(flame.frame(0).children.front());
        QCOMPARE(jobFrame.children.size(), std::size_t(1000));
        const auto &firstBatch = flame.frame(jobFrame.children.front());
        QCOMPARE(flame.frame(firstBatch.children.front()).count, 19);
        QCOMPARE(firstBatch.totalNs, 23 * Ms);
    }
};

QTEST_MAIN(TestDemoAnalysis)
#include "tst_demoanalysis.moc"

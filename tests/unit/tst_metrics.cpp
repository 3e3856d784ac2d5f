// Metrics from the writer to the chart: the round trip through SQLite (every kind, exemplars,
// blocks appended to), the series bound, and what points mean over time (rates with resets,
// delta temporality, quantiles from explicit and exponential buckets, chart columns).

#include "freshdatabase.h"

#include <counters.h>
#include <database.h>
#include <metrics/metricreader.h>
#include <metrics/metricwriter.h>
#include <metricseries.h>
#include <tracestore.h>

#include <QTemporaryDir>
#include <QTest>

using namespace spanscope;
using storage::MetricKind;
using storage::MetricPoint;
using storage::Temporality;

namespace {

constexpr std::uint64_t Second = 1'000'000'000;

MetricPoint number(std::uint64_t second, double value, std::uint64_t startSecond = 1)
{
    MetricPoint point;
    point.startUnixNano = startSecond * Second;
    point.timeUnixNano = second * Second;
    point.value = value;
    return point;
}

storage::MetricBatch batchOf(std::vector<storage::Metric> metrics, std::string service = "shop")
{
    storage::ScopedMetrics group;
    group.resource.attributes.push_back({"service.name", storage::AnyValue{std::move(service)}});
    group.scope.name = "meter";
    group.metrics = std::move(metrics);
    storage::MetricBatch batch;
    batch.groups.push_back(std::move(group));
    return batch;
}

storage::Instrument instrumentOf(MetricKind kind, Temporality temporality, bool monotonic)
{
    storage::Instrument instrument;
    instrument.kind = kind;
    instrument.temporality = temporality;
    instrument.monotonic = monotonic;
    return instrument;
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

    FreshDatabase m_db;

    std::unique_ptr<storage::TraceStore> store()
    {
        auto opened = storage::TraceStore::open(m_db.path().toStdString());
        if (!opened)
            qFatal("%s", opened.error().c_str());
        return std::move(*opened);
    }

private slots:
    void init() { m_db.open(); }
    void cleanup() { m_db.close(); }

    void everyKindRoundTripsWithExemplars()
    {
        storage::Metric requests{"http.server.requests",  "Requests", "{request}", MetricKind::Sum,
                                 Temporality::Cumulative, true,       {}};
        MetricPoint counted = number(10, 41);
        counted.isInteger = true;
        counted.attributes.push_back({"http.route", storage::AnyValue{std::string("/cart")}});
        storage::Exemplar exemplar;
        exemplar.timeUnixNano = 9 * Second;
        exemplar.value = 0.25;
        QVERIFY(storage::fromHex("0af7651916cd43dd8448eb211c80319c", exemplar.traceId));
        QVERIFY(storage::fromHex("b7ad6b7169203331", exemplar.spanId));
        exemplar.filteredAttributes.push_back({"user", storage::AnyValue{std::string("ann")}});
        counted.exemplars.push_back(exemplar);
        requests.points.push_back(counted);

        storage::Metric latency{"latency",          "",    "ms", MetricKind::Histogram,
                                Temporality::Delta, false, {}};
        MetricPoint h = number(10, 0);
        h.count = 7;
        h.sum = 90;
        h.hasSum = true;
        h.min = 1;
        h.max = 40;
        h.hasMinMax = true;
        h.bounds = {10, 20};
        h.bucketCounts = {3, 3, 1};
        latency.points.push_back(h);

        storage::Metric size{
            "size", "", "By", MetricKind::ExponentialHistogram, Temporality::Cumulative, false, {}};
        MetricPoint e = number(10, 0);
        e.count = 6;
        e.scale = 2;
        e.zeroCount = 1;
        e.positive = {-3, {1, 0, 4}};
        e.negative = {1, {0}};
        size.points.push_back(e);

        storage::Metric gc{"gc.pause", "", "s", MetricKind::Summary, Temporality::Unspecified,
                           false,      {}};
        MetricPoint s = number(10, 0);
        s.count = 3;
        s.sum = 1.5;
        s.hasSum = true;
        s.quantiles = {{0.5, 0.4}, {0.99, 0.9}};
        gc.points.push_back(s);

        storage::Metric depth{
            "queue.depth",    "", "", MetricKind::Gauge, Temporality::Unspecified, false,
            {number(10, 2.5)}};

        QVERIFY(
            m_db.writer().writeMetrics(batchOf({requests, latency, size, gc, depth})).committed());
        auto reader = store();
        auto instruments = reader->metrics().instruments({});
        QVERIFY(instruments);
        QCOMPARE(instruments->size(), size_t(5));
        const std::vector<storage::Metric> sent{requests, latency, size, gc, depth};
        for (const storage::Metric &metric : sent) {
            const auto it = std::find_if(instruments->begin(), instruments->end(),
                                         [&](const auto &i) { return i.name == metric.name; });
            QVERIFY2(it != instruments->end(), metric.name.c_str());
            QCOMPARE(it->service, std::string("shop"));
            QCOMPARE(it->scope, std::string("meter"));
            QCOMPARE(it->kind, metric.kind);
            QCOMPARE(it->temporality, metric.temporality);
            QCOMPARE(it->monotonic, metric.monotonic);
            QCOMPARE(it->unit, metric.unit);
            QCOMPARE(it->pointCount, 1);
            auto read = reader->metrics().series(it->id, 0, UINT64_MAX);
            QVERIFY(read);
            QCOMPARE(read->series.size(), size_t(1));
            MetricPoint expected = metric.points[0];
            expected.exemplars.clear(); // kept apart
            MetricPoint got = read->series[0].points.at(0);
            got.attributes = read->series[0].attributes;
            QCOMPARE(got, expected);
        }
        const auto withExemplar
            = std::find_if(instruments->begin(), instruments->end(),
                           [](const auto &i) { return i.name == "http.server.requests"; });
        const auto exemplars = reader->metrics().exemplars(withExemplar->id, 0, UINT64_MAX);
        QVERIFY(exemplars);
        QCOMPARE(exemplars->size(), size_t(1));
        QCOMPARE(exemplars->at(0).exemplar, exemplar);

        auto since = reader->metrics().instruments({"", "DEPTH", 11 * Second});
        QVERIFY(since);
        QVERIFY(since->empty()); // its only point is older
        since = reader->metrics().instruments({"", "DEPTH", 10 * Second});
        QCOMPARE(since->size(), size_t(1));
    }

    void pointsAppendToTheSeriesOpenBlock()
    {
        storage::Metric gauge{"temperature", "", "Cel", MetricKind::Gauge, Temporality::Unspecified,
                              false,         {}};
        for (int i = 0; i < 300; ++i) {
            gauge.points = {number(100 + i, i * 0.5)};
            QVERIFY(m_db.writer().writeMetrics(batchOf({gauge})).committed());
        }
        auto reader = store();
        const auto instruments = reader->metrics().instruments({});
        QCOMPARE(instruments->at(0).pointCount, 300);
        const auto read = reader->metrics().series(instruments->at(0).id, 0, UINT64_MAX);
        QCOMPARE(read->series[0].points.size(), size_t(300));
        for (int i = 0; i < 300; ++i)
            QCOMPARE(read->series[0].points[i].value, i * 0.5);
        auto db
            = storage::Database::open(m_db.path().toStdString(), storage::Database::Mode::ReadOnly);
        QVERIFY(db);
        storage::Statement blocks(**db, "SELECT count(*) FROM metric_blocks");
        QVERIFY(blocks.next());
        // 300 commits of one point (~21 bytes each): 4 blocks of about 2 KiB, not 300 rows.
        QCOMPARE(blocks.integer(0), 4);
        const auto window
            = reader->metrics().series(instruments->at(0).id, 150 * Second, 159 * Second);
        QCOMPARE(window->series[0].points.size(), size_t(10));
    }

    void seriesPastTheBoundShareTheOverflowSeries()
    {
        storage::Metric sum{"hits", "", "", MetricKind::Sum, Temporality::Delta, true, {}};
        const std::int64_t sent = storage::MetricWriter::MaxSeriesPerMetric + 50;
        for (std::int64_t i = 0; i < sent; ++i) {
            MetricPoint point = number(10, 1);
            point.attributes.push_back({"user.id", storage::AnyValue{i}});
            sum.points.push_back(point);
        }
        QVERIFY(m_db.writer().writeMetrics(batchOf({sum})).committed());
        m_db.close(); // the counters are committed
        auto reader = store();
        const auto instruments = reader->metrics().instruments({});
        QCOMPARE(instruments->at(0).seriesCount, storage::MetricWriter::MaxSeriesPerMetric);
        const auto read = reader->metrics().series(instruments->at(0).id, 0, UINT64_MAX);
        QCOMPARE(read->series.size(), size_t(storage::MetricWriter::MaxSeriesPerMetric + 1));
        const auto overflow = std::find_if(read->series.begin(), read->series.end(),
                                           [](const auto &s) { return s.overflow; });
        QVERIFY(overflow != read->series.end());
        QCOMPARE(overflow->points.size(), size_t(50));
        QCOMPARE(analysis::seriesLabel(overflow->attributes),
                 std::string("otel.metric.overflow=true"));
        const auto stats = reader->statistics();
        QCOMPARE(stats->counters.at(storage::counters::MetricPointsOverflowed), std::uint64_t(50));
        QCOMPARE(stats->counters.at(storage::counters::MetricPointsAccepted), std::uint64_t(sent));
    }

    // Metrics alone past the budget: the oldest blocks go, and with them the series and
    // instruments left without points, so names sent once do not outlive the budget.
    void retentionEvictsOldPointsAndEmptySeries()
    {
        m_db.close();
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("budget.db")).toStdString();
        storage::WriterOptions options;
        options.retentionBytes = 2 << 20;
        {
            auto writer = storage::SpanWriter::open(path, options);
            QVERIFY(writer);
            for (int batch = 0; batch < 60; ++batch) {
                std::vector<storage::Metric> metrics;
                for (int i = 0; i < 500; ++i) {
                    storage::Metric gauge{"m" + std::to_string(batch * 500 + i),
                                          "",
                                          "",
                                          MetricKind::Gauge,
                                          Temporality::Unspecified,
                                          false,
                                          {number(100 + batch, i)}};
                    gauge.points[0].attributes.push_back(
                        {"padding", storage::AnyValue{std::string(40, 'x') + std::to_string(i)}});
                    metrics.push_back(std::move(gauge));
                }
                QVERIFY((*writer)->writeMetrics(batchOf(std::move(metrics))).committed());
            }
            (*writer)->shutdown(); // retention runs on the way out
        }
        auto store = storage::TraceStore::open(path);
        QVERIFY(store);
        const auto stats = (*store)->statistics();
        QVERIFY(stats->counters.at(storage::counters::MetricPointsEvicted) > 0);
        QVERIFY2(stats->usedBytes <= options.retentionBytes,
                 std::to_string(stats->usedBytes).c_str());
        auto db = storage::Database::open(path, storage::Database::Mode::ReadOnly);
        const auto count = [&](const char *sql) {
            storage::Statement query(**db, sql);
            return query.next() ? query.integer(0) : -1;
        };
        QCOMPARE(count("SELECT count(*) FROM metric_series WHERE series_id NOT IN "
                       "(SELECT series_id FROM metric_blocks)"),
                 0);
        QCOMPARE(count("SELECT count(*) FROM metrics WHERE metric_id NOT IN "
                       "(SELECT metric_id FROM metric_series)"),
                 0);
        // What is left is the newest: the oldest instrument is gone, the newest kept.
        const auto instruments = (*store)->metrics().instruments({"", "m29999", 0});
        QCOMPARE(instruments->size(), std::size_t(1));
        QVERIFY((*store)->metrics().instruments({"", "m0", 0})->empty()); // only "m0" has "m0"
        QCOMPARE(std::uint64_t(count("SELECT coalesce(sum(point_count), 0) FROM metric_blocks"))
                     + stats->counters.at(storage::counters::MetricPointsEvicted),
                 std::uint64_t(30000));
    }

    void cumulativeRatesRestartAtResets()
    {
        // 10/s, then the process restarts (value falls, start moves) and counts 5/s.
        const std::vector<MetricPoint> points{number(11, 100, 1), number(21, 200, 1),
                                              number(31, 300, 1), number(41, 50, 31),
                                              number(51, 100, 31)};
        const auto rates = analysis::ratePerSecond(points, Temporality::Cumulative);
        QCOMPARE(rates.size(), size_t(5));
        QCOMPARE(rates[0].value, 10.0); // its own interval, from its start
        QCOMPARE(rates[1].value, 10.0);
        QCOMPARE(rates[2].value, 10.0);
        QCOMPARE(rates[3].value, 5.0); // 50 since its new start 10 s before
        QCOMPARE(rates[4].value, 5.0);
        QCOMPARE(rates[4].timeNs, 51 * Second);
    }

    void deltaRatesUseEachPointsInterval()
    {
        const std::vector<MetricPoint> points{number(12, 20, 10), number(14, 8, 12)};
        const auto rates = analysis::ratePerSecond(points, Temporality::Delta);
        QCOMPARE(rates.size(), size_t(2));
        QCOMPARE(rates[0].value, 10.0);
        QCOMPARE(rates[1].value, 4.0);
    }

    void histogramQuantilesInterpolateWithinBuckets()
    {
        MetricPoint point;
        point.count = 100;
        point.bounds = {10, 20, 50};
        point.bucketCounts = {50, 30, 20, 0};
        const auto d = analysis::distributionOf(point, MetricKind::Histogram);
        QCOMPARE(*d.quantile(0.5), 10.0); // the 50th of 100 is the last in (0, 10]
        QCOMPARE(*d.quantile(0.65), 15.0); // halfway through (10, 20]
        QCOMPARE(*d.quantile(0.9), 35.0);
        MetricPoint bounded = point;
        bounded.hasMinMax = true;
        bounded.min = 2;
        bounded.max = 30;
        QCOMPARE(*analysis::distributionOf(bounded, MetricKind::Histogram).quantile(0.99), 30.0);
        QVERIFY(!analysis::Distribution{}.quantile(0.5));
    }

    void exponentialBucketsHaveTheirPowerOfTwoBounds()
    {
        MetricPoint point;
        point.scale = 1; // base sqrt(2)
        point.positive = {2, {4, 4}}; // (2, 2.83] and (2.83, 4]
        point.count = 8;
        const auto d = analysis::distributionOf(point, MetricKind::ExponentialHistogram);
        QCOMPARE(d.buckets.size(), size_t(3)); // 2 (empty, the first's lower bound), 2.83, 4
        QCOMPARE(std::next(d.buckets.begin())->first, std::sqrt(8.0));
        QCOMPARE(d.buckets.rbegin()->first, 4.0);
        QCOMPARE(*d.quantile(1.0), 4.0);
        QVERIFY(std::abs(*d.quantile(0.25) - (2 + (std::sqrt(8.0) - 2) / 2)) < 1e-9);
        MetricPoint negative;
        negative.scale = 0;
        negative.negative = {1, {3}}; // [-4, -2)
        negative.zeroCount = 1;
        negative.count = 4;
        const auto n = analysis::distributionOf(negative, MetricKind::ExponentialHistogram);
        QCOMPARE(n.buckets.begin()->first, -4.0);
        QCOMPARE(n.buckets.at(-2.0), 3.0);
        QCOMPARE(n.buckets.rbegin()->first, 0.0);
    }

    void cumulativeHistogramsChartWhatEachIntervalAdded()
    {
        storage::StoredSeries series;
        MetricPoint first = number(10, 0);
        first.bounds = {100};
        first.bucketCounts = {10, 0};
        first.count = 10;
        MetricPoint second = first;
        second.timeUnixNano = 20 * Second;
        second.bucketCounts = {10, 10}; // the second interval only saw slow requests
        second.count = 20;
        second.hasMinMax = false;
        series.points = {first, second};
        storage::SeriesRead read;
        read.series.push_back(series);
        analysis::ChartOptions options;
        options.fromNs = 5 * Second;
        options.toNs = 25 * Second;
        options.columns = 2;
        options.quantiles = {0.5};
        const auto chart = analysis::chartOf(
            instrumentOf(MetricKind::Histogram, Temporality::Cumulative, false), read, options);
        QCOMPARE(chart.lines.size(), size_t(1));
        QCOMPARE(chart.lines[0].label, std::string("p50"));
        QVERIFY(*chart.lines[0].values[0] <= 100);
        QVERIFY(*chart.lines[0].values[1] >= 100);
        QCOMPARE(chart.heatBounds.size(), size_t(2));
        QCOMPARE(chart.heat[1][0], 0.0);
        QCOMPARE(chart.heat[1][1], 10.0);
    }

    void valuesAreFormattedInTheirUnit()
    {
        QCOMPARE(analysis::formatMetricValue(107'000'000, "By"), std::string("102 MiB"));
        QCOMPARE(analysis::formatMetricValue(0.175, "s"), std::string("175 ms"));
        QCOMPARE(analysis::formatMetricValue(1.32, "s"), std::string("1.32 s"));
        QCOMPARE(analysis::formatMetricValue(90, "s"), std::string("1.5 min"));
        QCOMPARE(analysis::formatMetricValue(2500, "us"), std::string("2.5 ms"));
        QCOMPARE(analysis::formatMetricValue(41, "{request}"), std::string("41"));
        QCOMPARE(analysis::formatMetricValue(1'234'567, "{request}"), std::string("1.23 M"));
        QCOMPARE(analysis::formatMetricValue(21.5, "Cel"), std::string("21.5 Cel"));
        QCOMPARE(analysis::formatMetricValue(0.004, "1"), std::string("0.004"));
        QCOMPARE(analysis::formatMetricValue(0, "s"), std::string("0"));
    }

    void chartLinesSplitByAttributeAndSumRates()
    {
        storage::SeriesRead read;
        for (const char *route : {"/a", "/a", "/b"}) {
            storage::StoredSeries series;
            series.attributes.push_back({"route", storage::AnyValue{std::string(route)}});
            series.points = {number(11, 10, 1), number(21, 110, 1)};
            read.series.push_back(series);
        }
        analysis::ChartOptions options;
        options.fromNs = 0;
        options.toNs = 40 * Second;
        options.columns = 4;
        const auto sum = instrumentOf(MetricKind::Sum, Temporality::Cumulative, true);
        auto chart = analysis::chartOf(sum, read, options);
        QCOMPARE(chart.lines.size(), size_t(1));
        QCOMPARE(*chart.lines[0].values[1], 3.0); // three series at 1/s each
        QCOMPARE(*chart.lines[0].values[2], 30.0);
        QVERIFY(!chart.lines[0].values[3]);
        options.splitKeys = {"route"};
        chart = analysis::chartOf(sum, read, options);
        QCOMPARE(chart.lines.size(), size_t(2));
        QCOMPARE(chart.lines[0].label, std::string("route=/a"));
        QCOMPARE(*chart.lines[0].values[2], 20.0);
        QCOMPARE(*chart.lines[1].values[2], 10.0);
        // A gauge is not additive: its series are averaged.
        const auto gauge = instrumentOf(MetricKind::Gauge, Temporality::Unspecified, false);
        options.splitKeys.clear();
        chart = analysis::chartOf(gauge, read, options);
        QCOMPARE(*chart.lines[0].values[2], 110.0);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"

// What metrics and services cost: (1) ingest of metric points through the receivers' export
// path (protobuf decode, the writer's blocks, commit) — 1 000 series (gauges, cumulative
// counters and histograms of 14 buckets), one point per series per export as SDKs send them,
// from four senders at once; (2) the Metrics tab's chart of each instrument (~333 000 points):
// reading the blocks, the chart's columns, and painting it at 1200 × 400 offscreen; (3) the
// Services tab's RED table and map over 1 000 000 stored spans.
//
// Usage: metrics_bench [--exports 1000] [--spans 1000000]

#include <database.h>
#include <exporthandler.h>
#include <metrics/metricchart.h>
#include <metricseries.h>
#include <services/servicereader.h>
#include <spanwriter.h>
#include <tracestore.h>

#include <opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>

using namespace spanscope;
namespace pb = opentelemetry::proto::metrics::v1;
namespace pb_collector = opentelemetry::proto::collector::metrics::v1;

namespace {

constexpr int Series = 1000;
constexpr std::uint64_t Second = 1'000'000'000;

std::string exportBody(int reading, std::uint64_t start, std::mt19937_64 &rng)
{
    pb_collector::ExportMetricsServiceRequest request;
    auto *rm = request.add_resource_metrics();
    auto *name = rm->mutable_resource()->add_attributes();
    name->set_key("service.name");
    name->mutable_value()->set_string_value("bench");
    auto *sm = rm->add_scope_metrics();
    auto *gauge = sm->add_metrics();
    gauge->set_name("queue.depth");
    auto *sum = sm->add_metrics();
    sum->set_name("requests");
    sum->mutable_sum()->set_is_monotonic(true);
    sum->mutable_sum()->set_aggregation_temporality(pb::AGGREGATION_TEMPORALITY_CUMULATIVE);
    auto *histogram = sm->add_metrics();
    histogram->set_name("duration");
    histogram->set_unit("s");
    histogram->mutable_histogram()->set_aggregation_temporality(
        pb::AGGREGATION_TEMPORALITY_CUMULATIVE);
    const std::uint64_t at = start + static_cast<std::uint64_t>(reading) * 10 * Second;
    for (int s = 0; s < Series; ++s) {
        const auto label = [&](auto *point) {
            point->set_start_time_unix_nano(start);
            point->set_time_unix_nano(at);
            auto *kv = point->add_attributes();
            kv->set_key("route");
            kv->mutable_value()->set_string_value("/api/" + std::to_string(s / 3));
        };
        if (s % 3 == 0) {
            auto *p = gauge->mutable_gauge()->add_data_points();
            label(p);
            p->set_as_double(static_cast<double>(rng() % 1000));
        } else if (s % 3 == 1) {
            auto *p = sum->mutable_sum()->add_data_points();
            label(p);
            p->set_as_int(reading * 17 + s);
        } else {
            auto *p = histogram->mutable_histogram()->add_data_points();
            label(p);
            std::uint64_t total = 0;
            for (int b = 0; b < 15; ++b) {
                const std::uint64_t n = static_cast<std::uint64_t>(reading) * (b + 1);
                p->add_bucket_counts(n);
                total += n;
                if (b < 14)
                    p->add_explicit_bounds(0.005 * (1 << (b / 2)));
            }
            p->set_count(total);
            p->set_sum(static_cast<double>(total) * 0.05);
        }
    }
    return request.SerializeAsString();
}

storage::TraceBatch spanBatch(int traces, int firstTrace, std::uint64_t start)
{
    storage::TraceBatch batch;
    for (const char *service : {"frontend", "checkout", "inventory"}) {
        storage::ScopedSpans group;
        group.resource.attributes = {{"service.name", {std::string(service)}}};
        batch.groups.push_back(std::move(group));
    }
    for (int t = firstTrace; t < firstTrace + traces; ++t) {
        storage::TraceId trace{};
        std::memcpy(trace.data(), &t, sizeof t);
        trace[15] = 1;
        const std::uint64_t base = start + static_cast<std::uint64_t>(t) * 1'000'000;
        std::uint8_t next = 1;
        const auto add = [&](int group, const char *name, storage::SpanKind kind,
                             const storage::Span *parent, std::uint64_t ms) -> storage::Span & {
            storage::Span &span = batch.groups[group].spans.emplace_back();
            span.traceId = trace;
            span.spanId[0] = 1;
            span.spanId[7] = next++;
            if (parent)
                span.parentSpanId = parent->spanId;
            span.name = name;
            span.kind = kind;
            span.startUnixNano = base;
            span.endUnixNano = base + ms * 1'000'000;
            return span;
        };
        const storage::Span root = add(0, "POST /checkout", storage::SpanKind::Server, nullptr, 40);
        const storage::Span call = add(0, "POST", storage::SpanKind::Client, &root, 30);
        const storage::Span served = add(1, "POST /orders", storage::SpanKind::Server, &call, 28);
        for (int q = 0; q < 5; ++q) {
            storage::Span &query = add(1, "SELECT", storage::SpanKind::Client, &served, 2);
            query.attributes = {{"db.system.name", {std::string("postgresql")}}};
        }
        const storage::Span stock = add(1, "GET", storage::SpanKind::Client, &served, 5);
        add(2, "GET /stock", storage::SpanKind::Server, &stock, 4);
    }
    return batch;
}

double ms(const QElapsedTimer &timer)
{
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int exports = 1000;
    int spans = 1'000'000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--exports"))
            exports = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--spans"))
            spans = std::atoi(argv[i + 1]);
    }
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("bench.db")).toStdString();
    std::mt19937_64 rng(7);
    const std::uint64_t start = 1'790'000'000ull * Second;
    {
        auto writer = storage::SpanWriter::open(path, {});
        if (!writer) {
            std::fprintf(stderr, "%s\n", writer.error().c_str());
            return 1;
        }
        ingest::ExportHandler handler(**writer, {});
        std::vector<std::string> bodies;
        for (int r = 0; r < exports; ++r)
            bodies.push_back(exportBody(r + 1, start, rng));
        // Four senders at once, as services exporting beside each other do: their exports
        // share commits.
        QElapsedTimer timer;
        timer.start();
        std::atomic<int> next{0}, refused{0};
        std::vector<std::thread> senders;
        for (int t = 0; t < 4; ++t) {
            senders.emplace_back([&] {
                for (int i; (i = next++) < exports;) {
                    if (!handler
                             .serve(storage::Signal::Metrics, ingest::WireFormat::Protobuf,
                                    std::move(bodies[i]))
                             .stored())
                        ++refused;
                }
            });
        }
        for (std::thread &sender : senders)
            sender.join();
        const double elapsed = ms(timer);
        if (refused > 0) {
            std::fprintf(stderr, "%d exports refused\n", refused.load());
            return 1;
        }
        const double points = static_cast<double>(exports) * Series;
        (*writer)->shutdown();
        auto db = storage::Database::open(path, storage::Database::Mode::ReadOnly);
        std::printf(
            "metric ingest: %.0f points in %d exports of %d series: %.0f ms, %.0f points/s, "
            "%.1f bytes per point on disk\n",
            points, exports, Series, elapsed, points / elapsed * 1000,
            static_cast<double>((*db)->usedBytes()) / points);
    }

    auto store = storage::TraceStore::open(path);
    const auto instruments = (*store)->metrics().instruments({});
    // The chart of the largest instrument by points: read, columns, paint.
    for (const storage::Instrument &instrument : *instruments) {
        QElapsedTimer timer;
        timer.start();
        const auto read = (*store)->metrics().series(instrument.id, 0, UINT64_MAX);
        const double readMs = ms(timer);
        timer.restart();
        analysis::ChartOptions options;
        options.fromNs = instrument.firstNs;
        options.toNs = instrument.lastNs;
        options.columns = 300;
        const analysis::ChartData chart = analysis::chartOf(instrument, *read, options);
        const double chartMs = ms(timer);
        ui::MetricChart view;
        view.resize(1200, 400);
        view.setChart(chart, {});
        QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
        timer.restart();
        view.render(&image);
        const double paintMs = ms(timer);
        std::printf("chart of %s (%s, %lld series, %llu points): read %.1f ms, columns %.1f ms, "
                    "paint %.1f ms, %.1f ms in all\n",
                    instrument.name.c_str(), storage::toString(instrument.kind),
                    static_cast<long long>(instrument.seriesCount),
                    static_cast<unsigned long long>(chart.points), readMs, chartMs, paintMs,
                    readMs + chartMs + paintMs);
    }

    // Services over `spans` spans (10 per trace).
    {
        auto writer = storage::SpanWriter::open(path, {});
        const int traces = spans / 10;
        for (int t = 0; t < traces; t += 5000)
            (*writer)->writeTraces(spanBatch(std::min(5000, traces - t), t, start));
        (*writer)->shutdown();
    }
    auto spanStore = storage::TraceStore::open(path);
    for (int round = 0; round < 3; ++round) {
        QElapsedTimer timer;
        timer.start();
        const auto overview = (*spanStore)->serviceReader().overview({});
        std::printf("services over %llu spans: %zu rows, %zu edges in %.0f ms\n",
                    static_cast<unsigned long long>(overview->spansRead), overview->services.size(),
                    overview->edges.size(), ms(timer));
    }
    return 0;
}

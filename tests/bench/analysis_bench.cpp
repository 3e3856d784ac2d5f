// What analysing a trace costs, as the trace view does it when a trace opens: for traces of
// 1 000, 100 000 and 1 000 000 spans (fan-out 8, four services; every parent's children are
// database queries of one statement with different ids, so the N+1 detector has work on every
// parent), it times the span tree with self time, the statistics in all three groupings, every
// insight detector and the flame graph (merging the frames, then laying out and painting the
// Flame Graph tab at 1600 × 900, offscreen), and prints the findings' count.
//
// Usage: analysis_bench [--sizes 1000,100000,1000000]

#include <flamegraph.h>
#include <flamegraphview.h>
#include <insights.h>
#include <spantree.h>
#include <statistics.h>
#include <traceopener.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QStringList>

#include <cstdio>
#include <cstring>
#include <random>

using namespace spanscope;

namespace {

storage::TraceData makeTrace(int spans, std::mt19937_64 &rng)
{
    storage::TraceData trace;
    for (const char *service : {"frontend", "checkout", "inventory", "payments"}) {
        storage::Resource resource;
        resource.attributes = {{"service.name", {std::string(service)}}};
        trace.resources.push_back(std::move(resource));
    }
    trace.scopes.resize(1);
    trace.spans.resize(spans);
    for (int i = 0; i < spans; ++i) {
        storage::StoredSpan &stored = trace.spans[i];
        storage::Span &span = stored.span;
        const std::uint64_t id = static_cast<std::uint64_t>(i) + 1;
        std::memcpy(span.spanId.data(), &id, sizeof id);
        if (i > 0) {
            const std::uint64_t parent = static_cast<std::uint64_t>((i - 1) / 8) + 1;
            std::memcpy(span.parentSpanId.data(), &parent, sizeof parent);
        }
        span.kind = i > 0 ? storage::SpanKind::Client : storage::SpanKind::Server;
        span.name = "SELECT items";
        span.startUnixNano = 1'700'000'000'000'000'000ull + static_cast<std::uint64_t>(i) * 1000;
        span.endUnixNano = span.startUnixNano + 500 + rng() % 5'000'000;
        span.attributes = {{"db.system.name", {std::string("postgresql")}},
                           {"db.query.text",
                            {"SELECT id, name, price FROM items WHERE id = " + std::to_string(i)}}};
        stored.resource = static_cast<int>(rng() % 4);
    }
    trace.summary.startNs = static_cast<std::int64_t>(trace.spans.front().span.startUnixNano);
    trace.summary.endNs = static_cast<std::int64_t>(trace.spans.back().span.endUnixNano);
    return trace;
}

double elapsedMs(const QElapsedTimer &timer)
{
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

// Builds the flame graph's frames, then lays them out and paints the view once, as opening the
// tab does; returns {build ms, paint ms}.
std::pair<double, double> flameGraphMs(const storage::TraceData &trace,
                                       const analysis::SpanTree &tree)
{
    QElapsedTimer timer;
    timer.start();
    auto analysed = std::make_shared<ui::TraceAnalysis>();
    analysed->trace = std::shared_ptr<const storage::TraceData>(&trace, [](auto *) {}); // borrowed
    analysed->flame = analysis::FlameGraph::build(trace, tree);
    const double buildMs = elapsedMs(timer);
    ui::FlameGraphView view;
    view.resize(1600, 900);
    QImage image(view.size(), QImage::Format_ARGB32_Premultiplied);
    timer.restart();
    view.setAnalysis(std::move(analysed));
    view.render(&image);
    return {buildMs, elapsedMs(timer)};
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QStringList sizes{QStringLiteral("1000"), QStringLiteral("100000"), QStringLiteral("1000000")};
    const QStringList args = app.arguments();
    if (const auto at = args.indexOf(QStringLiteral("--sizes")); at >= 0 && at + 1 < args.size())
        sizes = args[at + 1].split(QLatin1Char(','));
    std::mt19937_64 rng(7);
    std::printf("%-10s %12s %12s %12s %12s %12s %9s\n", "spans", "tree", "statistics", "insights",
                "flame build", "flame paint", "findings");
    for (const QString &size : sizes) {
        const storage::TraceData trace = makeTrace(size.toInt(), rng);
        QElapsedTimer timer;
        timer.start();
        const analysis::SpanTree tree(trace);
        const double treeMs = elapsedMs(timer);
        timer.restart();
        std::size_t rows = 0;
        for (const auto grouping : {analysis::Grouping::ServiceAndOperation,
                                    analysis::Grouping::Operation, analysis::Grouping::Service})
            rows += analysis::traceStatistics(trace, tree, grouping).size();
        const double statisticsMs = elapsedMs(timer);
        timer.restart();
        const auto found = analysis::findInsights(trace, tree);
        const double insightsMs = elapsedMs(timer);
        const auto [flameBuildMs, flamePaintMs] = flameGraphMs(trace, tree);
        std::printf("%-10s %9.1f ms %9.1f ms %9.1f ms %9.1f ms %9.1f ms %9zu\n", qPrintable(size),
                    treeMs, statisticsMs, insightsMs, flameBuildMs, flamePaintMs, found.size());
        if (rows == 0)
            return 1;
    }
    return 0;
}

// Opening and painting big traces, as the window does it. For traces of 1 000, 100 000 and
// 1 000 000 spans (fan-out 8, four services, two attributes per span, shuffled arrival) written
// to a real database, it times: reading the trace from SQLite, building the waterfall layout, and
// the first paint of the waterfall, and their sum ("open"). Then, on the 100 000-span trace, it
// paints 600 frames while scrolling and zooming (software rendering, 1400x900 window) and prints
// the p50/p99/max paint time.
//
// Usage: trace_view_bench [--sizes 1000,100000,1000000]   (QT_QPA_PLATFORM=offscreen works)

#include <spanwriter.h>
#include <tracestore.h>
#include <waterfallview.h>

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QWindow>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>

using namespace spanscope;

namespace {

storage::TraceId benchTraceId(int spans)
{
    storage::TraceId id{};
    id[0] = 0xbe;
    std::memcpy(id.data() + 8, &spans, sizeof spans);
    return id;
}

bool writeTrace(storage::SpanWriter &writer, int spans, std::mt19937_64 &rng)
{
    const char *services[] = {"frontend", "checkout", "inventory", "payments"};
    std::vector<int> order(spans);
    for (int i = 0; i < spans; ++i)
        order[i] = i;
    std::shuffle(order.begin(), order.end(), rng);
    constexpr int BatchSpans = 5000; // as an SDK's batch processor would send them
    for (int first = 0; first < spans; first += BatchSpans) {
        storage::TraceBatch batch;
        for (const char *service : services) {
            storage::ScopedSpans group;
            group.resource.attributes = {{"service.name", {std::string(service)}}};
            group.scope.name = "bench";
            batch.groups.push_back(std::move(group));
        }
        for (int k = first; k < std::min(spans, first + BatchSpans); ++k) {
            const int i = order[k];
            storage::Span span;
            span.traceId = benchTraceId(spans);
            const std::uint64_t id = static_cast<std::uint64_t>(i) + 1;
            std::memcpy(span.spanId.data(), &id, sizeof id);
            if (i > 0) {
                const std::uint64_t parent = static_cast<std::uint64_t>((i - 1) / 8) + 1;
                std::memcpy(span.parentSpanId.data(), &parent, sizeof parent);
            }
            span.name = i % 3 ? "SELECT orders" : "GET /api/items/{id}";
            span.startUnixNano
                = 1'700'000'000'000'000'000ull + static_cast<std::uint64_t>(i) * 1000;
            span.endUnixNano = span.startUnixNano + 500 + rng() % 100'000;
            span.attributes = {{"http.route", {std::string("/api/items/{id}")}},
                               {"item.id", {static_cast<std::int64_t>(i)}}};
            batch.groups[rng() % 4].spans.push_back(std::move(span));
        }
        if (!writer.writeTraces(std::move(batch)).committed())
            return false;
    }
    return true;
}

double elapsedMs(const QElapsedTimer &timer)
{
    return static_cast<double>(timer.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication application(argc, argv);
    std::vector<int> sizes{1'000, 100'000, 1'000'000};
    const QStringList arguments = application.arguments();
    if (const qsizetype at = arguments.indexOf(QStringLiteral("--sizes"));
        at >= 0 && at + 1 < arguments.size()) {
        sizes.clear();
        for (const QString &size : arguments[at + 1].split(QLatin1Char(',')))
            sizes.push_back(size.toInt());
    }
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("bench.db")).toStdString();
    std::mt19937_64 rng(7);
    {
        storage::WriterOptions options;
        options.retentionBytes = std::int64_t(8) << 30;
        auto writer = storage::SpanWriter::open(path, options);
        if (!writer) {
            std::fprintf(stderr, "trace_view_bench: %s\n", writer.error().c_str());
            return 1;
        }
        for (const int spans : sizes) {
            if (!writeTrace(**writer, spans, rng)) {
                std::fprintf(stderr, "trace_view_bench: writing %d spans failed\n", spans);
                return 1;
            }
        }
        (*writer)->shutdown();
    }
    auto store = storage::TraceStore::open(path);
    if (!store) {
        std::fprintf(stderr, "trace_view_bench: %s\n", store.error().c_str());
        return 1;
    }

    ui::WaterfallView view;
    view.resize(1400, 900);
    view.show();
    // Paints only happen once the window is exposed.
    QElapsedTimer exposure;
    exposure.start();
    while (!(view.windowHandle() && view.windowHandle()->isExposed()) && exposure.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    std::printf("Opening a trace (SQLite read + layout + first paint, %dx%d, %s platform)\n",
                view.width(), view.height(), qPrintable(QGuiApplication::platformName()));
    std::printf("%9s %10s %10s %10s %10s\n", "spans", "read ms", "layout ms", "paint ms",
                "open ms");
    std::shared_ptr<const storage::TraceData> hundredK;
    std::shared_ptr<const ui::WaterfallLayout> hundredKLayout;
    for (const int spans : sizes) {
        QElapsedTimer timer;
        timer.start();
        auto loaded = (*store)->loadTrace(benchTraceId(spans));
        if (!loaded || !*loaded) {
            std::fprintf(stderr, "trace_view_bench: cannot read the %d-span trace\n", spans);
            return 1;
        }
        auto trace = std::make_shared<const storage::TraceData>(std::move(**loaded));
        const double read = elapsedMs(timer);
        timer.restart();
        auto layout
            = std::make_shared<const ui::WaterfallLayout>(ui::WaterfallLayout::build(*trace));
        const double build = elapsedMs(timer);
        timer.restart();
        view.setTrace(trace, layout);
        view.viewport()->repaint();
        const double paint = elapsedMs(timer);
        std::printf("%9zu %10.1f %10.1f %10.1f %10.1f\n", trace->spans.size(), read, build, paint,
                    read + build + paint);
        if (spans == 100'000) {
            hundredK = trace;
            hundredKLayout = layout;
        }
    }

    if (hundredK) {
        view.setTrace(hundredK, hundredKLayout);
        std::vector<double> frames;
        QScrollBar *bar = view.verticalScrollBar();
        for (int frame = 0; frame < 600; ++frame) {
            // Scroll by pages through the trace, zooming in and out at the middle as we go.
            bar->setValue((frame * 997) % std::max(1, bar->maximum()));
            const std::int64_t duration = hundredKLayout->durationNs();
            const std::int64_t width = duration >> (frame % 12);
            const std::int64_t from = (duration - width) / 2;
            view.showRange(from, from + width);
            QElapsedTimer timer;
            timer.start();
            view.viewport()->repaint();
            frames.push_back(elapsedMs(timer));
        }
        std::sort(frames.begin(), frames.end());
        std::printf("Paint while scrolling and zooming the 100000-span trace (%zu frames): "
                    "p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                    frames.size(), frames[frames.size() / 2], frames[frames.size() * 99 / 100],
                    frames.back());
    }
    return 0;
}

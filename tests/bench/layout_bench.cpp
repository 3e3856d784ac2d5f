// Waterfall layout benchmark: builds the row structure of synthetic traces of 1 000, 100 000 and
// 1 000 000 spans (a realistic fan-out: each span has up to 8 children, arrival order shuffled)
// and prints the build time. This is the layout step of opening a trace; the
// database read and the first paint are measured separately as they are built.
//
// Usage: layout_bench [--repeat N]

#include <waterfalllayout.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

using namespace spanscope;

namespace {

storage::TraceData syntheticTrace(int spans, std::mt19937_64 &rng)
{
    storage::TraceData data;
    for (const char *service : {"frontend", "checkout", "inventory", "payments"}) {
        storage::Resource resource;
        resource.attributes = {{"service.name", {std::string(service)}}};
        data.resources.push_back(resource);
    }
    data.scopes.resize(1);
    data.spans.resize(spans);
    for (int i = 0; i < spans; ++i) {
        storage::Span &span = data.spans[i].span;
        const std::uint64_t id = static_cast<std::uint64_t>(i) + 1;
        std::memcpy(span.spanId.data(), &id, sizeof id);
        if (i > 0) {
            const std::uint64_t parent = static_cast<std::uint64_t>((i - 1) / 8) + 1;
            std::memcpy(span.parentSpanId.data(), &parent, sizeof parent);
        }
        span.startUnixNano = 1'000'000 + static_cast<std::uint64_t>(i) * 1000;
        span.endUnixNano = span.startUnixNano + 500 + rng() % 100'000;
        data.spans[i].resource = static_cast<int>(rng() % 4);
    }
    std::shuffle(data.spans.begin(), data.spans.end(), rng);
    data.summary.startNs = 1'000'000;
    return data;
}

} // namespace

int main(int argc, char **argv)
{
    int repeat = 3;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--repeat" && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
    }
    std::mt19937_64 rng(7);
    std::printf("Waterfall layout build (best of %d), fan-out 8, shuffled arrival order\n", repeat);
    for (const int spans : {1'000, 100'000, 1'000'000}) {
        const storage::TraceData trace = syntheticTrace(spans, rng);
        double best = 1e9;
        int rows = 0;
        for (int r = 0; r < repeat; ++r) {
            const auto start = std::chrono::steady_clock::now();
            const auto layout = ui::WaterfallLayout::build(trace);
            best = std::min(
                best,
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
            rows = layout.rowCount();
        }
        std::printf("%9d spans  %8.2f ms  %d rows\n", spans, best, rows);
    }
    return 0;
}

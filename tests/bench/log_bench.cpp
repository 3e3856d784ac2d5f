// Log benchmarks.
//  1. Ingesting JSON log lines from a file (structlog-shaped, ~230 bytes, a third linked to a
//     span): parsing alone, into a database directly (`logs ingest --db`), and through a running
//     receiver over OTLP/gRPC (`logs ingest`), in lines per second.
//  2. Searching 1 000 000 stored records: the time to the first page (200 rows) for no filter,
//     a common word, a rare phrase, words with a severity, and one trace's records; median and
//     worst of 20 runs.
//
// Usage: log_bench [--lines N] [--records N]

#include <files/logdelivery.h>
#include <files/logfilereader.h>
#include <files/logline.h>
#include <ingestserver.h>
#include <otlpclient.h>
#include <spanwriter.h>
#include <tracestore.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace spanscope;

namespace {

const char *Words[] = {"order",    "payment", "cache",   "inventory", "shipping",
                       "customer", "refund",  "session", "checkout",  "invoice"};

std::string line(int n, std::mt19937_64 &rng)
{
    char trace[33], span[17];
    std::snprintf(trace, sizeof trace, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(n + 1));
    std::snprintf(span, sizeof span, "%016llx", static_cast<unsigned long long>(rng() | 1));
    std::string out = "{\"event\": \"";
    out += n % 3 == 0 ? "charge failed for order " + std::to_string(n)
                      : std::string(Words[rng() % 10]) + " " + Words[rng() % 10] + " updated";
    out += "\", \"level\": \"" + std::string(n % 3 == 0 ? "error" : "info")
        + "\", \"timestamp\": \"2026-11-24T10:00:00.123456Z\", \"order_id\": " + std::to_string(n)
        + ", \"user\": \"u" + std::to_string(rng() % 1000) + "\"";
    if (n % 3 == 1)
        out += std::string(", \"trace_id\": \"") + trace + "\", \"span_id\": \"" + span + "\"";
    return out + "}\n";
}

double seconds(const QElapsedTimer &timer)
{
    return static_cast<double>(timer.nsecsElapsed()) / 1e9;
}

void report(const char *what, std::uint64_t lines, double elapsed)
{
    std::printf("  %-34s %9.0f lines/s  (%llu lines in %.2f s)\n", what, lines / elapsed,
                static_cast<unsigned long long>(lines), elapsed);
}

int ingestBenchmark(const QTemporaryDir &dir, int lines)
{
    const QString path = dir.filePath(QStringLiteral("app.log"));
    std::mt19937_64 rng(11);
    {
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return 1;
        std::string chunk;
        for (int n = 0; n < lines; ++n) {
            chunk += line(n, rng);
            if (chunk.size() > (1 << 20)) {
                file.write(chunk.data(), static_cast<qint64>(chunk.size()));
                chunk.clear();
            }
        }
        file.write(chunk.data(), static_cast<qint64>(chunk.size()));
        std::printf("Ingesting %d JSON log lines (%.1f MB)\n", lines, file.size() / 1e6);
    }
    std::atomic<bool> never{false};

    QElapsedTimer timer;
    timer.start();
    ingest::LogFileReader parseOnly(path.toStdString(), {});
    auto parsed
        = parseOnly.run([](storage::LogBatch) -> storage::Result<bool> { return true; }, never);
    report("read + parse", parsed->lines, seconds(timer));

    auto writer
        = storage::SpanWriter::open(dir.filePath(QStringLiteral("direct.db")).toStdString(), {});
    timer.restart();
    ingest::LogFileReader direct(path.toStdString(), {});
    auto stored = direct.run(ingest::deliverToSink(**writer), never);
    (*writer)->shutdown();
    report("into a database (--db)", stored->lines, seconds(timer));

    ingest::IngestConfig config;
    config.databasePath = dir.filePath(QStringLiteral("served.db")).toStdString();
    config.grpcAddress = "127.0.0.1:0";
    config.httpPort = 0;
    auto server = ingest::IngestServer::start(config);
    if (!server)
        return 1;
    auto rejected = std::make_shared<std::atomic<std::uint64_t>>(0);
    timer.restart();
    ingest::LogFileReader sent(path.toStdString(), {});
    auto through = sent.run(
        ingest::deliverToReceiver(
            std::make_shared<ingest::OtlpGrpcClient>((*server)->grpcAddress()), rejected),
        never);
    report("through the receiver (OTLP/gRPC)", through->lines, seconds(timer));
    (*server)->stop();
    return 0;
}

int searchBenchmark(const QTemporaryDir &dir, int records)
{
    const std::string path = dir.filePath(QStringLiteral("search.db")).toStdString();
    std::mt19937_64 rng(5);
    storage::TraceId traceOfInterest{};
    {
        storage::WriterOptions options;
        options.retentionBytes = std::int64_t(8) << 30;
        auto writer = storage::SpanWriter::open(path, options);
        QElapsedTimer timer;
        timer.start();
        for (int first = 0; first < records; first += 10'000) {
            storage::LogBatch batch;
            batch.groups.emplace_back();
            batch.groups[0].resource.attributes = {{"service.name", {std::string("shop")}}};
            for (int n = first; n < std::min(records, first + 10'000); ++n) {
                auto parsed = ingest::parseLogLine(line(n, rng), 1);
                if (n == records / 2 / 3 * 3 + 1) // every third line is linked
                    traceOfInterest = parsed->record.traceId;
                batch.groups[0].records.push_back(std::move(parsed->record));
            }
            if (!(*writer)->writeLogs(std::move(batch)).committed())
                return 1;
        }
        (*writer)->shutdown();
        std::printf("Searching %d stored log records (written in %.1f s)\n", records,
                    seconds(timer));
    }
    auto store = storage::TraceStore::open(path);
    const auto measure = [&](const char *what, storage::LogFilter filter) {
        std::vector<double> times;
        std::size_t rows = 0;
        for (int run = 0; run < 20; ++run) {
            QElapsedTimer timer;
            timer.start();
            auto page = (*store)->findLogs(filter);
            times.push_back(seconds(timer) * 1000);
            rows = page ? page->logs.size() : 0;
        }
        std::sort(times.begin(), times.end());
        std::printf("  %-40s median %6.2f ms, worst %6.2f ms  (%zu rows)\n", what, times[10],
                    times.back(), rows);
    };
    storage::LogFilter all;
    measure("newest 200, no filter", all);
    storage::LogFilter common;
    common.text = "order";
    measure("word in 1/2 of the records: \"order\"", common);
    storage::LogFilter rare;
    rare.text = "charge failed for order " + std::to_string(records / 3 * 3 - 3);
    measure("a rare phrase (one record)", rare);
    storage::LogFilter severe;
    severe.text = "refund";
    severe.minSeverity = 17;
    measure("word + severity >= ERROR (no match)", severe);
    storage::LogFilter trace;
    trace.traceId = traceOfInterest;
    measure("one trace's records", trace);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication application(argc, argv);
    const QStringList arguments = application.arguments();
    const auto option = [&](const char *name, int fallback) {
        const qsizetype at = arguments.indexOf(QLatin1String(name));
        return at >= 0 && at + 1 < arguments.size() ? arguments[at + 1].toInt() : fallback;
    };
    QTemporaryDir dir;
    if (ingestBenchmark(dir, option("--lines", 500'000)) != 0)
        return 1;
    return searchBenchmark(dir, option("--records", 1'000'000));
}

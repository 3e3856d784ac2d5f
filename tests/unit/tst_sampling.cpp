// Receiver-side sampling: the ratio decisions (both algorithms, data-driven at their edges, and
// monotone), the policy's JSON form and its errors, and the sampling sink in front of a
// recording sink: traces kept or dropped whole, drop rules for traces and spans, keep errors,
// the rate limit, per-rule counts, and log records following their traces.

#include <policyfilewatcher.h>
#include <samplingpreview.h>
#include <samplingsink.h>
#include <spanwriter.h>
#include <tracestore.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <random>
#include <set>

using namespace spanscope;
using ingest::RatioAlgorithm;
using ingest::SamplingPolicy;
using ingest::SamplingSink;

namespace {

// Isolates the sink under test: records what reaches storage and what was counted.
class RecordingSink final : public storage::BatchSink
{
public:
    std::vector<storage::Span> spans;
    std::vector<storage::LogRecord> records;
    std::map<int, std::uint64_t> sampledOut; // by signal
    int writes = 0;

    storage::WriteOutcome writeTraces(storage::TraceBatch batch) override
    {
        ++writes;
        for (auto &group : batch.groups)
            spans.insert(spans.end(), group.spans.begin(), group.spans.end());
        return {};
    }
    storage::WriteOutcome writeLogs(storage::LogBatch batch) override
    {
        for (auto &group : batch.groups)
            records.insert(records.end(), group.records.begin(), group.records.end());
        return {};
    }
    storage::WriteOutcome writeMetrics(storage::MetricBatch) override { return {}; }
    void count(storage::Signal signal, Tally what, std::uint64_t items) override
    {
        if (what == Tally::SampledOut)
            sampledOut[int(signal)] += items;
    }
    void countRejectedRequest(storage::Signal, const std::string &) override {}
};

storage::TraceId traceWithLowBits(std::uint64_t low, std::uint8_t high = 1)
{
    storage::TraceId id{};
    id[0] = high;
    for (int i = 15; i >= 8; --i, low >>= 8)
        id[i] = static_cast<std::uint8_t>(low);
    return id;
}

storage::TraceId randomTrace(std::mt19937_64 &rng)
{
    storage::TraceId id{};
    for (auto &byte : id)
        byte = static_cast<std::uint8_t>(rng());
    return id;
}

storage::Span span(const storage::TraceId &trace, std::uint8_t id, std::uint8_t parent,
                   const std::string &name, bool error = false)
{
    storage::Span s;
    s.traceId = trace;
    s.spanId[7] = id;
    if (parent)
        s.parentSpanId[7] = parent;
    s.name = name;
    s.statusCode = error ? storage::StatusCode::Error : storage::StatusCode::Unset;
    return s;
}

storage::TraceBatch batchOf(std::vector<storage::Span> spans, const std::string &service = "api")
{
    storage::TraceBatch batch;
    batch.groups.emplace_back();
    batch.groups[0].resource.attributes = {{"service.name", {service}}};
    batch.groups[0].spans = std::move(spans);
    return batch;
}

std::set<storage::TraceId> tracesOf(const std::vector<storage::Span> &spans)
{
    std::set<storage::TraceId> out;
    for (const auto &s : spans)
        out.insert(s.traceId);
    return out;
}

} // namespace

class TestSampling : public QObject
{
    Q_OBJECT
private slots:
    void ratioDecisions_data()
    {
        QTest::addColumn<quint64>("low");
        QTest::addColumn<double>("ratio");
        QTest::addColumn<int>("algorithm");
        QTest::addColumn<bool>("kept");
        const int low64 = int(RatioAlgorithm::LowBits64),
                  consistent = int(RatioAlgorithm::Consistent56);
        // Python: low 64 bits < round(ratio * 2^64).
        QTest::newRow("low64 just under half")
            << quint64(0x7fffffffffffffff) << 0.5 << low64 << true;
        QTest::newRow("low64 at half") << quint64(0x8000000000000000) << 0.5 << low64 << false;
        QTest::newRow("low64 zero id bits, tiny ratio") << quint64(0) << 1e-9 << low64 << true;
        QTest::newRow("low64 ratio 0") << quint64(0) << 0.0 << low64 << false;
        QTest::newRow("low64 ratio 1") << quint64(~0ull) << 1.0 << low64 << true;
        // Consistent: R (low 56 bits) >= (1 - ratio) * 2^56.
        QTest::newRow("consistent at threshold")
            << quint64(0x80000000000000) << 0.5 << consistent << true;
        QTest::newRow("consistent below threshold")
            << quint64(0x7fffffffffffff) << 0.5 << consistent << false;
        QTest::newRow("consistent ignores byte 8")
            << quint64(0xff7fffffffffffff) << 0.5 << consistent << false;
        QTest::newRow("consistent 25 %: th:c")
            << quint64(0xc0000000000000) << 0.25 << consistent << true;
    }

    void ratioDecisions()
    {
        QFETCH(quint64, low);
        QFETCH(double, ratio);
        QFETCH(int, algorithm);
        QFETCH(bool, kept);
        QCOMPARE(ingest::ratioKeeps(traceWithLowBits(low), ratio, RatioAlgorithm(algorithm)), kept);
    }

    // A higher ratio keeps every trace a lower one keeps, and the share kept is the ratio.
    void ratiosAreMonotoneAndProportional()
    {
        std::mt19937_64 rng(3);
        for (const auto algorithm : {RatioAlgorithm::LowBits64, RatioAlgorithm::Consistent56}) {
            int keptAtTenth = 0;
            for (int i = 0; i < 20000; ++i) {
                const auto id = randomTrace(rng);
                const bool low = ingest::ratioKeeps(id, 0.1, algorithm);
                keptAtTenth += low ? 1 : 0;
                if (low)
                    QVERIFY(ingest::ratioKeeps(id, 0.3, algorithm));
            }
            QVERIFY2(keptAtTenth > 1800 && keptAtTenth < 2200,
                     qPrintable(QString::number(keptAtTenth)));
        }
    }

    void policyJsonRoundTripAndErrors()
    {
        const auto policy = SamplingPolicy::fromJson(
            R"({"ratio": 0.25, "algorithm": "consistent", "serviceRatios": {"billing": 1},
                "dropRules": [{"field": "attribute", "key": "http.route", "value": "/healthz"},
                              {"field": "name", "value": "SELECT 1", "scope": "span"}],
                "keepErrors": true, "maxTracesPerSecond": 50})");
        QVERIFY2(policy, policy ? "" : policy.error().c_str());
        QCOMPARE(policy->ratio, 0.25);
        QCOMPARE(policy->dropRules.size(), size_t(2));
        QVERIFY(policy->dropRules[0].wholeTrace);
        QVERIFY(!policy->dropRules[1].wholeTrace);
        const auto again = SamplingPolicy::fromJson(policy->toJson());
        QVERIFY(again);
        QCOMPARE(again->toJson(), policy->toJson());
        QCOMPARE(again->summary(),
                 std::string("ratio 25 % (consistent), 1 service ratio, 2 drop "
                             "rules, keep errors, at most 50 traces/s per service"));
        QVERIFY(SamplingPolicy::fromJson("{}")->keepsEverything());

        const std::pair<const char *, const char *> bad[] = {
            {"[1]", "not a JSON object"},
            {R"({"ratio": 2})", "ratio must be a number from 0 to 1"},
            {R"({"algorithm": "java"})", "algorithm must be"},
            {R"({"dropRules": [{"field": "attribute", "value": "x"}]})", "dropRules[0].field"},
            {R"({"dropRules": [{"value": "x", "scope": "tree"}]})", "dropRules[0].scope"},
            {R"({"ratoi": 0.5})", "Unknown or malformed sampling setting \"ratoi\""},
        };
        for (const auto &[json, message] : bad) {
            const auto parsed = SamplingPolicy::fromJson(json);
            QVERIFY2(!parsed, json);
            QVERIFY2(parsed.error().find(message) != std::string::npos, parsed.error().c_str());
        }
    }

    void keepingEverythingPassesBatchesThrough()
    {
        RecordingSink store;
        SamplingSink sink(store);
        std::mt19937_64 rng(1);
        const auto trace = randomTrace(rng);
        QVERIFY(sink.writeTraces(batchOf({span(trace, 1, 0, "GET /")})).committed());
        QCOMPARE(store.spans.size(), size_t(1));
        QVERIFY(store.sampledOut.empty());
    }

    // Traces arriving in pieces (two services, many batches) are kept or dropped whole.
    void tracesAreKeptOrDroppedWhole()
    {
        RecordingSink store;
        SamplingSink sink(store);
        SamplingPolicy policy;
        policy.ratio = 0.3;
        sink.setPolicy(policy);
        std::mt19937_64 rng(9);
        std::vector<storage::TraceId> traces;
        for (int i = 0; i < 1000; ++i)
            traces.push_back(randomTrace(rng));
        for (const auto &trace : traces) // children first, from another service
            QVERIFY(sink.writeTraces(batchOf({span(trace, 2, 1, "child")}, "worker")).committed());
        for (const auto &trace : traces)
            QVERIFY(sink.writeTraces(batchOf({span(trace, 1, 0, "root")})).committed());
        std::map<storage::TraceId, int> spansOf;
        for (const auto &s : store.spans)
            ++spansOf[s.traceId];
        for (const auto &[trace, count] : spansOf) {
            QCOMPARE(count, 2);
            QVERIFY(ingest::ratioKeeps(trace, 0.3, RatioAlgorithm::LowBits64));
        }
        QVERIFY(spansOf.size() > 250 && spansOf.size() < 350);
        QCOMPARE(store.sampledOut[int(storage::Signal::Traces)], 2 * (1000 - spansOf.size()));
        const auto counts = sink.counts();
        QCOMPARE(counts[0].rule, std::string("ratio"));
        QCOMPARE(counts[0].keptTraces, spansOf.size());
        QCOMPARE(counts[0].droppedTraces, 1000 - spansOf.size());
        QCOMPARE(counts[0].droppedSpans, 2 * (1000 - spansOf.size()));
    }

    void dropRulesForTracesAndSpans()
    {
        RecordingSink store;
        SamplingSink sink(store);
        auto policy = SamplingPolicy::fromJson(
            R"({"dropRules": [{"field": "attribute", "key": "http.route", "value": "/healthz"},
                              {"field": "name", "value": "redis PING", "scope": "span"}]})");
        sink.setPolicy(*policy);
        std::mt19937_64 rng(2);
        const auto health = randomTrace(rng), order = randomTrace(rng);
        auto root = span(health, 1, 0, "GET /healthz");
        root.attributes = {{"http.route", {std::string("/healthz")}}};
        // The child comes first in the batch: the root still decides the whole trace.
        QVERIFY(sink.writeTraces(batchOf({span(health, 2, 1, "db ping"), root})).committed());
        QVERIFY(sink.writeTraces(batchOf({span(health, 3, 1, "late child")})).committed());
        QVERIFY(sink.writeTraces(
                        batchOf({span(order, 1, 0, "POST /orders"), span(order, 2, 1, "redis PING"),
                                 span(order, 3, 1, "INSERT orders")}))
                    .committed());
        QCOMPARE(tracesOf(store.spans), std::set<storage::TraceId>{order});
        QCOMPARE(store.spans.size(), size_t(2)); // without the PING span
        const auto counts = sink.counts();
        QCOMPARE(counts[4].rule, std::string("drop traces with root http.route = /healthz"));
        QCOMPARE(counts[4].droppedTraces, 1u);
        QCOMPARE(counts[4].droppedSpans, 3u);
        QCOMPARE(counts[5].droppedSpans, 1u);
        QCOMPARE(store.sampledOut[int(storage::Signal::Traces)], 4u);
        QCOMPARE(store.writes, 1); // the health check batches never reached storage
    }

    // Ratio 0 with keep errors: exactly the traces with an error, whole when the error arrives
    // with the rest (a later-arriving error keeps the spans from then on).
    void keepErrorsOverridesTheRatio()
    {
        RecordingSink store;
        SamplingSink sink(store);
        SamplingPolicy policy;
        policy.ratio = 0;
        policy.keepErrors = true;
        sink.setPolicy(policy);
        std::mt19937_64 rng(4);
        const auto ok = randomTrace(rng), failed = randomTrace(rng);
        QVERIFY(
            sink.writeTraces(batchOf({span(ok, 1, 0, "GET /a"), span(ok, 2, 1, "q")})).committed());
        QVERIFY(
            sink.writeTraces(batchOf({span(failed, 2, 1, "q"), span(failed, 3, 1, "charge", true),
                                      span(failed, 1, 0, "POST /pay")}))
                .committed());
        QCOMPARE(tracesOf(store.spans), std::set<storage::TraceId>{failed});
        QCOMPARE(store.spans.size(), size_t(3));
        QCOMPARE(sink.counts()[2].keptTraces, 1u);

        // The root first (its service exports sooner), the error later from another service:
        // the root waited, so the whole trace is kept.
        const auto late = randomTrace(rng);
        QVERIFY(sink.writeTraces(batchOf({span(late, 1, 0, "GET /checkout")})).committed());
        QVERIFY(
            sink.writeTraces(batchOf({span(late, 2, 1, "charge", true)}, "payments")).committed());
        QCOMPARE(tracesOf(store.spans), (std::set<storage::TraceId>{failed, late}));
        QCOMPARE(store.spans.size(), size_t(5));
        sink.flush(); // the quiet error-free trace is dropped by the ratio
        QCOMPARE(store.spans.size(), size_t(5));
        QCOMPARE(sink.counts()[0].droppedTraces, 1u);
    }

    void rateLimitCapsNewTracesPerService()
    {
        RecordingSink store;
        SamplingSink sink(store);
        SamplingPolicy policy;
        policy.maxTracesPerSecond = 5;
        sink.setPolicy(policy);
        std::mt19937_64 rng(6);
        for (int i = 0; i < 50; ++i) {
            const auto trace = randomTrace(rng);
            QVERIFY(sink.writeTraces(batchOf({span(trace, 1, 0, "GET /")}, "web")).committed());
            QVERIFY(sink.writeTraces(batchOf({span(trace, 2, 1, "more")}, "web")).committed());
        }
        const auto kept = tracesOf(store.spans).size();
        QVERIFY2(kept >= 5 && kept <= 6, qPrintable(QString::number(kept))); // a burst of 50
        QCOMPARE(store.spans.size(), 2 * kept); // later spans follow their trace's decision
        QCOMPARE(sink.counts()[1].droppedTraces, 50 - kept);
        // Another service has its own budget.
        QVERIFY(
            sink.writeTraces(batchOf({span(randomTrace(rng), 1, 0, "GET /")}, "api")).committed());
        QCOMPARE(tracesOf(store.spans).size(), kept + 1);
    }

    void logRecordsFollowTheirTraces()
    {
        RecordingSink store;
        SamplingSink sink(store);
        SamplingPolicy policy;
        policy.ratio = 0.5;
        sink.setPolicy(policy);
        const auto keptTrace = traceWithLowBits(1), droppedTrace = traceWithLowBits(~0ull);
        storage::LogBatch logs;
        logs.groups.emplace_back();
        for (const auto &trace : {keptTrace, droppedTrace, storage::TraceId{}}) {
            storage::LogRecord record;
            record.traceId = trace;
            logs.groups[0].records.push_back(record);
        }
        QVERIFY(sink.writeLogs(std::move(logs)).committed());
        QCOMPARE(store.records.size(), size_t(2)); // the kept trace's, and the unlinked one
        QCOMPARE(store.sampledOut[int(storage::Signal::Logs)], 1u);
    }

    // Rules that look at the root hold a trace's other spans until it arrives, even from
    // another service and in a later batch.
    void spansWaitForTheirRoot()
    {
        RecordingSink store;
        SamplingSink sink(store);
        auto policy = SamplingPolicy::fromJson(
            R"({"dropRules": [{"field": "name", "value": "GET /healthz"}], "decisionWaitMs": 60000})");
        sink.setPolicy(*policy);
        std::mt19937_64 rng(8);
        const auto health = randomTrace(rng), order = randomTrace(rng);
        QVERIFY(sink.writeTraces(batchOf({span(health, 2, 1, "ping"), span(order, 2, 1, "query")},
                                         "backend"))
                    .committed());
        QVERIFY(store.spans.empty());
        QCOMPARE(sink.waitingSpans(), size_t(2));
        QVERIFY(sink.writeTraces(batchOf({span(health, 1, 0, "GET /healthz"),
                                          span(order, 1, 0, "GET /orders")}))
                    .committed());
        QCOMPARE(sink.waitingSpans(), size_t(0));
        QCOMPARE(tracesOf(store.spans), std::set<storage::TraceId>{order});
        QCOMPARE(store.spans.size(), size_t(2)); // the query waited and joined its root
        QCOMPARE(store.sampledOut[int(storage::Signal::Traces)], 2u);
    }

    // The hold is bounded in bytes, not only in spans: a few huge spans cannot take the memory
    // (11 700 held spans of ~220 KB once reached 4 GB). The longest-waiting traces are decided
    // when it is full, and counted.
    void theHoldIsBoundedInBytes()
    {
        RecordingSink store;
        SamplingSink sink(store, {1000, 1u << 20});
        SamplingPolicy policy;
        policy.keepErrors = true;
        policy.ratio = 0;
        policy.decisionWaitMs = 60000;
        sink.setPolicy(policy);
        std::mt19937_64 rng(12);
        for (int i = 0; i < 40; ++i) {
            storage::Span big = span(randomTrace(rng), 1, 0, "upload");
            big.attributes = {{"payload", {std::string(100'000, 'x')}}};
            QVERIFY(sink.writeTraces(batchOf({big})).committed());
            QVERIFY(sink.waitingBytes() <= (1u << 20));
        }
        QVERIFY(sink.waitingSpans() < 11);
        // Decided by the policy (no error, ratio 0: dropped), and counted, not lost silently.
        QCOMPARE(store.sampledOut[int(storage::Signal::Traces)] + sink.waitingSpans(), 40u);
        sink.flush();
        QCOMPARE(sink.waitingBytes(), size_t(0));
    }

    // A trace whose root does not come is decided by the ratio once it has been quiet for the
    // wait; flush() decides whatever still waits (at shutdown).
    void aTraceWithoutItsRootIsDecidedAfterTheWait()
    {
        RecordingSink store;
        SamplingSink sink(store);
        SamplingPolicy policy;
        policy.keepErrors = true;
        policy.decisionWaitMs = 50;
        sink.setPolicy(policy);
        std::mt19937_64 rng(10);
        QVERIFY(sink.writeTraces(batchOf({span(randomTrace(rng), 2, 1, "orphan")})).committed());
        QCOMPARE(sink.waitingSpans(), size_t(1));
        QTRY_COMPARE_WITH_TIMEOUT(store.spans.size(), size_t(1), 2000);
        QCOMPARE(sink.waitingSpans(), size_t(0));

        policy.decisionWaitMs = 60000;
        sink.setPolicy(policy);
        QVERIFY(sink.writeTraces(batchOf({span(randomTrace(rng), 2, 1, "orphan 2")})).committed());
        QCOMPARE(sink.waitingSpans(), size_t(1));
        sink.flush();
        QCOMPARE(store.spans.size(), size_t(2));
    }

    void slowTracesAreKept()
    {
        RecordingSink store;
        SamplingSink sink(store);
        auto policy = SamplingPolicy::fromJson(R"({"ratio": 0, "keepSlowerThanMs": 500})");
        sink.setPolicy(*policy);
        std::mt19937_64 rng(12);
        const auto slow = randomTrace(rng), fast = randomTrace(rng);
        auto slowRoot = span(slow, 1, 0, "GET /report");
        slowRoot.startUnixNano = 1'000'000'000;
        slowRoot.endUnixNano = slowRoot.startUnixNano + 600'000'000;
        auto fastRoot = span(fast, 1, 0, "GET /ping");
        fastRoot.startUnixNano = 1'000'000'000;
        fastRoot.endUnixNano = fastRoot.startUnixNano + 3'000'000;
        QVERIFY(sink.writeTraces(batchOf({span(slow, 2, 1, "render"), slowRoot, fastRoot}))
                    .committed());
        // A tail rule: the trace waits until it is quiet (here: until flushed) in case an error
        // or a slow root is still to come.
        QVERIFY(store.spans.empty());
        sink.flush();
        QCOMPARE(tracesOf(store.spans), std::set<storage::TraceId>{slow});
        QCOMPARE(store.spans.size(), size_t(2));
        QCOMPARE(sink.counts()[3].keptTraces, 1u);
    }

    // The preview over stored traces decides as the live sink would have.
    void previewAgreesWithTheLiveDecisions()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("preview.db")).toStdString();
        auto writer = storage::SpanWriter::open(path, {});
        QVERIFY(writer);
        auto policy = SamplingPolicy::fromJson(
            R"({"ratio": 0.5, "keepErrors": true,
                "dropRules": [{"field": "attribute", "key": "http.route", "value": "/healthz"},
                              {"field": "service", "value": "poller"}]})");
        RecordingSink live;
        SamplingSink sink(live);
        sink.setPolicy(*policy);
        std::mt19937_64 rng(21);
        for (int i = 0; i < 300; ++i) {
            const auto trace = randomTrace(rng);
            auto root = span(trace, 1, 0, i % 10 == 0 ? "GET /healthz" : "GET /orders", i % 7 == 0);
            root.startUnixNano = 1'700'000'000'000'000'000ull + std::uint64_t(i) * 1'000'000;
            root.endUnixNano = root.startUnixNano + 1'000'000;
            if (i % 10 == 0)
                root.attributes = {{"http.route", {std::string("/healthz")}}};
            const std::string service = i % 25 == 1 ? "poller" : "api";
            QVERIFY((*writer)->writeTraces(batchOf({root}, service)).committed());
            QVERIFY(sink.writeTraces(batchOf({root}, service)).committed());
        }
        (*writer)->shutdown();
        sink.flush(); // keep errors is a tail rule: traces wait until they are quiet
        auto store = storage::TraceStore::open(path);
        QVERIFY(store);
        auto preview = ingest::previewPolicy(**store, *policy);
        QVERIFY(preview);
        QCOMPARE(preview->traces, 300);
        QCOMPARE(preview->kept, static_cast<int>(tracesOf(live.spans).size()));
        QCOMPARE(preview->droppedBy["drop traces with root http.route = /healthz"], 30);
        QCOMPARE(preview->droppedBy["drop traces with root service = poller"], 12);
        storage::TraceFilter all;
        all.limit = 1000;
        const auto summaries = (*store)->findTraces(all);
        QVERIFY(summaries);
        const auto keptLive = tracesOf(live.spans);
        for (const auto &summary : *summaries) // trace by trace
            QCOMPARE(preview->droppedKeys.count(summary.key) == 0,
                     keptLive.count(summary.traceId) > 0);
    }

    // `serve --sampling FILE` re-reads the file when it changes; a broken version is reported
    // and not applied.
    void policyFilesAreWatched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("policy.json"));
        const auto write = [&](const char *json) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(json);
        };
        write(R"({"ratio": 1})");
        QCOMPARE(ingest::loadSamplingPolicy(path.toStdString())->ratio, 1.0);
        std::mutex mutex;
        std::vector<std::string> seen; // summaries, or errors
        ingest::PolicyFileWatcher watcher(path.toStdString(), [&](auto policy) {
            std::lock_guard lock(mutex);
            seen.push_back(policy ? policy->summary() : "error: " + policy.error());
        });
        QTest::qWait(2 * ingest::PolicyFileWatcher::PollMs);
        write(R"({"ratio": 0.5, "extra": true})");
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                std::lock_guard lock(mutex);
                return seen.size() == 1;
            }(),
            3000);
        QVERIFY(seen[0].find("error: ") == 0);
        QVERIFY(seen[0].find("policy.json") != std::string::npos);
        write(R"({"ratio": 0.25})");
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                std::lock_guard lock(mutex);
                return seen.size() == 2;
            }(),
            3000);
        QCOMPARE(seen[1], std::string("ratio 25 % (low 64 bits)"));
        QVERIFY(
            !ingest::loadSamplingPolicy(dir.filePath(QStringLiteral("none.json")).toStdString()));
    }

    void aNewPolicyStartsAfresh()
    {
        RecordingSink store;
        SamplingSink sink(store);
        SamplingPolicy none;
        none.ratio = 0;
        sink.setPolicy(none);
        const auto trace = traceWithLowBits(5);
        QVERIFY(sink.writeTraces(batchOf({span(trace, 1, 0, "a")})).committed());
        QVERIFY(store.spans.empty());
        sink.setPolicy({});
        QCOMPARE(sink.counts()[0].droppedTraces, 0u);
        QVERIFY(sink.writeTraces(batchOf({span(trace, 2, 1, "b")})).committed());
        QCOMPARE(store.spans.size(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestSampling)
#include "tst_sampling.moc"

#pragma once

#include "samplingpolicy.h"

#include <batchsink.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace spanscope::ingest {

// Applies the receiver-side sampling policy between the receivers and storage: spans and log
// records the policy drops are counted (per rule here, and as `*.sampled_out` in the store),
// never silently lost; the rest go on to `next`. A trace is decided once and the decision is
// remembered (for the most recent traces), so it is kept or dropped whole.
//
// Trace drop rules decide when the root arrives; until then the trace's other spans wait in
// memory (bounded). Tail rules (keep errors, keep slow) hold every span of a trace, root included,
// until the trace has been quiet for the policy's wait; a span in error decides at once. A trace
// without its root is decided by the ratio when it has been quiet. Senders are answered at
// once, so waiting spans are lost if the process dies: the one exception to "acknowledged means
// committed", and only while such rules are set. The policy can be replaced while receivers run.
class SamplingSink final : public storage::BatchSink
{
public:
    static constexpr std::size_t RememberedTraces = 100'000;
    // What waiting spans may hold, in count and in bytes; beyond either, the traces that have
    // waited longest are decided at once (and counted like any decision).
    struct Limits
    {
        std::size_t maxWaitingSpans = 200'000;
        std::size_t maxWaitingBytes = 256u << 20;
    };

    explicit SamplingSink(storage::BatchSink &next);
    SamplingSink(storage::BatchSink &next, Limits limits);
    ~SamplingSink() override;

    // Replaces the policy; waiting spans are decided first, and decisions and counts made under
    // the old policy are forgotten.
    void setPolicy(SamplingPolicy policy);
    SamplingPolicy policy() const;
    // Decides every waiting trace now and hands it on (at shutdown, before the writer stops).
    void flush();
    std::size_t waitingSpans() const;
    std::size_t waitingBytes() const;

    struct RuleCount
    {
        std::string rule;
        std::uint64_t keptTraces = 0, droppedTraces = 0, keptSpans = 0, droppedSpans = 0;
    };
    // What each rule decided since the policy was set: the ratio, the rate limit, keep errors,
    // keep slow, then each drop rule.
    std::vector<RuleCount> counts() const;

    storage::WriteOutcome writeTraces(storage::TraceBatch batch) override;
    storage::WriteOutcome writeLogs(storage::LogBatch batch) override;
    // Metrics are not sampled: a dropped trace's exemplar simply opens nothing.
    storage::WriteOutcome writeMetrics(storage::MetricBatch batch) override
    {
        return m_next.writeMetrics(std::move(batch));
    }
    void count(storage::Signal signal, Tally what, std::uint64_t items) override;
    void countRejectedRequest(storage::Signal signal, const std::string &reason) override;

private:
    enum Rule : int { RatioRule, RateLimitRule, KeepErrorsRule, KeepSlowRule, FirstDropRule };
    struct Decision
    {
        bool keep = true;
        int rule = RatioRule;
    };
    struct Bucket
    {
        double tokens = 0;
        std::chrono::steady_clock::time_point filled;
    };
    struct TraceIdHash
    {
        std::size_t operator()(const storage::TraceId &id) const;
    };
    // A span waiting for its trace's root, with its group's resource and scope.
    struct WaitingSpan
    {
        std::shared_ptr<const storage::Resource> resource;
        std::shared_ptr<const storage::Scope> scope;
        storage::Span span;
        std::size_t bytes = 0;
    };
    struct Waiting
    {
        std::vector<WaitingSpan> spans;
        std::chrono::steady_clock::time_point lastSeen;
    };
    // Spans decided while the lock was held, to hand on after it is released.
    struct Outcome
    {
        storage::TraceBatch kept;
        std::uint64_t dropped = 0;
    };

    // All called with m_mutex held.
    const Decision *decided(const storage::TraceId &traceId) const;
    void remember(const storage::TraceId &traceId, Decision decision);
    Decision decideByRatio(const storage::Span &span, const storage::Resource &resource);
    Decision decideAtRoot(const storage::Span &root, const storage::Resource &resource);
    bool takeToken(const std::string &service);
    void resetCounts();
    void countSpan(const Decision &decision);
    // Applies the trace's decision to its waiting spans.
    void release(const storage::TraceId &traceId, Outcome &outcome);
    // Decides waiting traces quiet since `before` (all of them when `everything`), and the oldest
    // ones beyond the memory bounds.
    void decideWaiting(std::chrono::steady_clock::time_point before, bool everything,
                       Outcome &outcome);
    bool overLimits() const;

    storage::WriteOutcome handOn(Outcome outcome);
    void waitLoop();

    storage::BatchSink &m_next;
    mutable std::mutex m_mutex;
    SamplingPolicy m_policy;
    std::unordered_map<storage::TraceId, Decision, TraceIdHash> m_decisions;
    std::deque<storage::TraceId> m_decisionOrder; // oldest first, for forgetting
    std::unordered_map<storage::TraceId, Waiting, TraceIdHash> m_waiting;
    std::deque<storage::TraceId> m_waitingOrder; // first seen first; may hold released ids
    std::size_t m_waitingSpans = 0;
    std::size_t m_waitingBytes = 0;
    Limits m_limits;
    std::vector<RuleCount> m_counts;
    std::unordered_map<std::string, Bucket> m_buckets;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_waiter; // decides traces whose root did not come in time
};

} // namespace spanscope::ingest

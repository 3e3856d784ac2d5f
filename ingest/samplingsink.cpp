#include "samplingsink.h"

#include <QLoggingCategory>

#include <algorithm>
#include <cstring>

Q_LOGGING_CATEGORY(lcSampling, "spanscope.sampling", QtWarningMsg)

namespace spanscope::ingest {

namespace {

void addSpan(storage::TraceBatch &batch, const std::shared_ptr<const storage::Resource> &resource,
             const std::shared_ptr<const storage::Scope> &scope, storage::Span span)
{
    // Spans released together mostly share their group: append to the last one when it matches.
    if (batch.groups.empty() || !(batch.groups.back().resource == *resource)
        || !(batch.groups.back().scope == *scope)) {
        batch.groups.emplace_back();
        batch.groups.back().resource = *resource;
        batch.groups.back().scope = *scope;
    }
    batch.groups.back().spans.push_back(std::move(span));
}

} // namespace

std::size_t SamplingSink::TraceIdHash::operator()(const storage::TraceId &id) const
{
    std::uint64_t a, b;
    std::memcpy(&a, id.data(), 8);
    std::memcpy(&b, id.data() + 8, 8);
    return static_cast<std::size_t>((a ^ (b * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull);
}

SamplingSink::SamplingSink(storage::BatchSink &next)
    : SamplingSink(next, Limits())
{}

SamplingSink::SamplingSink(storage::BatchSink &next, Limits limits)
    : m_next(next)
    , m_limits(limits)
{
    resetCounts();
    m_waiter = std::thread([this] { waitLoop(); });
}

SamplingSink::~SamplingSink()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_waiter.join();
}

void SamplingSink::setPolicy(SamplingPolicy policy)
{
    flush(); // what waits was received under the old policy
    std::lock_guard lock(m_mutex);
    m_policy = std::move(policy);
    m_decisions.clear();
    m_decisionOrder.clear();
    m_buckets.clear();
    resetCounts();
    m_wake.notify_all();
}

SamplingPolicy SamplingSink::policy() const
{
    std::lock_guard lock(m_mutex);
    return m_policy;
}

std::size_t SamplingSink::waitingSpans() const
{
    std::lock_guard lock(m_mutex);
    return m_waitingSpans;
}

void SamplingSink::resetCounts()
{
    m_counts.assign(FirstDropRule, {});
    m_counts[RatioRule].rule = "ratio";
    m_counts[RateLimitRule].rule = "rate limit";
    m_counts[KeepErrorsRule].rule = "keep errors";
    m_counts[KeepSlowRule].rule = "keep slow traces";
    for (const DropRule &rule : m_policy.dropRules)
        m_counts.push_back({rule.name()});
}

std::vector<SamplingSink::RuleCount> SamplingSink::counts() const
{
    std::lock_guard lock(m_mutex);
    return m_counts;
}

const SamplingSink::Decision *SamplingSink::decided(const storage::TraceId &traceId) const
{
    const auto it = m_decisions.find(traceId);
    return it == m_decisions.end() ? nullptr : &it->second;
}

void SamplingSink::remember(const storage::TraceId &traceId, Decision decision)
{
    auto [it, added] = m_decisions.insert_or_assign(traceId, decision);
    if (added) {
        m_decisionOrder.push_back(traceId);
        if (m_decisionOrder.size() > RememberedTraces) {
            m_decisions.erase(m_decisionOrder.front());
            m_decisionOrder.pop_front();
        }
    }
    RuleCount &count = m_counts[decision.rule];
    ++(decision.keep ? count.keptTraces : count.droppedTraces);
}

void SamplingSink::countSpan(const Decision &decision)
{
    RuleCount &count = m_counts[decision.rule];
    ++(decision.keep ? count.keptSpans : count.droppedSpans);
}

bool SamplingSink::takeToken(const std::string &service)
{
    const auto now = std::chrono::steady_clock::now();
    const double rate = m_policy.maxTracesPerSecond;
    auto [it, added] = m_buckets.try_emplace(service, Bucket{rate, now});
    Bucket &bucket = it->second;
    if (!added) {
        const double elapsed = std::chrono::duration<double>(now - bucket.filled).count();
        bucket.tokens = std::min(std::max(rate, 1.0), bucket.tokens + elapsed * rate);
        bucket.filled = now;
    }
    if (bucket.tokens < 1.0)
        return false;
    bucket.tokens -= 1.0;
    return true;
}

SamplingSink::Decision SamplingSink::decideByRatio(const storage::Span &span,
                                                   const storage::Resource &resource)
{
    const std::string service = resource.serviceName();
    const auto own = m_policy.serviceRatios.find(service);
    const double ratio = own == m_policy.serviceRatios.end() ? m_policy.ratio : own->second;
    if (!ratioKeeps(span.traceId, ratio, m_policy.algorithm))
        return {false, RatioRule};
    if (m_policy.maxTracesPerSecond > 0 && !takeToken(service))
        return {false, RateLimitRule};
    return {true, RatioRule};
}

SamplingSink::Decision SamplingSink::decideAtRoot(const storage::Span &root,
                                                  const storage::Resource &resource)
{
    for (std::size_t r = 0; r < m_policy.dropRules.size(); ++r) {
        const DropRule &rule = m_policy.dropRules[r];
        if (rule.wholeTrace && rule.match.matches(root, resource))
            return {false, FirstDropRule + static_cast<int>(r)};
    }
    if (m_policy.keepErrors && root.statusCode == storage::StatusCode::Error)
        return {true, KeepErrorsRule};
    const auto duration = static_cast<std::int64_t>(root.endUnixNano - root.startUnixNano);
    if (m_policy.keepSlowerThanNs > 0 && root.endUnixNano > root.startUnixNano
        && duration >= m_policy.keepSlowerThanNs)
        return {true, KeepSlowRule};
    return decideByRatio(root, resource);
}

void SamplingSink::release(const storage::TraceId &traceId, Outcome &outcome)
{
    const auto waiting = m_waiting.find(traceId);
    const Decision *decision = decided(traceId);
    if (waiting == m_waiting.end() || !decision)
        return;
    for (WaitingSpan &span : waiting->second.spans) {
        m_waitingBytes -= span.bytes;
        countSpan(*decision);
        if (decision->keep)
            addSpan(outcome.kept, span.resource, span.scope, std::move(span.span));
        else
            ++outcome.dropped;
    }
    m_waitingSpans -= waiting->second.spans.size();
    m_waiting.erase(waiting);
}

bool SamplingSink::overLimits() const
{
    return m_waitingSpans > m_limits.maxWaitingSpans || m_waitingBytes > m_limits.maxWaitingBytes;
}

std::size_t SamplingSink::waitingBytes() const
{
    std::lock_guard lock(m_mutex);
    return m_waitingBytes;
}

void SamplingSink::decideWaiting(std::chrono::steady_clock::time_point before, bool everything,
                                 Outcome &outcome)
{
    std::vector<storage::TraceId> due;
    for (const auto &[traceId, waiting] : m_waiting) {
        if (everything || waiting.lastSeen <= before)
            due.push_back(traceId);
    }
    const auto decide = [&](const storage::TraceId &traceId) {
        const auto waiting = m_waiting.find(traceId);
        if (waiting == m_waiting.end())
            return;
        if (!decided(traceId)) {
            // With the root (held by tail rules) everything is known; without it, the ratio.
            const auto &spans = waiting->second.spans;
            const auto root = std::find_if(spans.begin(), spans.end(),
                                           [](const WaitingSpan &w) { return w.span.isRoot(); });
            remember(traceId,
                     root != spans.end()
                         ? decideAtRoot(root->span, *root->resource)
                         : decideByRatio(spans.front().span, *spans.front().resource));
        }
        release(traceId, outcome);
    };
    for (const storage::TraceId &traceId : due)
        decide(traceId);
    // Beyond the memory bounds, the traces that have waited longest are decided now.
    while (overLimits() && !m_waitingOrder.empty()) {
        decide(m_waitingOrder.front());
        m_waitingOrder.pop_front();
    }
    if (m_waitingOrder.size() > 2 * m_waiting.size() + 1024) { // forget released ids
        std::deque<storage::TraceId> still;
        for (const storage::TraceId &traceId : m_waitingOrder) {
            if (m_waiting.count(traceId))
                still.push_back(traceId);
        }
        m_waitingOrder = std::move(still);
    }
}

storage::WriteOutcome SamplingSink::writeTraces(storage::TraceBatch batch)
{
    Outcome outcome;
    {
        std::unique_lock lock(m_mutex);
        const bool atRoot = m_policy.decidesAtRoot();
        if (m_policy.keepsEverything() && !atRoot) {
            lock.unlock();
            return m_next.writeTraces(std::move(batch));
        }
        // Roots first: they decide their traces (drop rules, errors, slow, or the ratio). Tail
        // rules (keep errors, keep slow) wait until the trace is quiet, as an error may still come
        // from another service: then only a drop rule decides at once.
        const bool tail = m_policy.keepErrors || m_policy.keepSlowerThanNs > 0;
        for (const storage::ScopedSpans &group : batch.groups) {
            for (const storage::Span &span : group.spans) {
                if (!span.isRoot() || decided(span.traceId))
                    continue;
                if (tail) {
                    for (std::size_t r = 0; r < m_policy.dropRules.size(); ++r) {
                        const DropRule &rule = m_policy.dropRules[r];
                        if (rule.wholeTrace && rule.match.matches(span, group.resource)) {
                            remember(span.traceId, {false, FirstDropRule + static_cast<int>(r)});
                            release(span.traceId, outcome);
                            break;
                        }
                    }
                    continue; // otherwise held with the rest of its trace
                }
                remember(span.traceId,
                         atRoot ? decideAtRoot(span, group.resource)
                                : decideByRatio(span, group.resource));
                release(span.traceId, outcome);
            }
        }
        // Then errors: their traces are kept from here on, unless a drop rule said otherwise.
        if (m_policy.keepErrors) {
            for (const storage::ScopedSpans &group : batch.groups) {
                for (const storage::Span &span : group.spans) {
                    if (span.statusCode != storage::StatusCode::Error)
                        continue;
                    const Decision *before = decided(span.traceId);
                    if (!before) {
                        remember(span.traceId, {true, KeepErrorsRule});
                    } else if (!before->keep && before->rule < FirstDropRule) {
                        m_decisions[span.traceId] = {true, KeepErrorsRule};
                        ++m_counts[KeepErrorsRule].keptTraces;
                    }
                    release(span.traceId, outcome);
                }
            }
        }
        // Then every span: span drop rules, its trace's decision, or waiting for the root.
        const auto now = std::chrono::steady_clock::now();
        for (storage::ScopedSpans &group : batch.groups) {
            std::shared_ptr<const storage::Resource> resource;
            std::shared_ptr<const storage::Scope> scope;
            std::vector<storage::Span> kept;
            for (storage::Span &span : group.spans) {
                int spanRule = -1;
                for (std::size_t r = 0; r < m_policy.dropRules.size() && spanRule < 0; ++r) {
                    const DropRule &drop = m_policy.dropRules[r];
                    if (!drop.wholeTrace && drop.match.matches(span, group.resource))
                        spanRule = FirstDropRule + static_cast<int>(r);
                }
                if (spanRule >= 0) {
                    ++m_counts[spanRule].droppedSpans;
                    ++outcome.dropped;
                    continue;
                }
                const Decision *decision = decided(span.traceId);
                if (!decision && atRoot) {
                    if (!resource) {
                        resource = std::make_shared<const storage::Resource>(group.resource);
                        scope = std::make_shared<const storage::Scope>(group.scope);
                    }
                    auto [waiting, added] = m_waiting.try_emplace(span.traceId);
                    if (added)
                        m_waitingOrder.push_back(span.traceId);
                    const std::size_t bytes = storage::approximateBytes(span);
                    waiting->second.spans.push_back({resource, scope, std::move(span), bytes});
                    waiting->second.lastSeen = now;
                    ++m_waitingSpans;
                    m_waitingBytes += bytes;
                    continue;
                }
                if (!decision) {
                    remember(span.traceId, decideByRatio(span, group.resource));
                    decision = decided(span.traceId);
                }
                countSpan(*decision);
                if (decision->keep)
                    kept.push_back(std::move(span));
                else
                    ++outcome.dropped;
            }
            if (!kept.empty()) {
                outcome.kept.groups.emplace_back();
                outcome.kept.groups.back().resource = std::move(group.resource);
                outcome.kept.groups.back().scope = std::move(group.scope);
                outcome.kept.groups.back().spans = std::move(kept);
            }
        }
        if (overLimits())
            decideWaiting({}, false, outcome);
    }
    return handOn(std::move(outcome));
}

storage::WriteOutcome SamplingSink::handOn(Outcome outcome)
{
    if (outcome.dropped > 0)
        m_next.count(storage::Signal::Traces, Tally::SampledOut, outcome.dropped);
    if (outcome.kept.spanCount() == 0)
        return {}; // everything was sampled out or is waiting: the sender succeeded
    return m_next.writeTraces(std::move(outcome.kept));
}

void SamplingSink::flush()
{
    Outcome outcome;
    {
        std::lock_guard lock(m_mutex);
        decideWaiting({}, true, outcome);
    }
    if (const auto written = handOn(std::move(outcome)); !written.committed())
        qCWarning(lcSampling) << "waiting spans could not be stored:" << written.error.c_str();
}

void SamplingSink::waitLoop()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        const auto wait = std::chrono::milliseconds(std::max(10, m_policy.decisionWaitMs));
        m_wake.wait_for(lock, std::min(wait / 4, std::chrono::milliseconds(250)));
        if (m_stopping || m_waiting.empty())
            continue;
        Outcome outcome;
        decideWaiting(std::chrono::steady_clock::now() - wait, false, outcome);
        if (outcome.kept.spanCount() == 0 && outcome.dropped == 0)
            continue;
        lock.unlock();
        // A full queue is waited out: these spans were already acknowledged to their senders.
        if (outcome.dropped > 0)
            m_next.count(storage::Signal::Traces, Tally::SampledOut, outcome.dropped);
        storage::WriteOutcome written;
        for (int attempt = 0; attempt < 100 && outcome.kept.spanCount() > 0; ++attempt) {
            written = m_next.writeTraces(outcome.kept); // a copy, kept for another attempt
            if (written.committed() || written.status == storage::WriteOutcome::Status::Closed)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (!written.committed())
            qCWarning(lcSampling) << "spans that waited for their root could not be stored:"
                                  << written.error.c_str();
        lock.lock();
    }
}

storage::WriteOutcome SamplingSink::writeLogs(storage::LogBatch batch)
{
    std::uint64_t dropped = 0;
    {
        std::lock_guard lock(m_mutex);
        if (m_policy.keepsEverything())
            return m_next.writeLogs(std::move(batch));
        // A record follows its trace: dropped with it, or by the ratio before its trace is decided.
        for (storage::ScopedLogs &group : batch.groups) {
            const std::string service = group.resource.serviceName();
            const auto own = m_policy.serviceRatios.find(service);
            const double ratio = own == m_policy.serviceRatios.end() ? m_policy.ratio : own->second;
            std::vector<storage::LogRecord> kept;
            for (storage::LogRecord &record : group.records) {
                bool keep = true;
                if (storage::isValid(record.traceId)) {
                    const Decision *decision = decided(record.traceId);
                    keep = decision ? decision->keep
                                    : ratioKeeps(record.traceId, ratio, m_policy.algorithm);
                }
                if (keep)
                    kept.push_back(std::move(record));
                else
                    ++dropped;
            }
            group.records = std::move(kept);
        }
    }
    if (dropped > 0)
        m_next.count(storage::Signal::Logs, Tally::SampledOut, dropped);
    if (batch.recordCount() == 0)
        return {};
    return m_next.writeLogs(std::move(batch));
}

void SamplingSink::count(storage::Signal signal, Tally what, std::uint64_t items)
{
    m_next.count(signal, what, items);
}

void SamplingSink::countRejectedRequest(storage::Signal signal, const std::string &reason)
{
    m_next.countRejectedRequest(signal, reason);
}

} // namespace spanscope::ingest

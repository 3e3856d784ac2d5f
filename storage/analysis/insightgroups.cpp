#include "insightgroups.h"

#include <algorithm>
#include <map>

namespace spanscope::analysis {

const InsightCache::Entry *InsightCache::find(const storage::TraceSummary &summary,
                                              const InsightThresholds &thresholds) const
{
    if (!(thresholds == m_thresholds))
        return nullptr;
    const auto found = m_entries.find(summary.traceId);
    return found != m_entries.end() && found->second.spanCount == summary.spanCount ? &found->second
                                                                                    : nullptr;
}

void InsightCache::begin(const InsightThresholds &thresholds)
{
    if (!(thresholds == m_thresholds))
        m_entries.clear();
    m_thresholds = thresholds;
    m_next.clear();
    m_hits = 0;
}

void InsightCache::keep(const storage::TraceId &trace)
{
    const auto found = m_entries.find(trace);
    if (found == m_entries.end())
        return;
    ++m_hits;
    m_next.insert(m_entries.extract(found));
}

void InsightCache::put(const storage::TraceId &trace, Entry entry)
{
    m_next.insert_or_assign(trace, std::move(entry));
}

void InsightCache::finish()
{
    m_entries = std::move(m_next);
    m_next.clear();
}

storage::Result<InsightOverview> insightsAcross(storage::TraceStore &store,
                                                const storage::TraceFilter &filter,
                                                const InsightReading &reading)
{
    auto summaries = store.findTraces(filter);
    if (!summaries)
        return storage::Error{summaries.error()};
    InsightCache scratch;
    InsightCache &cache = reading.cache ? *reading.cache : scratch;
    cache.begin(reading.thresholds);
    InsightOverview out;
    struct Read
    {
        const storage::TraceSummary *summary;
        InsightCache::Entry entry;
    };
    std::vector<Read> read;
    for (const storage::TraceSummary &summary : *summaries) {
        if (summary.spanCount > reading.maxSpans) {
            ++out.skipped;
            continue;
        }
        InsightCache::Entry entry;
        if (const InsightCache::Entry *known = cache.find(summary, reading.thresholds)) {
            entry = *known;
            cache.keep(summary.traceId);
        } else {
            auto loaded = store.loadTrace(summary.traceId);
            if (!loaded)
                return storage::Error{loaded.error()};
            if (!*loaded)
                continue; // evicted since the list was read
            const storage::TraceData &trace = **loaded;
            const SpanTree tree(trace);
            entry.spanCount = summary.spanCount;
            entry.findings = findInsights(trace, tree, reading.thresholds);
            for (const Insight &insight : entry.findings)
                entry.firstSpans.push_back(trace.spans[insight.spans.front()].span.spanId);
            entry.ends = looseEnds(trace, tree);
            cache.put(summary.traceId, entry);
        }
        read.push_back({&summary, std::move(entry)});
    }
    cache.finish();
    out.traces = static_cast<int>(read.size());

    // Calls whose traceparent was lost join a server in one trace to a call in another.
    std::vector<TraceEnds> ends;
    for (const Read &one : read)
        ends.push_back({one.summary->traceId, one.entry.ends});
    const auto lost = lostPropagation(ends);
    for (std::size_t t = 0; t < lost.size(); ++t) {
        for (const Insight &insight : lost[t]) {
            read[t].entry.findings.push_back(insight);
            read[t].entry.firstSpans.push_back(ends[t].find(insight.spans.front())->spanId);
        }
    }

    std::map<std::string, InsightGroup> groups;
    for (Read &one : read) {
        const storage::TraceSummary &summary = *one.summary;
        InsightCache::Entry &entry = one.entry;
        std::map<std::string, bool> seenHere;
        for (std::size_t i = 0; i < entry.findings.size(); ++i) {
            Insight &insight = entry.findings[i];
            if (reading.ignored.contains(insight.fingerprint)) {
                ++out.ignored;
                continue;
            }
            InsightGroup &group = groups[insight.fingerprint];
            if (group.findings == 0) {
                group.exampleTrace = summary.traceId;
                group.exampleSpan = entry.firstSpans[i];
                group.firstSeenNs = group.lastSeenNs = summary.startNs;
            }
            ++group.findings;
            group.totalNs += insight.totalNs;
            group.savableNs += insight.savableNs;
            group.firstSeenNs = std::min(group.firstSeenNs, summary.startNs);
            group.lastSeenNs = std::max(group.lastSeenNs, summary.startNs);
            if (!seenHere[insight.fingerprint]) {
                seenHere[insight.fingerprint] = true;
                ++group.traces;
            }
            if (group.findings == 1)
                group.example = std::move(insight);
        }
    }
    for (auto &[fingerprint, group] : groups)
        out.groups.push_back(std::move(group));
    std::stable_sort(out.groups.begin(), out.groups.end(),
                     [](const InsightGroup &a, const InsightGroup &b) {
                         return a.savableNs > b.savableNs
                             || (a.savableNs == b.savableNs && a.totalNs > b.totalNs);
                     });
    return out;
}

} // namespace spanscope::analysis

#include "insightgroups.h"

#include <algorithm>
#include <map>

namespace spanscope::analysis {

storage::Result<InsightOverview> insightsAcross(storage::TraceStore &store,
                                                const storage::TraceFilter &filter,
                                                std::int64_t maxSpans)
{
    auto summaries = store.findTraces(filter);
    if (!summaries)
        return storage::Error{summaries.error()};
    InsightOverview out;
    std::map<std::string, InsightGroup> groups;
    for (const storage::TraceSummary &summary : *summaries) {
        if (summary.spanCount > maxSpans) {
            ++out.skipped;
            continue;
        }
        auto loaded = store.loadTrace(summary.traceId);
        if (!loaded)
            return storage::Error{loaded.error()};
        if (!*loaded)
            continue; // evicted since the list was read
        ++out.traces;
        const storage::TraceData &trace = **loaded;
        const SpanTree tree(trace);
        std::map<std::string, bool> seenHere;
        for (Insight &insight : findInsights(trace, tree)) {
            InsightGroup &group = groups[insight.fingerprint];
            if (group.findings == 0) {
                group.exampleTrace = summary.traceId;
                group.exampleSpan = trace.spans[insight.spans.front()].span.spanId;
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

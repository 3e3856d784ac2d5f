#include "samplingpreview.h"

#include <algorithm>
#include <set>

namespace spanscope::ingest {

storage::Result<SamplingPreview> previewPolicy(storage::TraceStore &store,
                                               const SamplingPolicy &policy, int maxTraces)
{
    storage::TraceFilter newest;
    newest.limit = std::max(1, maxTraces);
    auto summaries = store.findTraces(newest);
    if (!summaries)
        return storage::Error{summaries.error()};
    // Attribute rules: the stored traces with a span or resource carrying the value.
    std::vector<std::set<std::int64_t>> attributeMatches(policy.dropRules.size());
    for (std::size_t r = 0; r < policy.dropRules.size(); ++r) {
        const DropRule &rule = policy.dropRules[r];
        if (!rule.wholeTrace || rule.match.field != SpanMatch::Field::Attribute)
            continue;
        storage::TraceFilter matching;
        matching.attributes.push_back(
            {rule.match.key, storage::AttributeOp::Equals, rule.match.value});
        matching.limit = newest.limit;
        auto found = store.findTraces(matching);
        if (!found)
            return storage::Error{found.error()};
        for (const storage::TraceSummary &summary : *found)
            attributeMatches[r].insert(summary.key);
    }

    SamplingPreview preview;
    std::map<std::string, std::pair<double, std::int64_t>> buckets; // service -> (tokens, at ns)
    std::reverse(summaries->begin(), summaries->end()); // in arrival order, as they came
    for (const storage::TraceSummary &trace : *summaries) {
        ++preview.traces;
        std::string droppedBy;
        for (std::size_t r = 0; r < policy.dropRules.size() && droppedBy.empty(); ++r) {
            const DropRule &rule = policy.dropRules[r];
            if (!rule.wholeTrace)
                continue;
            const bool matches = rule.match.field == SpanMatch::Field::SpanName
                ? trace.rootName == rule.match.value
                : rule.match.field == SpanMatch::Field::Service
                ? trace.rootService == rule.match.value
                : attributeMatches[r].count(trace.key) > 0;
            if (matches)
                droppedBy = rule.name();
        }
        const bool forced = droppedBy.empty()
            && ((policy.keepErrors && trace.errorCount > 0)
                || (policy.keepSlowerThanNs > 0 && trace.durationNs() >= policy.keepSlowerThanNs));
        if (droppedBy.empty() && !forced) {
            const auto own = policy.serviceRatios.find(trace.rootService);
            const double ratio = own == policy.serviceRatios.end() ? policy.ratio : own->second;
            if (!ratioKeeps(trace.traceId, ratio, policy.algorithm)) {
                droppedBy = "ratio";
            } else if (policy.maxTracesPerSecond > 0) {
                auto [it, added] = buckets.try_emplace(
                    trace.rootService, std::pair{policy.maxTracesPerSecond, trace.startNs});
                auto &[tokens, at] = it->second;
                if (!added) {
                    const double elapsed = std::max<std::int64_t>(0, trace.startNs - at) / 1e9;
                    tokens = std::min(std::max(policy.maxTracesPerSecond, 1.0),
                                      tokens + elapsed * policy.maxTracesPerSecond);
                    at = std::max(at, trace.startNs);
                }
                if (tokens < 1.0)
                    droppedBy = "rate limit";
                else
                    tokens -= 1.0;
            }
        }
        if (droppedBy.empty()) {
            ++preview.kept;
        } else {
            ++preview.dropped;
            ++preview.droppedBy[droppedBy];
            preview.droppedKeys.emplace(trace.key, droppedBy);
        }
    }
    return preview;
}

} // namespace spanscope::ingest

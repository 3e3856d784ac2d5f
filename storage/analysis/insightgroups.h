#pragma once

#include "insights.h"

#include <tracestore.h>

#include <vector>

namespace spanscope::analysis {

// One problem across the stored traces: the findings that share a fingerprint.
struct InsightGroup
{
    Insight example; // the finding in the newest trace holding it
    storage::TraceId exampleTrace{};
    storage::SpanId exampleSpan{}; // the first span involved there
    int traces = 0;
    int findings = 0;
    std::int64_t totalNs = 0; // summed over every finding
    std::int64_t savableNs = 0;
    std::int64_t firstSeenNs = 0, lastSeenNs = 0; // trace start times
};

// Runs the detectors on the traces `filter` finds (newest first), grouping findings by
// fingerprint; most time to save first. Traces larger than `maxSpans` are skipped (counted in
// `skipped`), so one huge trace cannot stall the overview.
struct InsightOverview
{
    std::vector<InsightGroup> groups;
    int traces = 0; // read
    int skipped = 0;
};
storage::Result<InsightOverview> insightsAcross(storage::TraceStore &store,
                                                const storage::TraceFilter &filter,
                                                std::int64_t maxSpans = 200'000);

} // namespace spanscope::analysis

#pragma once

#include "insights.h"
#include "propagation.h"

#include <tracestore.h>

#include <map>
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

// The findings per trace of the last read, so that reading again runs the detectors only on
// traces that are new or grew since (and on every one when the thresholds change). Holds only
// the traces of the last read.
class InsightCache
{
public:
    struct Entry
    {
        std::int64_t spanCount = 0;
        std::vector<Insight> findings;
        std::vector<storage::SpanId> firstSpans; // per finding, its first span
        std::vector<LooseEnd> ends; // to match calls whose traceparent was lost
    };
    // The entry for a trace as `summary` describes it, or null when it must be read again.
    const Entry *find(const storage::TraceSummary &summary,
                      const InsightThresholds &thresholds) const;
    // Begins a read with these thresholds; entries not kept by keep() or put() since are
    // dropped by finish().
    void begin(const InsightThresholds &thresholds);
    void keep(const storage::TraceId &trace);
    void put(const storage::TraceId &trace, Entry entry);
    void finish();
    int hits() const { return m_hits; }

private:
    InsightThresholds m_thresholds;
    std::map<storage::TraceId, Entry> m_entries, m_next;
    int m_hits = 0;
};

// Runs the detectors on the traces `filter` finds (newest first), and matches their loose ends
// (lostPropagation), grouping findings by fingerprint; most time to save first. Traces larger than
// `maxSpans` are skipped (counted in `skipped`), so one huge trace cannot stall the overview.
struct InsightOverview
{
    std::vector<InsightGroup> groups;
    int traces = 0; // read
    int skipped = 0;
    int ignored = 0; // findings left out because their fingerprint is ignored
};
struct InsightReading
{
    InsightThresholds thresholds;
    std::set<std::string> ignored; // fingerprints
    std::int64_t maxSpans = 200'000;
    InsightCache *cache = nullptr; // optional
};
storage::Result<InsightOverview> insightsAcross(storage::TraceStore &store,
                                                const storage::TraceFilter &filter,
                                                const InsightReading &reading = {});

} // namespace spanscope::analysis

#pragma once

#include "spantree.h"

#include <string>
#include <vector>

namespace spanscope::analysis {

// What the statistics of a trace are grouped by.
enum class Grouping { ServiceAndOperation, Operation, Service };

// One group of a trace's spans (Jaeger's Trace Statistics, with self time).
struct StatisticsRow
{
    std::string service; // empty when grouped by operation only
    std::string operation; // empty when grouped by service only
    int count = 0;
    std::int64_t totalNs = 0; // the spans' durations summed
    std::int64_t selfNs = 0; // their self times summed
    std::int64_t minNs = 0, maxNs = 0;
    std::int64_t averageNs() const { return count ? totalNs / count : 0; }
    double percentOfTrace = 0; // self time as a share of the trace's duration
    std::vector<int> spans; // indices into TraceData::spans, in start order
};

// Biggest self time first.
std::vector<StatisticsRow> traceStatistics(const storage::TraceData &trace, const SpanTree &tree,
                                           Grouping grouping = Grouping::ServiceAndOperation);

} // namespace spanscope::analysis

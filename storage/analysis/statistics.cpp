#include "statistics.h"

#include <algorithm>
#include <map>

namespace spanscope::analysis {

std::vector<StatisticsRow> traceStatistics(const storage::TraceData &trace, const SpanTree &tree,
                                           Grouping grouping)
{
    std::vector<std::string> services;
    services.reserve(trace.resources.size());
    for (const storage::Resource &resource : trace.resources)
        services.push_back(resource.serviceName());
    std::map<std::pair<std::string, std::string>, StatisticsRow> groups;
    for (int i = 0; i < tree.size(); ++i) {
        const storage::StoredSpan &stored = trace.spans[i];
        std::string service = grouping == Grouping::Operation
            ? std::string()
            : services.at(static_cast<std::size_t>(stored.resource));
        std::string operation = grouping == Grouping::Service ? std::string() : stored.span.name;
        StatisticsRow &row = groups[{service, operation}];
        if (row.count == 0) {
            row.service = std::move(service);
            row.operation = std::move(operation);
            row.minNs = tree.durationNs(i);
        }
        ++row.count;
        row.totalNs += tree.durationNs(i);
        row.selfNs += tree.selfNs(i);
        row.minNs = std::min(row.minNs, tree.durationNs(i));
        row.maxNs = std::max(row.maxNs, tree.durationNs(i));
        row.spans.push_back(i);
    }
    const double traceNs
        = static_cast<double>(std::max<std::int64_t>(1, trace.summary.durationNs()));
    std::vector<StatisticsRow> out;
    out.reserve(groups.size());
    for (auto &[key, row] : groups) {
        row.percentOfTrace = 100.0 * static_cast<double>(row.selfNs) / traceNs;
        out.push_back(std::move(row));
    }
    std::stable_sort(out.begin(), out.end(), [](const StatisticsRow &a, const StatisticsRow &b) {
        return a.selfNs > b.selfNs;
    });
    return out;
}

} // namespace spanscope::analysis

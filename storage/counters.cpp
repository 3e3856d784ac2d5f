#include "counters.h"

#include <algorithm>
#include <array>

namespace spanscope::storage::counters {

namespace {

constexpr std::array<CounterInfo, 22> Registry{{
    {"spans.accepted", "spans", "stored (committed to the database)"},
    {"log_records.accepted", "records", "stored (committed to the database)"},
    {"metric_points.accepted", "points", "stored (committed to the database)"},
    {"spans.rejected", "spans",
     "invalid (bad ids), dropped from a good request; told in a "
     "partial success"},
    {"log_records.rejected", "records",
     "invalid, dropped from a good request; told in a "
     "partial success"},
    {"metric_points.rejected", "points", "invalid, dropped from a good request"},
    {"metric_points.overflowed", "points",
     "stored in an instrument's overflow series (over its series bound)"},
    {"spans.values_truncated", "spans", "had attributes dropped or values cut to the limits"},
    {"log_records.values_truncated", "records",
     "had attributes dropped or values cut to the "
     "limits"},
    {"spans.sampled_out", "spans", "not stored by the sampling policy"},
    {"log_records.sampled_out", "records", "not stored by the sampling policy"},
    {"spans.refused", "spans", "answered \"retry later\" (queue full, storage failing, stopping)"},
    {"log_records.refused", "records",
     "answered \"retry later\" (queue full, storage failing, "
     "stopping)"},
    {"metric_points.refused", "points",
     "answered \"retry later\" (queue full, storage failing, stopping)"},
    {"spans.duplicates", "spans", "delivered again (an exporter's retry) and stored once"},
    {"trace_requests.rejected", "requests",
     "refused whole: malformed, too large, wrong type, "
     "unauthorised"},
    {"log_requests.rejected", "requests",
     "refused whole: malformed, too large, wrong type, "
     "unauthorised"},
    {"metric_requests.rejected", "requests",
     "refused whole: malformed, too large, wrong type, "
     "unauthorised"},
    {"traces.evicted", "traces", "removed by retention (oldest unpinned first)"},
    {"spans.evicted", "spans", "removed by retention with their traces"},
    {"metric_points.evicted", "points", "removed by retention (oldest blocks first)"},
    {"metric_points.values_truncated", "points",
     "had attributes, exemplars or buckets cut to the limits"},
}};

} // namespace

std::span<const CounterInfo> registry()
{
    return Registry;
}

const CounterInfo *find(std::string_view name)
{
    const auto it = std::find_if(Registry.begin(), Registry.end(),
                                 [name](const CounterInfo &info) { return info.name == name; });
    return it == Registry.end() ? nullptr : &*it;
}

const char *itemsOf(Signal signal)
{
    switch (signal) {
    case Signal::Traces:
        return "spans";
    case Signal::Logs:
        return "log_records";
    case Signal::Metrics:
        return "metric_points";
    }
    return "spans";
}

std::string tally(Signal signal, BatchSink::Tally what)
{
    static constexpr const char *outcomes[]
        = {".accepted", ".rejected", ".values_truncated", ".sampled_out"};
    return itemsOf(signal) + std::string(outcomes[static_cast<int>(what)]);
}

std::string refused(Signal signal)
{
    return itemsOf(signal) + std::string(".refused");
}

std::string rejectedRequests(Signal signal)
{
    static constexpr const char *requests[]
        = {"trace_requests.rejected", "log_requests.rejected", "metric_requests.rejected"};
    return requests[static_cast<int>(signal)];
}

} // namespace spanscope::storage::counters

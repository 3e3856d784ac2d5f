#include "counters.h"

namespace spanscope::storage::counters {

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

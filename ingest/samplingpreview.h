#pragma once

#include "samplingpolicy.h"

#include <tracestore.h>

#include <map>
#include <string>
#include <vector>

namespace spanscope::ingest {

// What a candidate policy would have done to the traces already stored, before it is made live.
struct SamplingPreview
{
    int traces = 0; // looked at (the newest ones)
    int kept = 0;
    int dropped = 0;
    std::map<std::string, int> droppedBy; // rule -> traces
    std::map<std::int64_t, std::string> droppedKeys; // trace key -> the rule that dropped it
};

// Replays `policy` over the newest `maxTraces` stored traces, oldest first, as it would decide
// them on arrival: drop rules on the root (name and service exactly; attribute rules match when
// any span or resource of the trace has the value), keep errors, keep slow (the trace's
// duration), the ratio by trace id, and the rate limit by the traces' start times. Span drop
// rules do not remove traces and are not counted.
storage::Result<SamplingPreview>
previewPolicy(storage::TraceStore &store, const SamplingPolicy &policy, int maxTraces = 10'000);

} // namespace spanscope::ingest

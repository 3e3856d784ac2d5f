#pragma once

#include "insights.h"

#include <vector>

namespace spanscope::analysis {

// The ends of calls that a trace does not join itself: a call to another service (HTTP or RPC)
// with no child in the trace, and a server span with no parent. Across traces, a server that
// ran inside such a call of another service, in a trace of its own, is a call whose
// `traceparent` was lost: the caller did not send it, or the server did not read it.
struct LooseEnd
{
    bool server = false; // else a client call
    std::string service;
    std::string operation; // "service: span name"
    std::string pattern; // the client's call pattern; the server's span name
    std::int64_t startNs = 0, endNs = 0;
    int port = 0; // the port called (client) or listened on (server), when recorded
    storage::SpanId spanId{};
    int span = -1; // index into its TraceData::spans
};

std::vector<LooseEnd> looseEnds(const storage::TraceData &trace, const SpanTree &tree);

// One trace's loose ends among those of the others read with it.
struct TraceEnds
{
    storage::TraceId traceId{};
    std::vector<LooseEnd> ends;

    // The end of TraceData::spans[span], or null.
    const LooseEnd *find(int span) const;
};

// For every server end that ran inside a client end of another service in another trace
// (within `skewNs` at either side, the same port when both record one; the closest call when
// several could be it, each call used once): a broken-propagation finding for the server's
// trace. Returned per trace, in the order of `traces`.
std::vector<std::vector<Insight>> lostPropagation(const std::vector<TraceEnds> &traces,
                                                  std::int64_t skewNs = 2'000'000);

// The lost-propagation findings of one trace's servers, matched against the traces that
// started in the minute before it (the `neighbours` closest, read from `store` until they hold
// `maxSpans` together: opening a trace must not cost reading a hundred others). Nothing is
// read when the trace has no server without a parent.
storage::Result<std::vector<Insight>> lostPropagationInto(storage::TraceStore &store,
                                                          const storage::TraceData &trace,
                                                          const SpanTree &tree, int neighbours = 20,
                                                          std::int64_t maxSpans = 20'000);

} // namespace spanscope::analysis

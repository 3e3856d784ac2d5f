#pragma once

#include <tracestore.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace spanscope::analysis {

// One endpoint (a root service and operation) over the traces of a run.
struct EndpointRun
{
    int traces = 0;
    int errorTraces = 0;
    std::int64_t p50Ns = 0, p95Ns = 0, p99Ns = 0;
    double spansPerTrace = 0;
    double callsPerTrace = 0; // database, cache, HTTP and RPC client calls
    std::set<std::string> operations; // "service: name", a query by its statement
    std::set<std::string> errors; // "operation: exception type or status message"
    // The insight detectors' findings (defaults), by fingerprint: "kind: pattern".
    std::map<std::string, std::string> insights;

    storage::TraceId typicalTrace{}; // the trace whose duration is nearest the median
    // Per trace, its duration and the attribute values it has ("key=value", span and resource
    // attributes, short values only), to tell what slow traces share.
    std::vector<std::pair<std::int64_t, std::set<std::string>>> traceAttributes;

    double errorRate() const { return traces ? double(errorTraces) / traces : 0.0; }
};

// An endpoint in the baseline run (A) and the candidate (B).
struct EndpointChange
{
    std::string endpoint; // "service: root operation"
    EndpointRun runs[2];
    std::vector<std::string> newOperations, newErrors; // in B, not in A
    std::vector<std::string> missingOperations; // in A, not in B
    std::vector<std::string> newInsights; // "kind: pattern" of fingerprints B has and A not
    // Over both runs' traces of the endpoint: the attribute values that most separate its slow
    // quarter from the rest (Honeycomb's BubbleUp, plainly counted), most telling first.
    struct Separating
    {
        std::string attribute; // "key=value"
        double slowShare = 0, fastShare = 0; // of the slow traces, of the others, that have it
    };
    std::vector<Separating> separating;
    // The time B adds across its traces at the median beyond what is noise: (p50 B − p50 A,
    // less the larger of 5 ms and a quarter of p50 A, towards zero) × B's traces. A heavy
    // endpoint varying by itself on a busy machine does not outrank a real regression.
    std::int64_t impactNs = 0;
};

// The endpoints of the traces each filter finds (at most `maxTraces` each, newest first), side
// by side, the biggest impact first (by its size: faster counts too).
storage::Result<std::vector<EndpointChange>> compareRuns(storage::TraceStore &store,
                                                         const storage::TraceFilter &baseline,
                                                         const storage::TraceFilter &candidate,
                                                         int maxTraces = 5000);

// The start times a run mark names: after the newest mark called `name` and before the mark
// that followed it (none: until now). Nothing when no such mark is stored.
struct MarkedRange
{
    std::int64_t fromNs = 0;
    std::optional<std::int64_t> toNs;
};
storage::Result<std::optional<MarkedRange>> markedRange(storage::TraceStore &store,
                                                        const std::string &name);

// When `service` last started: the first trace of its newest service.instance.id (an SDK gives
// each process its own). Nothing when it has no trace; an error when it names no instance.
storage::Result<std::optional<std::int64_t>> lastRestartOf(storage::TraceStore &store,
                                                           const std::string &service);

// "service: name" of a span, a query named by its normalised statement and a URL call by its
// path, so that runs against another database file or port name the same operation.
std::string operationOf(const storage::Span &span, const std::string &service);

} // namespace spanscope::analysis

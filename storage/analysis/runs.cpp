#include "runs.h"

#include "errorgroups.h"
#include "insights.h"
#include "spantree.h"

#include <attributefilter.h>
#include <runmarks.h>
#include <tracetext.h>
#include <valuecodec.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

namespace spanscope::analysis {

namespace {

std::int64_t percentile(const std::vector<std::int64_t> &sorted, double share)
{
    if (sorted.empty())
        return 0;
    // Nearest rank: the smallest value at or above `share` of the values.
    const auto rank = static_cast<std::size_t>(std::ceil(share * double(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::string errorOf(const storage::Span &span)
{
    if (const auto exception = exceptionOf(span); exception && !exception->type.empty())
        return exception->type;
    return span.statusMessage.empty() ? std::string("error") : span.statusMessage;
}

using Runs = std::map<std::string, EndpointRun>;

storage::Result<Runs> readRun(storage::TraceStore &store, storage::TraceFilter filter,
                              int maxTraces)
{
    filter.limit = maxTraces;
    auto summaries = store.findTraces(filter);
    if (!summaries)
        return storage::Error{summaries.error()};
    Runs runs;
    std::map<std::string, std::vector<std::int64_t>> durations;
    std::map<std::string, std::vector<std::pair<std::int64_t, storage::TraceId>>> byDuration;
    std::map<std::string, std::int64_t> spans, calls;
    for (const storage::TraceSummary &summary : *summaries) {
        if (summary.rootService == storage::RunMarkService)
            continue; // a mark, not a request
        const std::string endpoint = summary.rootService + ": " + summary.rootName;
        EndpointRun &run = runs[endpoint];
        auto loaded = store.loadTrace(summary.traceId);
        if (!loaded)
            return storage::Error{loaded.error()};
        if (!*loaded)
            continue; // evicted since
        const storage::TraceData &trace = **loaded;
        ++run.traces;
        run.errorTraces += summary.errorCount > 0;
        durations[endpoint].push_back(summary.endNs - summary.startNs);
        byDuration[endpoint].emplace_back(summary.endNs - summary.startNs, summary.traceId);
        spans[endpoint] += static_cast<std::int64_t>(trace.spans.size());
        std::set<std::string> &attributes
            = run.traceAttributes
                  .emplace_back(summary.endNs - summary.startNs, std::set<std::string>{})
                  .second;
        const auto keep = [&attributes](const storage::KeyValue &kv) {
            // Bounded: at most 100 values of 120 bytes a trace, ~20 KB with the set: 0.2 GB for
            // two runs of 5 000 traces, the most compareRuns reads.
            constexpr std::size_t MaxValue = 120, MaxPerTrace = 100;
            // One per process or per connection: they say which run, not why it was slow.
            if (attributes.size() >= MaxPerTrace || kv.key == "service.instance.id"
                || kv.key == "net.peer.port" || kv.key == "client.port"
                || kv.key == "network.peer.port")
                return;
            std::string value = storage::scalarText(kv.value);
            std::replace(value.begin(), value.end(), '\n', ' '); // one line per attribute
            if (value.size() <= MaxValue)
                attributes.insert(kv.key + "=" + value);
        };
        for (const storage::Resource &resource : trace.resources)
            std::for_each(resource.attributes.begin(), resource.attributes.end(), keep);
        const SpanTree tree(trace);
        for (const Insight &insight : findInsights(trace, tree))
            run.insights.emplace(insight.fingerprint,
                                 std::string(kindName(insight.kind)) + ": " + insight.pattern);
        for (const storage::StoredSpan &stored : trace.spans) {
            const std::string operation = operationOf(
                stored.span,
                trace.resources.at(static_cast<std::size_t>(stored.resource)).serviceName());
            run.operations.insert(operation);
            std::for_each(stored.span.attributes.begin(), stored.span.attributes.end(), keep);
            if (stored.span.kind == storage::SpanKind::Client
                && (callsADatabase(stored.span) || callsAService(stored.span)))
                ++calls[endpoint];
            if (stored.span.statusCode == storage::StatusCode::Error)
                run.errors.insert(operation + ": " + errorOf(stored.span));
        }
    }
    for (auto &[endpoint, run] : runs) {
        std::vector<std::int64_t> &sorted = durations[endpoint];
        std::sort(sorted.begin(), sorted.end());
        run.p50Ns = percentile(sorted, 0.50);
        run.p95Ns = percentile(sorted, 0.95);
        run.p99Ns = percentile(sorted, 0.99);
        const auto &traces = byDuration[endpoint];
        const std::int64_t median = run.p50Ns; // a structured binding cannot be captured
        const auto typical = std::min_element(
            traces.begin(), traces.end(), [median](const auto &x, const auto &y) {
                return std::llabs(x.first - median) < std::llabs(y.first - median);
            });
        if (typical != traces.end())
            run.typicalTrace = typical->second;
        if (run.traces > 0) {
            run.spansPerTrace = double(spans[endpoint]) / run.traces;
            run.callsPerTrace = double(calls[endpoint]) / run.traces;
        }
    }
    return runs;
}

// The slow quarter of both runs' traces (at least one) against the rest: the attribute values
// whose share differs most, those more common among the slow first.
std::vector<EndpointChange::Separating> separatingAttributes(const EndpointRun &a,
                                                             const EndpointRun &b)
{
    std::vector<const std::pair<std::int64_t, std::set<std::string>> *> traces;
    for (const EndpointRun *run : {&a, &b}) {
        for (const auto &trace : run->traceAttributes)
            traces.push_back(&trace);
    }
    if (traces.size() < 2)
        return {};
    std::sort(traces.begin(), traces.end(),
              [](const auto *x, const auto *y) { return x->first > y->first; });
    const std::size_t slow = std::max<std::size_t>(1, traces.size() / 4);
    std::map<std::string, std::pair<int, int>> counts; // attribute -> (slow, fast)
    for (std::size_t i = 0; i < traces.size(); ++i) {
        for (const std::string &attribute : traces[i]->second)
            (i < slow ? counts[attribute].first : counts[attribute].second) += 1;
    }
    const double slowCount = double(slow), fastCount = double(traces.size() - slow);
    std::vector<EndpointChange::Separating> out;
    for (const auto &[attribute, count] : counts) {
        const double slowShare = count.first / slowCount, fastShare = count.second / fastCount;
        if (slowShare - fastShare >= 0.5) // most slow traces have it, most others do not
            out.push_back({attribute, slowShare, fastShare});
    }
    // Most telling first; among equals the shorter, which tends to be the version or the
    // setting rather than a statement that came with it.
    std::stable_sort(out.begin(), out.end(), [](const auto &x, const auto &y) {
        const double dx = x.slowShare - x.fastShare, dy = y.slowShare - y.fastShare;
        return dx != dy ? dx > dy : x.attribute.size() < y.attribute.size();
    });
    if (out.size() > 8)
        out.resize(8);
    return out;
}

} // namespace

storage::Result<std::optional<MarkedRange>> markedRange(storage::TraceStore &store,
                                                        const std::string &name)
{
    storage::TraceFilter named;
    named.attributes.push_back({storage::RunMarkAttribute, storage::AttributeOp::Equals, name, 0});
    named.limit = 1; // the newest
    auto mark = store.findTraces(named);
    if (!mark)
        return storage::Error{mark.error()};
    if (mark->empty())
        return std::optional<MarkedRange>();
    MarkedRange range;
    range.fromNs = mark->front().startNs + 1;
    storage::TraceFilter next;
    next.attributes.push_back({storage::RunMarkAttribute, storage::AttributeOp::Exists, {}, 0});
    next.startFromNs = range.fromNs;
    next.descending = false; // the first one after
    next.limit = 1;
    auto after = store.findTraces(next);
    if (!after)
        return storage::Error{after.error()};
    if (!after->empty())
        range.toNs = after->front().startNs - 1;
    return std::optional<MarkedRange>(range);
}

storage::Result<std::optional<std::int64_t>> lastRestartOf(storage::TraceStore &store,
                                                           const std::string &service)
{
    storage::TraceFilter newest;
    newest.service = service;
    newest.limit = 1;
    auto latest = store.findTraces(newest);
    if (!latest)
        return storage::Error{latest.error()};
    if (latest->empty())
        return std::optional<std::int64_t>();
    auto loaded = store.loadTrace(latest->front().traceId);
    if (!loaded)
        return storage::Error{loaded.error()};
    std::string instance;
    if (*loaded) {
        for (const storage::Resource &resource : (*loaded)->resources) {
            if (resource.serviceName() != service)
                continue;
            for (const storage::KeyValue &kv : resource.attributes) {
                if (kv.key == "service.instance.id")
                    if (const auto *text = std::get_if<std::string>(&kv.value.value))
                        instance = *text;
            }
        }
    }
    if (instance.empty())
        return storage::Error{service
                              + " does not say which process sent it (no service.instance.id): "
                                "name the run by since=, attr= or mark= instead"};
    storage::TraceFilter first;
    first.service = service;
    first.attributes.push_back({"service.instance.id", storage::AttributeOp::Equals, instance, 0});
    first.descending = false;
    first.limit = 1;
    auto earliest = store.findTraces(first);
    if (!earliest)
        return storage::Error{earliest.error()};
    return std::optional<std::int64_t>(earliest->empty() ? latest->front().startNs
                                                         : earliest->front().startNs);
}

std::string operationOf(const storage::Span &span, const std::string &service)
{
    if (callsADatabase(span)) {
        const std::string call = callPattern(span);
        if (call != span.name)
            return service + ": " + call;
    }
    return service + ": " + span.name;
}

storage::Result<std::vector<EndpointChange>> compareRuns(storage::TraceStore &store,
                                                         const storage::TraceFilter &baseline,
                                                         const storage::TraceFilter &candidate,
                                                         int maxTraces)
{
    auto a = readRun(store, baseline, maxTraces);
    if (!a)
        return storage::Error{a.error()};
    auto b = readRun(store, candidate, maxTraces);
    if (!b)
        return storage::Error{b.error()};
    std::map<std::string, EndpointChange> merged;
    for (int side = 0; side < 2; ++side) {
        for (auto &[endpoint, run] : side == 0 ? *a : *b) {
            EndpointChange &change = merged[endpoint];
            change.endpoint = endpoint;
            change.runs[side] = std::move(run);
        }
    }
    std::vector<EndpointChange> out;
    for (auto &[endpoint, change] : merged) {
        const EndpointRun &ra = change.runs[0];
        const EndpointRun &rb = change.runs[1];
        if (ra.traces > 0 && rb.traces > 0) { // a new or gone endpoint differs as a whole
            std::set_difference(rb.operations.begin(), rb.operations.end(), ra.operations.begin(),
                                ra.operations.end(), std::back_inserter(change.newOperations));
            std::set_difference(ra.operations.begin(), ra.operations.end(), rb.operations.begin(),
                                rb.operations.end(), std::back_inserter(change.missingOperations));
        }
        for (const auto &[fingerprint, what] : rb.insights) {
            if (!ra.insights.contains(fingerprint))
                change.newInsights.push_back(what);
        }
        std::set_difference(rb.errors.begin(), rb.errors.end(), ra.errors.begin(), ra.errors.end(),
                            std::back_inserter(change.newErrors));
        const std::int64_t delta = rb.p50Ns - ra.p50Ns;
        const std::int64_t noise = std::max<std::int64_t>(5'000'000, ra.p50Ns / 4);
        const std::int64_t beyond = std::max<std::int64_t>(0, std::llabs(delta) - noise);
        change.impactNs = (delta < 0 ? -beyond : beyond) * rb.traces;
        change.separating = separatingAttributes(ra, rb);
        out.push_back(std::move(change));
    }
    std::stable_sort(out.begin(), out.end(), [](const EndpointChange &x, const EndpointChange &y) {
        return std::llabs(x.impactNs) > std::llabs(y.impactNs);
    });
    return out;
}

} // namespace spanscope::analysis

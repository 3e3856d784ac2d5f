#include "propagation.h"

#include <tracetext.h>

#include <algorithm>
#include <charconv>
#include <limits>

namespace spanscope::analysis {

namespace {

std::int64_t integerOf(const storage::Attributes &attributes, std::string_view key)
{
    for (const storage::KeyValue &kv : attributes) {
        if (kv.key != key)
            continue;
        if (const auto *number = std::get_if<std::int64_t>(&kv.value.value))
            return *number;
        if (const auto *text = std::get_if<std::string>(&kv.value.value)) {
            std::int64_t out = 0;
            std::from_chars(text->data(), text->data() + text->size(), out);
            return out;
        }
    }
    return 0;
}

// The port in "http://host:8000/path" (0 when there is none).
int portOfUrl(const storage::Attributes &attributes)
{
    for (const char *key : {"url.full", "http.url"}) {
        for (const storage::KeyValue &kv : attributes) {
            const auto *url = kv.key == key ? std::get_if<std::string>(&kv.value.value) : nullptr;
            if (!url)
                continue;
            const std::size_t scheme = url->find("://");
            const std::size_t hostStart = scheme == std::string::npos ? 0 : scheme + 3;
            const std::size_t hostEnd = url->find_first_of("/?#", hostStart);
            const std::string_view host = std::string_view(*url).substr(
                hostStart, hostEnd == std::string::npos ? std::string::npos : hostEnd - hostStart);
            const std::size_t colon = host.rfind(':');
            int port = 0;
            if (colon != std::string_view::npos)
                std::from_chars(host.data() + colon + 1, host.data() + host.size(), port);
            return port;
        }
    }
    return 0;
}

int portOf(const storage::Span &span)
{
    for (const char *key : {"server.port", "net.peer.port", "net.host.port"}) {
        // A server's net.peer.port is its caller's: only its own port counts.
        if (span.kind == storage::SpanKind::Server && std::string_view(key) == "net.peer.port")
            continue;
        if (const std::int64_t port = integerOf(span.attributes, key); port > 0)
            return static_cast<int>(port);
    }
    return portOfUrl(span.attributes);
}

} // namespace

std::vector<LooseEnd> looseEnds(const storage::TraceData &trace, const SpanTree &tree)
{
    std::vector<LooseEnd> out;
    for (int i = 0; i < tree.size(); ++i) {
        const storage::Span &span = trace.spans[i].span;
        const bool server
            = span.kind == storage::SpanKind::Server && tree.parent(i) < 0 && !tree.isOrphan(i);
        const bool client = span.kind == storage::SpanKind::Client && tree.children(i).empty()
            && callsAService(span);
        if (!server && !client)
            continue;
        LooseEnd end;
        end.server = server;
        end.service
            = trace.resources.at(static_cast<std::size_t>(trace.spans[i].resource)).serviceName();
        end.operation = end.service + ": " + span.name;
        end.pattern = server ? span.name : callPattern(span);
        end.startNs = static_cast<std::int64_t>(span.startUnixNano);
        end.endNs = static_cast<std::int64_t>(span.endUnixNano);
        end.port = portOf(span);
        end.spanId = span.spanId;
        end.span = i;
        out.push_back(std::move(end));
    }
    return out;
}

const LooseEnd *TraceEnds::find(int span) const
{
    const auto found = std::find_if(ends.begin(), ends.end(),
                                    [span](const LooseEnd &end) { return end.span == span; });
    return found == ends.end() ? nullptr : &*found;
}

std::vector<std::vector<Insight>> lostPropagation(const std::vector<TraceEnds> &traces,
                                                  std::int64_t skewNs)
{
    struct Client
    {
        std::size_t trace;
        const LooseEnd *end;
        bool used = false;
    };
    std::vector<Client> clients;
    for (std::size_t t = 0; t < traces.size(); ++t) {
        for (const LooseEnd &end : traces[t].ends) {
            if (!end.server)
                clients.push_back({t, &end});
        }
    }
    std::sort(clients.begin(), clients.end(),
              [](const Client &a, const Client &b) { return a.end->startNs < b.end->startNs; });
    std::vector<std::vector<Insight>> found(traces.size());
    for (std::size_t t = 0; t < traces.size(); ++t) {
        for (const LooseEnd &server : traces[t].ends) {
            if (!server.server)
                continue;
            // Calls that started before the server did (binary search), the tightest fit wins.
            const auto last = std::upper_bound(
                clients.begin(), clients.end(), server.startNs + skewNs,
                [](std::int64_t at, const Client &c) { return at < c.end->startNs; });
            Client *best = nullptr;
            std::int64_t bestLength = std::numeric_limits<std::int64_t>::max();
            for (auto it = clients.begin(); it != last; ++it) {
                const LooseEnd &call = *it->end;
                if (it->used || it->trace == t || call.service == server.service
                    || call.endNs + skewNs < server.endNs
                    || (call.port && server.port && call.port != server.port))
                    continue;
                if (const std::int64_t length = call.endNs - call.startNs; length < bestLength) {
                    best = &*it;
                    bestLength = length;
                }
            }
            if (!best)
                continue;
            best->used = true;
            const LooseEnd &call = *best->end;
            Insight insight;
            insight.kind = InsightKind::BrokenPropagation;
            insight.pattern = "traceparent lost: " + call.service + " → " + server.service;
            insight.parentOperation = call.operation;
            insight.count = 1;
            insight.totalNs = server.endNs - server.startNs;
            insight.spans = {server.span};
            insight.fingerprint = fingerprintOf(insight.kind, insight.pattern,
                                                insight.parentOperation + " → " + server.pattern);
            insight.message = server.operation + " ran inside " + call.operation + " ("
                + call.pattern + ", trace " + storage::toHex(traces[best->trace].traceId)
                + ") but in a trace of its own: the call did not carry traceparent, or the "
                  "server did not read it.";
            found[t].push_back(std::move(insight));
        }
    }
    return found;
}

storage::Result<std::vector<Insight>> lostPropagationInto(storage::TraceStore &store,
                                                          const storage::TraceData &trace,
                                                          const SpanTree &tree, int neighbours,
                                                          std::int64_t maxSpans)
{
    std::vector<TraceEnds> ends{{trace.summary.traceId, looseEnds(trace, tree)}};
    if (std::none_of(ends[0].ends.begin(), ends[0].ends.end(),
                     [](const LooseEnd &end) { return end.server; }))
        return std::vector<Insight>{};
    constexpr std::int64_t Minute = 60'000'000'000;
    storage::TraceFilter before;
    before.startFromNs = trace.summary.startNs - Minute;
    before.startToNs = trace.summary.startNs;
    before.limit = neighbours + 1; // the trace itself may be among them
    auto summaries = store.findTraces(before);
    if (!summaries)
        return storage::Error{summaries.error()};
    std::int64_t budget = maxSpans;
    for (const storage::TraceSummary &summary : *summaries) {
        if (summary.traceId == trace.summary.traceId || summary.spanCount > budget)
            continue;
        budget -= summary.spanCount;
        auto loaded = store.loadTrace(summary.traceId);
        if (!loaded)
            return storage::Error{loaded.error()};
        if (*loaded)
            ends.push_back({summary.traceId, looseEnds(**loaded, SpanTree(**loaded))});
    }
    return std::move(lostPropagation(ends).front());
}

} // namespace spanscope::analysis

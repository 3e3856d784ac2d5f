#include "compare.h"

#include "insights.h"

#include <tracetext.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>

namespace spanscope::analysis {

namespace {

using Key = std::tuple<int, std::string, std::string, std::string>; // parent, service, name, call

// What two runs of one call share: a query is its statement whatever the span is named
// (SQLAlchemy names it after the database file), a URL its path whatever host and port served it.
std::pair<std::string, std::string> matchedAs(const storage::Span &span, const std::string &call)
{
    if (call.empty())
        return {span.name, {}};
    if (callsADatabase(span))
        return {{}, call};
    if (const std::size_t scheme = call.find("://"); scheme != std::string::npos) {
        const std::size_t path = call.find('/', scheme + 3);
        const std::size_t method = call.rfind(' ', scheme);
        const std::string prefix = method == std::string::npos ? "" : call.substr(0, method + 1);
        return {span.name, prefix + (path == std::string::npos ? "/" : call.substr(path))};
    }
    return {span.name, call};
}

} // namespace

double TraceComparison::Node::ratio() const
{
    return durationNs[A] > 0
        ? static_cast<double>(durationNs[B]) / static_cast<double>(durationNs[A])
        : 0.0;
}

std::string TraceComparison::Node::label() const
{
    std::string text = service + "/" + name;
    if (!call.empty())
        text += " [" + call + "]";
    return text;
}

TraceComparison TraceComparison::build(const storage::TraceData &a, const SpanTree &treeA,
                                       const storage::TraceData &b, const SpanTree &treeB,
                                       const Options &options)
{
    TraceComparison out;
    out.m_nodes.emplace_back();
    std::map<Key, int> childOf;
    const storage::TraceData *traces[2] = {&a, &b};
    const SpanTree *trees[2] = {&treeA, &treeB};
    for (int side = 0; side < 2; ++side) {
        const storage::TraceData &trace = *traces[side];
        const SpanTree &tree = *trees[side];
        out.m_nodeOfSpan[side].assign(static_cast<std::size_t>(tree.size()), -1);
        Node &whole = out.m_nodes[0];
        whole.count[side] = 1;
        whole.durationNs[side] = trace.summary.endNs - trace.summary.startNs;
        tree.walk(0, [&](int span, int parentNode) {
            const storage::StoredSpan &stored = trace.spans[span];
            std::string service
                = trace.resources.at(static_cast<std::size_t>(stored.resource)).serviceName();
            std::string call = callPattern(stored.span);
            if (call == stored.span.name)
                call.clear();
            auto [name, matchedCall] = matchedAs(stored.span, call);
            auto [found, added] = childOf.emplace(
                Key{parentNode, service, std::move(name), std::move(matchedCall)}, out.size());
            if (added) {
                Node node;
                node.parent = parentNode;
                node.depth = out.m_nodes[parentNode].depth + 1;
                node.service = std::move(service);
                node.name = stored.span.name;
                node.call = std::move(call);
                out.m_nodes[parentNode].children.push_back(found->second);
                out.m_nodes.push_back(std::move(node));
            }
            Node &node = out.m_nodes[found->second];
            ++node.count[side];
            node.durationNs[side] += tree.durationNs(span);
            node.selfNs[side] += tree.selfNs(span);
            node.errors[side] += stored.span.statusCode == storage::StatusCode::Error;
            node.spans[side].push_back(span);
            out.m_nodeOfSpan[side][span] = found->second;
            return found->second;
        });
    }
    for (Node &node : out.m_nodes) {
        if (node.count[A] == 0)
            node.change = Change::Added;
        else if (node.count[B] == 0)
            node.change = Change::Removed;
        else {
            const auto noise = std::max<std::int64_t>(
                options.noiseNs,
                static_cast<std::int64_t>(
                    options.noiseShare
                    * static_cast<double>(std::max(node.durationNs[A], node.durationNs[B]))));
            const std::int64_t delta = node.deltaNs();
            node.change = delta > noise ? Change::Slower
                : delta < -noise        ? Change::Faster
                                        : Change::Same;
        }
    }
    for (Node &node : out.m_nodes) {
        // Siblings in order of first appearance, then the biggest change first (stable).
        std::stable_sort(node.children.begin(), node.children.end(), [&](int x, int y) {
            return std::llabs(out.m_nodes[x].deltaNs()) > std::llabs(out.m_nodes[y].deltaNs());
        });
    }
    return out;
}

std::vector<int> TraceComparison::treeOrder() const
{
    std::vector<int> order, stack{0};
    order.reserve(m_nodes.size());
    while (!stack.empty()) {
        const int node = stack.back();
        stack.pop_back();
        order.push_back(node);
        const auto &children = m_nodes[node].children;
        for (auto c = children.rbegin(); c != children.rend(); ++c)
            stack.push_back(*c);
    }
    return order;
}

std::vector<std::string> TraceComparison::path(int index) const
{
    std::vector<std::string> out;
    for (int n = index; n > 0; n = m_nodes[n].parent)
        out.push_back(m_nodes[n].label());
    std::reverse(out.begin(), out.end());
    return out;
}

std::vector<int> TraceComparison::byImpact() const
{
    std::vector<int> out;
    for (int n = 1; n < size(); ++n)
        out.push_back(n);
    const auto selfDelta = [&](int n) {
        return std::llabs(m_nodes[n].selfNs[B] - m_nodes[n].selfNs[A]);
    };
    std::stable_sort(out.begin(), out.end(),
                     [&](int x, int y) { return selfDelta(x) > selfDelta(y); });
    return out;
}

storage::Result<std::optional<storage::TraceId>> previousTraceOf(storage::TraceStore &store,
                                                                 const storage::TraceSummary &trace)
{
    storage::TraceFilter before;
    before.service = trace.rootService; // narrows to traces with such a span; the root decides
    before.spanName = trace.rootName;
    before.startToNs = trace.startNs - 1;
    before.limit = 50;
    auto found = store.findTraces(before);
    if (!found)
        return storage::Error{found.error()};
    for (const storage::TraceSummary &summary : *found) {
        if (summary.rootService == trace.rootService && summary.rootName == trace.rootName)
            return std::optional<storage::TraceId>(summary.traceId);
    }
    return std::optional<storage::TraceId>();
}

std::vector<SpanDifference> spanDifferences(const storage::TraceData &traceA, int spanA,
                                            const storage::TraceData &traceB, int spanB)
{
    const auto describe = [](const storage::TraceData &trace, int index) {
        const storage::StoredSpan &stored = trace.spans[index];
        std::map<std::string, std::string> out;
        for (const storage::KeyValue &kv : stored.span.attributes)
            out[kv.key] = storage::formatValue(kv.value);
        for (const storage::KeyValue &kv :
             trace.resources.at(static_cast<std::size_t>(stored.resource)).attributes)
            out["resource." + kv.key] = storage::formatValue(kv.value);
        out["status"] = std::string(storage::toString(stored.span.statusCode))
            + (stored.span.statusMessage.empty() ? "" : ": " + stored.span.statusMessage);
        std::string exceptions;
        for (const storage::SpanEvent &event : stored.span.events) {
            if (event.name != "exception")
                continue;
            for (const storage::KeyValue &kv : event.attributes) {
                if (kv.key == "exception.type" || kv.key == "exception.message")
                    exceptions += (exceptions.empty() ? "" : " ") + storage::formatValue(kv.value);
            }
        }
        if (!exceptions.empty())
            out["exception"] = exceptions;
        return out;
    };
    const auto a = describe(traceA, spanA);
    const auto b = describe(traceB, spanB);
    std::vector<SpanDifference> out;
    // Status and exceptions first: they say most.
    for (const char *first : {"status", "exception"}) {
        const auto x = a.find(first), y = b.find(first);
        std::optional<std::string> va, vb;
        if (x != a.end())
            va = x->second;
        if (y != b.end())
            vb = y->second;
        if (va != vb)
            out.push_back({first, va, vb});
    }
    auto x = a.begin(), y = b.begin();
    while (x != a.end() || y != b.end()) {
        if (x != a.end() && (x->first == "status" || x->first == "exception")) {
            ++x;
            continue;
        }
        if (y != b.end() && (y->first == "status" || y->first == "exception")) {
            ++y;
            continue;
        }
        if (y == b.end() || (x != a.end() && x->first < y->first)) {
            out.push_back({x->first, x->second, std::nullopt});
            ++x;
        } else if (x == a.end() || y->first < x->first) {
            out.push_back({y->first, std::nullopt, y->second});
            ++y;
        } else {
            if (x->second != y->second)
                out.push_back({x->first, x->second, y->second});
            ++x;
            ++y;
        }
    }
    return out;
}

std::string_view changeName(TraceComparison::Change change)
{
    switch (change) {
    case TraceComparison::Change::Added:
        return "added";
    case TraceComparison::Change::Removed:
        return "removed";
    case TraceComparison::Change::Slower:
        return "slower";
    case TraceComparison::Change::Faster:
        return "faster";
    case TraceComparison::Change::Same:
        return "same";
    }
    return "same";
}

} // namespace spanscope::analysis

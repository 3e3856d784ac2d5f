#include "spansource.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace spanscope::storage {

LoadedTrace::LoadedTrace(const TraceData &trace)
    : m_trace(trace)
{
    m_places.reserve(trace.spans.size());
    for (const StoredSpan &stored : trace.spans)
        m_places.push_back({stored.span.spanId, stored.span.parentSpanId, stored.span.startUnixNano,
                            stored.resource, stored.scope});
}

SpanTree::SpanTree(const std::vector<SpanPlace> &places)
    : m_places(places)
    , m_byId(places.size())
    , m_parent(places.size(), None)
    , m_firstChild(places.size() + 1, 0)
{
    // Sorted indices and offsets rather than maps: a million-span trace costs ~16 MB here.
    std::iota(m_byId.begin(), m_byId.end(), 0u);
    std::stable_sort(m_byId.begin(), m_byId.end(), [&places](std::uint32_t a, std::uint32_t b) {
        return places[a].spanId < places[b].spanId;
    });
    for (std::size_t i = 0; i < places.size(); ++i) {
        if (!isValid(places[i].parentSpanId))
            continue;
        const std::uint32_t p = find(places[i].parentSpanId);
        if (p != None && p != i) {
            m_parent[i] = p;
            ++m_firstChild[p + 1];
        }
    }
    std::partial_sum(m_firstChild.begin(), m_firstChild.end(), m_firstChild.begin());
    m_children.resize(m_firstChild.back());
    std::vector<std::uint32_t> filled(m_firstChild.begin(), m_firstChild.end() - 1);
    for (std::size_t i = 0; i < places.size(); ++i) {
        if (m_parent[i] != None)
            m_children[filled[m_parent[i]]++] = static_cast<std::uint32_t>(i);
    }
}

std::uint32_t SpanTree::find(const SpanId &id) const
{
    const auto it = std::lower_bound(
        m_byId.begin(), m_byId.end(), id,
        [this](std::uint32_t index, const SpanId &key) { return m_places[index].spanId < key; });
    return it != m_byId.end() && m_places[*it].spanId == id ? *it : None;
}

std::vector<std::pair<std::size_t, int>> treeOrder(const std::vector<SpanPlace> &places)
{
    const SpanTree tree(places);
    std::vector<std::pair<std::size_t, int>> order;
    order.reserve(places.size());
    std::vector<std::uint8_t> seen(places.size(), 0);
    std::vector<std::pair<std::uint32_t, int>> stack;
    const auto walk = [&](std::uint32_t top) {
        stack.push_back({top, 0});
        while (!stack.empty()) {
            const auto [span, depth] = stack.back();
            stack.pop_back();
            if (seen[span]++)
                continue;
            order.push_back({span, depth});
            for (const std::uint32_t *c = tree.childrenEnd(span); c != tree.childrenBegin(span);)
                stack.push_back({*--c, depth + 1});
        }
    };
    for (std::size_t i = 0; i < places.size(); ++i) {
        if (tree.parent(i) == SpanTree::None)
            walk(static_cast<std::uint32_t>(i));
    }
    for (std::size_t i = 0; i < places.size(); ++i) {
        if (!seen[i])
            walk(static_cast<std::uint32_t>(i)); // a parent cycle: no span of it is a root
    }
    return order;
}

SpanGroups groupByResourceAndScope(const std::vector<SpanPlace> &places)
{
    SpanGroups groups;
    std::map<int, std::size_t> resourceAt;
    std::map<std::pair<int, int>, std::size_t> scopeAt;
    for (std::size_t i = 0; i < places.size(); ++i) {
        const SpanPlace &place = places[i];
        const auto [r, newResource] = resourceAt.try_emplace(place.resource, groups.size());
        if (newResource)
            groups.push_back({place.resource, {}});
        auto &scopes = groups[r->second].second;
        const auto [s, newScope]
            = scopeAt.try_emplace({place.resource, place.scope}, scopes.size());
        if (newScope)
            scopes.push_back({place.scope, {}});
        scopes[s->second].second.push_back(i);
    }
    return groups;
}

} // namespace spanscope::storage

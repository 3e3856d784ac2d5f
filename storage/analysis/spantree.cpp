#include "spantree.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace spanscope::analysis {

namespace {

std::uint64_t key(const storage::SpanId &id)
{
    std::uint64_t out;
    std::memcpy(&out, id.data(), sizeof out);
    return out;
}

} // namespace

SpanTree::SpanTree(const storage::TraceData &trace)
{
    const auto &spans = trace.spans;
    const int n = static_cast<int>(spans.size());
    m_parent.assign(n, -1);
    m_orphan.assign(n, false);
    m_children.resize(n);
    m_duration.resize(n);
    m_self.resize(n);
    std::unordered_map<std::uint64_t, int> byId;
    byId.reserve(spans.size());
    for (int i = 0; i < n; ++i)
        byId.emplace(key(spans[i].span.spanId), i);
    for (int i = 0; i < n; ++i) {
        const storage::Span &span = spans[i].span;
        m_duration[i] = span.endUnixNano > span.startUnixNano
            ? static_cast<std::int64_t>(span.endUnixNano - span.startUnixNano)
            : 0;
        if (span.isRoot()) {
            m_tops.push_back(i);
            continue;
        }
        const auto it = byId.find(key(span.parentSpanId));
        if (it == byId.end() || it->second == i) {
            m_orphan[i] = it == byId.end();
            m_tops.push_back(i);
        } else {
            m_parent[i] = it->second;
            m_children[it->second].push_back(i); // spans are in start order already
        }
    }
    // Self time: the span minus the union of its children's intervals, clipped to it.
    std::vector<std::pair<std::uint64_t, std::uint64_t>> covered;
    for (int i = 0; i < n; ++i) {
        const storage::Span &span = spans[i].span;
        const std::uint64_t begin = span.startUnixNano;
        const std::uint64_t end = std::max(span.endUnixNano, begin);
        covered.clear();
        for (const int child : m_children[i]) {
            const storage::Span &c = spans[child].span;
            const std::uint64_t from = std::clamp(c.startUnixNano, begin, end);
            const std::uint64_t to
                = std::clamp(std::max(c.endUnixNano, c.startUnixNano), begin, end);
            if (to > from)
                covered.emplace_back(from, to);
        }
        std::sort(covered.begin(), covered.end());
        std::uint64_t busy = 0, reach = begin;
        for (const auto &[from, to] : covered) {
            if (to <= reach)
                continue;
            busy += to - std::max(from, reach);
            reach = to;
        }
        m_self[i] = static_cast<std::int64_t>(end - begin - busy);
    }
}

} // namespace spanscope::analysis

#pragma once

#include <tracestore.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace spanscope::analysis {

// The parent/child structure of a loaded trace and each span's self time, built once for every
// view and detector that needs them. Indices are into TraceData::spans.
class SpanTree
{
public:
    explicit SpanTree(const storage::TraceData &trace);

    // -1 for a root, and for an orphan (its parent never arrived; see isOrphan).
    int parent(int span) const { return m_parent[span]; }
    bool isOrphan(int span) const { return m_orphan[span]; }
    // In start order.
    const std::vector<int> &children(int span) const { return m_children[span]; }
    // The spans without a stored parent, in start order.
    const std::vector<int> &tops() const { return m_tops; }
    std::int64_t durationNs(int span) const { return m_duration[span]; }
    // Time in the span not covered by any child (children overlapping each other count once,
    // time outside the span not at all).
    std::int64_t selfNs(int span) const { return m_self[span]; }
    int size() const { return static_cast<int>(m_parent.size()); }

    // Visits every span reachable from the tops in tree order (a parent before its children,
    // siblings in start order) without recursion, so a deep trace cannot overflow the stack:
    // `visit(span, fromParent)` returns what its children are given; the tops get `top`.
    template<typename Value, typename Visit>
    void walk(Value top, Visit &&visit) const
    {
        std::vector<std::pair<int, Value>> stack;
        for (auto span = m_tops.rbegin(); span != m_tops.rend(); ++span)
            stack.emplace_back(*span, top);
        while (!stack.empty()) {
            auto [span, fromParent] = std::move(stack.back());
            stack.pop_back();
            Value mine = visit(span, fromParent);
            const std::vector<int> &children = m_children[span];
            for (auto c = children.rbegin(); c != children.rend(); ++c)
                stack.emplace_back(*c, mine);
        }
    }

private:
    std::vector<int> m_parent;
    std::vector<bool> m_orphan;
    std::vector<std::vector<int>> m_children;
    std::vector<int> m_tops;
    std::vector<std::int64_t> m_duration, m_self;
};

} // namespace spanscope::analysis

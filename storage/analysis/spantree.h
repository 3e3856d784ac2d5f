#pragma once

#include <tracestore.h>

#include <cstdint>
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

private:
    std::vector<int> m_parent;
    std::vector<bool> m_orphan;
    std::vector<std::vector<int>> m_children;
    std::vector<int> m_tops;
    std::vector<std::int64_t> m_duration, m_self;
};

} // namespace spanscope::analysis

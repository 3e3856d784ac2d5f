#pragma once

#include <tracestore.h>

#include <cstdint>
#include <string>
#include <vector>

namespace spanscope::ui {

// One trace laid out for the waterfall: a row per span in tree order (children by start time),
// kept as parallel arrays so a million-span trace costs a few dozen bytes per row. Immutable once
// built, and built off the GUI thread; collapsing is VisibleRows' job.
//
// Spans whose parent never arrived hang under a placeholder row for that parent, and spans caught
// in a parent cycle under one more placeholder: nothing is hidden.
class WaterfallLayout
{
public:
    enum Flag : std::uint8_t {
        Error = 1, // status ERROR
        MissingParent = 2, // placeholder for a parent that never arrived
        ParentCycle = 4, // placeholder for spans whose parents form a cycle
        DepthCapped = 8, // deeper than MaxDepth; drawn at MaxDepth
        HasChildren = 16,
    };
    static constexpr int MaxDepth = 128;

    static WaterfallLayout build(const storage::TraceData &trace);

    int rowCount() const { return static_cast<int>(m_span.size()); }
    // Times are nanoseconds from the trace's start.
    std::int64_t start(int row) const { return m_start[row]; }
    std::int64_t end(int row) const { return m_end[row]; }
    int depth(int row) const { return m_depth[row]; }
    int parent(int row) const { return m_parent[row]; } // -1 at the top level
    // One past the last row of this row's subtree: collapsing a row skips to here.
    int subtreeEnd(int row) const { return m_subtreeEnd[row]; }
    std::uint8_t flags(int row) const { return m_flags[row]; }
    bool isPlaceholder(int row) const { return m_span[row] < 0; }
    // Index into TraceData::spans, or -1 for a placeholder row.
    int span(int row) const { return m_span[row]; }
    int service(int row) const { return m_service[row]; } // index into services()
    const std::vector<std::string> &services() const { return m_services; }
    std::int64_t durationNs() const { return m_duration; }
    // The row showing TraceData::spans[spanIndex].
    int rowOfSpan(int spanIndex) const { return m_rowOfSpan[spanIndex]; }

private:
    void addRow(int span, int parent, int depth, std::int64_t start, std::int64_t end,
                std::uint8_t flags, int service);

    std::vector<std::int64_t> m_start, m_end;
    std::vector<std::int32_t> m_parent, m_subtreeEnd, m_span, m_service, m_rowOfSpan;
    std::vector<std::uint16_t> m_depth;
    std::vector<std::uint8_t> m_flags;
    std::vector<std::string> m_services;
    std::int64_t m_duration = 0;
};

// Which rows of a layout are shown, given what the user collapsed.
class VisibleRows
{
public:
    explicit VisibleRows(const WaterfallLayout &layout);

    const std::vector<int> &rows() const { return m_visible; }
    bool isCollapsed(int row) const { return m_collapsed[row] != 0; }
    void setCollapsed(int row, bool collapsed);
    // Expands every collapsed ancestor of `row`, so it is shown.
    void reveal(int row);
    // The same for every row of `rows`, rebuilding once; true when anything opened.
    bool revealAll(const std::vector<int> &rows);
    void collapseAll();
    void expandAll();

private:
    void rebuild();

    const WaterfallLayout &m_layout;
    std::vector<std::uint8_t> m_collapsed;
    std::vector<int> m_visible;
};

} // namespace spanscope::ui

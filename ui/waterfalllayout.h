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
    // Runs of more siblings than this, one after another making the same call, fold into a row.
    static constexpr int FoldAbove = 5;

    // Consecutive siblings of one service making the same call (the normalised statement, route,
    // method or command; else the same name): an N+1 as the waterfall folds it.
    struct Run
    {
        int first = 0; // the first sibling's row; the next sibling of a row is its subtreeEnd
        int count = 0;
        int last = 0; // the last sibling's row
        int end = 0; // one past the last sibling's subtree
        std::int64_t totalNs = 0; // their durations added up
        int errors = 0;
        std::string pattern;
    };

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
    // Runs of more than FoldAbove siblings, in row order.
    const std::vector<Run> &runs() const { return m_runs; }
    // The run `row` is one of the siblings of, or -1.
    int runOf(int row) const { return m_runOf.empty() ? -1 : m_runOf[row]; }

private:
    void findRuns(const storage::TraceData &trace);
    void findRunsAmong(const storage::TraceData &trace, int first, int end);
    void addRow(int span, int parent, int depth, std::int64_t start, std::int64_t end,
                std::uint8_t flags, int service);

    std::vector<std::int64_t> m_start, m_end;
    std::vector<std::int32_t> m_parent, m_subtreeEnd, m_span, m_service, m_rowOfSpan;
    std::vector<std::uint16_t> m_depth;
    std::vector<std::uint8_t> m_flags;
    std::vector<std::string> m_services;
    std::vector<Run> m_runs;
    std::vector<std::int32_t> m_runOf; // per row; empty when there are no runs
    std::int64_t m_duration = 0;
};

// Which rows of a layout are shown, given what the user collapsed and which runs are folded. A
// folded run shows as its first row alone.
class VisibleRows
{
public:
    // With `fold`, every run starts folded.
    explicit VisibleRows(const WaterfallLayout &layout, bool fold = true);

    const std::vector<int> &rows() const { return m_visible; }
    bool isCollapsed(int row) const { return m_collapsed[row] != 0; }
    void setCollapsed(int row, bool collapsed);
    bool isFolded(int run) const { return m_folded[run] != 0; }
    void setFolded(int run, bool folded);
    void setAllFolded(bool folded);
    // The run whose folded row `row` is, or -1.
    int foldedRunAt(int row) const;
    // Expands every collapsed ancestor of `row` and unfolds the runs hiding it, so it is shown.
    void reveal(int row);
    // The same for every row of `rows`, rebuilding once; true when anything opened.
    bool revealAll(const std::vector<int> &rows);
    void collapseAll();
    void expandAll();

private:
    void rebuild();

    const WaterfallLayout &m_layout;
    std::vector<std::uint8_t> m_collapsed;
    std::vector<std::uint8_t> m_folded; // per run
    std::vector<int> m_visible;
};

} // namespace spanscope::ui

#include "waterfalllayout.h"

#include <insights.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>

namespace spanscope::ui {

namespace {

struct SpanIdHash
{
    std::size_t operator()(const storage::SpanId &id) const
    {
        std::uint64_t h;
        std::memcpy(&h, id.data(), sizeof h);
        return static_cast<std::size_t>(h * 0x9E3779B97F4A7C15ull);
    }
};

// A node to lay out: a span, or a placeholder standing in for a missing parent.
struct Node
{
    int span = -1;
    std::uint8_t flags = 0;
    std::int64_t start = 0, end = 0;
    std::vector<int> children; // node indices
};

} // namespace

void WaterfallLayout::addRow(int span, int parent, int depth, std::int64_t start, std::int64_t end,
                             std::uint8_t flags, int service)
{
    if (depth > MaxDepth) {
        depth = MaxDepth;
        flags |= DepthCapped;
    }
    m_span.push_back(span);
    m_parent.push_back(parent);
    m_depth.push_back(static_cast<std::uint16_t>(depth));
    m_start.push_back(start);
    m_end.push_back(end);
    m_flags.push_back(flags);
    m_service.push_back(service);
    m_subtreeEnd.push_back(0);
}

WaterfallLayout WaterfallLayout::build(const storage::TraceData &trace)
{
    WaterfallLayout layout;
    const int spanCount = static_cast<int>(trace.spans.size());
    const std::int64_t origin = trace.summary.startNs;

    // Service names, numbered in order of first appearance.
    std::map<std::string, int> serviceIndex;
    std::vector<int> serviceOfResource(trace.resources.size());
    for (std::size_t r = 0; r < trace.resources.size(); ++r) {
        const std::string name = trace.resources[r].serviceName();
        auto [it, added] = serviceIndex.emplace(name, static_cast<int>(layout.m_services.size()));
        if (added)
            layout.m_services.push_back(name);
        serviceOfResource[r] = it->second;
    }

    // Nodes 0..spanCount-1 are the spans; placeholders follow.
    std::vector<Node> nodes(spanCount);
    std::unordered_map<storage::SpanId, int, SpanIdHash> nodeOfSpan;
    nodeOfSpan.reserve(spanCount);
    for (int i = 0; i < spanCount; ++i) {
        const storage::Span &span = trace.spans[i].span;
        nodes[i].span = i;
        nodes[i].start = static_cast<std::int64_t>(span.startUnixNano) - origin;
        nodes[i].end
            = std::max(nodes[i].start, static_cast<std::int64_t>(span.endUnixNano) - origin);
        if (span.statusCode == storage::StatusCode::Error)
            nodes[i].flags |= Error;
        nodeOfSpan.emplace(span.spanId, i);
    }
    std::vector<int> topLevel;
    std::unordered_map<storage::SpanId, int, SpanIdHash> placeholderOf;
    for (int i = 0; i < spanCount; ++i) {
        const storage::Span &span = trace.spans[i].span;
        if (span.isRoot()) {
            topLevel.push_back(i);
            continue;
        }
        auto parent = nodeOfSpan.find(span.parentSpanId);
        if (parent != nodeOfSpan.end()) {
            nodes[parent->second].children.push_back(i);
            continue;
        }
        auto [it, added] = placeholderOf.emplace(span.parentSpanId, static_cast<int>(nodes.size()));
        if (added) {
            Node placeholder;
            placeholder.flags = MissingParent;
            placeholder.start = std::numeric_limits<std::int64_t>::max();
            placeholder.end = std::numeric_limits<std::int64_t>::min();
            nodes.push_back(std::move(placeholder));
            topLevel.push_back(it->second);
        }
        Node &placeholder = nodes[it->second];
        placeholder.children.push_back(i);
        placeholder.start = std::min(placeholder.start, nodes[i].start);
        placeholder.end = std::max(placeholder.end, nodes[i].end);
    }

    const auto byStart = [&nodes](int a, int b) {
        return nodes[a].start != nodes[b].start ? nodes[a].start < nodes[b].start : a < b;
    };
    std::vector<std::uint8_t> placed(nodes.size(), 0);
    layout.m_rowOfSpan.assign(spanCount, -1);

    // Depth-first with an explicit stack: traces can be deeper than the call stack allows.
    struct Visit
    {
        int node, parentRow, depth;
    };
    const auto layOut = [&](int root) {
        std::vector<Visit> stack{{root, -1, 0}};
        std::vector<int> open; // rows whose subtree is still being added
        while (!stack.empty()) {
            const Visit visit = stack.back();
            stack.pop_back();
            if (placed[visit.node])
                continue;
            placed[visit.node] = 1;
            while (!open.empty() && open.back() != visit.parentRow) {
                layout.m_subtreeEnd[open.back()] = layout.rowCount();
                open.pop_back();
            }
            Node &node = nodes[visit.node];
            const int row = layout.rowCount();
            const int service
                = node.span >= 0 ? serviceOfResource[trace.spans[node.span].resource] : -1;
            layout.addRow(node.span, visit.parentRow, visit.depth, node.start, node.end,
                          node.flags | (node.children.empty() ? 0 : HasChildren), service);
            if (node.span >= 0)
                layout.m_rowOfSpan[node.span] = row;
            open.push_back(row);
            std::sort(node.children.begin(), node.children.end(), byStart);
            for (auto child = node.children.rbegin(); child != node.children.rend(); ++child)
                stack.push_back({*child, row, visit.depth + 1});
        }
        while (!open.empty()) {
            layout.m_subtreeEnd[open.back()] = layout.rowCount();
            open.pop_back();
        }
    };
    std::sort(topLevel.begin(), topLevel.end(), byStart);
    for (const int node : topLevel)
        layOut(node);

    // Spans not reached yet have parents forming a cycle; they go under one more placeholder,
    // each cycle cut at its earliest span.
    std::vector<int> cyclic;
    for (int i = 0; i < spanCount; ++i) {
        if (!placed[i])
            cyclic.push_back(i);
    }
    if (!cyclic.empty()) {
        Node placeholder;
        placeholder.flags = ParentCycle;
        placeholder.start = std::numeric_limits<std::int64_t>::max();
        placeholder.end = std::numeric_limits<std::int64_t>::min();
        for (const int i : cyclic) {
            placeholder.start = std::min(placeholder.start, nodes[i].start);
            placeholder.end = std::max(placeholder.end, nodes[i].end);
        }
        std::sort(cyclic.begin(), cyclic.end(), byStart);
        placeholder.children = cyclic;
        nodes.push_back(std::move(placeholder));
        placed.push_back(0);
        layOut(static_cast<int>(nodes.size()) - 1);
    }

    for (int row = 0; row < layout.rowCount(); ++row)
        layout.m_duration = std::max(layout.m_duration, layout.m_end[row]);
    layout.findRuns(trace);
    return layout;
}

void WaterfallLayout::findRuns(const storage::TraceData &trace)
{
    findRunsAmong(trace, 0, rowCount());
    for (int row = 0; row < rowCount(); ++row) {
        if (m_flags[row] & HasChildren)
            findRunsAmong(trace, row + 1, m_subtreeEnd[row]);
    }
    std::sort(m_runs.begin(), m_runs.end(),
              [](const Run &a, const Run &b) { return a.first < b.first; });
    if (m_runs.empty())
        return;
    m_runOf.assign(rowCount(), -1);
    for (int run = 0; run < static_cast<int>(m_runs.size()); ++run) {
        int row = m_runs[run].first;
        for (int i = 0; i < m_runs[run].count; ++i, row = m_subtreeEnd[row])
            m_runOf[row] = run;
    }
}

// The siblings from row `first` up to `end`: names are compared first, as they are cheap, and
// only a long enough stretch of one name has its calls normalised and compared.
void WaterfallLayout::findRunsAmong(const storage::TraceData &trace, int first, int end)
{
    const auto sameName = [&](int a, int b) {
        return m_span[a] >= 0 && m_span[b] >= 0 && m_service[a] == m_service[b]
            && trace.spans[m_span[a]].span.name == trace.spans[m_span[b]].span.name;
    };
    std::vector<int> stretch;
    const auto splitByPattern = [&] {
        if (static_cast<int>(stretch.size()) <= FoldAbove)
            return;
        std::vector<std::string> patterns;
        patterns.reserve(stretch.size());
        for (const int row : stretch)
            patterns.push_back(analysis::callPattern(trace.spans[m_span[row]].span));
        for (std::size_t from = 0; from < stretch.size();) {
            std::size_t to = from + 1;
            while (to < stretch.size() && patterns[to] == patterns[from])
                ++to;
            if (static_cast<int>(to - from) > FoldAbove) {
                Run run;
                run.first = stretch[from];
                run.count = static_cast<int>(to - from);
                run.last = stretch[to - 1];
                run.end = m_subtreeEnd[run.last];
                run.pattern = patterns[from];
                for (std::size_t i = from; i < to; ++i) {
                    run.totalNs += m_end[stretch[i]] - m_start[stretch[i]];
                    run.errors += (m_flags[stretch[i]] & Error) ? 1 : 0;
                }
                m_runs.push_back(std::move(run));
            }
            from = to;
        }
    };
    for (int row = first; row < end; row = m_subtreeEnd[row]) {
        if (!stretch.empty() && !sameName(stretch.back(), row)) {
            splitByPattern();
            stretch.clear();
        }
        stretch.push_back(row);
    }
    splitByPattern();
}

VisibleRows::VisibleRows(const WaterfallLayout &layout, bool fold)
    : m_layout(layout)
    , m_collapsed(layout.rowCount(), 0)
    , m_folded(layout.runs().size(), fold ? 1 : 0)
{
    rebuild();
}

void VisibleRows::setFolded(int run, bool folded)
{
    if (run < 0 || run >= static_cast<int>(m_folded.size()) || isFolded(run) == folded)
        return;
    m_folded[run] = folded ? 1 : 0;
    rebuild();
}

void VisibleRows::setAllFolded(bool folded)
{
    std::fill(m_folded.begin(), m_folded.end(), folded ? 1 : 0);
    rebuild();
}

int VisibleRows::foldedRunAt(int row) const
{
    const int run = m_layout.runOf(row);
    return run >= 0 && m_folded[run] && m_layout.runs()[run].first == row ? run : -1;
}

void VisibleRows::setCollapsed(int row, bool collapsed)
{
    if (row < 0 || row >= m_layout.rowCount() || isCollapsed(row) == collapsed)
        return;
    m_collapsed[row] = collapsed ? 1 : 0;
    rebuild();
}

void VisibleRows::reveal(int row)
{
    revealAll({row});
}

bool VisibleRows::revealAll(const std::vector<int> &rows)
{
    bool changed = false;
    const auto unfold = [&](int run) {
        if (run >= 0) {
            changed |= m_folded[run] != 0;
            m_folded[run] = 0;
        }
    };
    for (const int row : rows) {
        if (row < 0)
            continue;
        // A folded run shows its first row: only the others are hidden by it.
        if (const int run = m_layout.runOf(row); run >= 0 && m_layout.runs()[run].first != row)
            unfold(run);
        for (int ancestor = m_layout.parent(row); ancestor >= 0;
             ancestor = m_layout.parent(ancestor)) {
            changed |= m_collapsed[ancestor] != 0;
            m_collapsed[ancestor] = 0;
            unfold(m_layout.runOf(ancestor));
        }
    }
    if (changed)
        rebuild();
    return changed;
}

void VisibleRows::collapseAll()
{
    for (int row = 0; row < m_layout.rowCount(); ++row)
        m_collapsed[row] = (m_layout.flags(row) & WaterfallLayout::HasChildren) ? 1 : 0;
    rebuild();
}

void VisibleRows::expandAll()
{
    std::fill(m_collapsed.begin(), m_collapsed.end(), 0);
    rebuild();
}

void VisibleRows::rebuild()
{
    m_visible.clear();
    for (int row = 0; row < m_layout.rowCount();) {
        m_visible.push_back(row);
        if (const int run = foldedRunAt(row); run >= 0)
            row = m_layout.runs()[run].end;
        else
            row = m_collapsed[row] ? m_layout.subtreeEnd(row) : row + 1;
    }
}

} // namespace spanscope::ui

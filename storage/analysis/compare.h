#pragma once

#include "spantree.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spanscope::analysis {

// Two traces (A, the baseline, and B) merged into one tree: spans are matched by their path of
// (service, operation) from the top, told apart by the call they make where names repeat (two
// statements under one "SELECT" name are two nodes; a query is matched by its statement, a URL
// by its path, so another database file or port does not make another node), and repeated
// siblings merge into one node with their count (5 → 148). Each node has both sides' count, total
// duration and self time; node 0 stands for the whole trace.
class TraceComparison
{
public:
    enum class Change { Added, Removed, Slower, Faster, Same };
    static constexpr int A = 0, B = 1;

    struct Options
    {
        // Differences below the larger of these are noise: "same".
        std::int64_t noiseNs = 1'000'000;
        double noiseShare = 0.10; // of the longer side's duration
    };

    struct Node
    {
        int parent = -1; // -1 for node 0
        int depth = 0;
        std::string service, name; // empty for node 0
        std::string call; // the normalised call when it is not the name, else empty
        std::array<int, 2> count{};
        std::array<std::int64_t, 2> durationNs{}, selfNs{}; // summed over the node's spans
        std::array<int, 2> errors{}; // spans with status error
        std::array<std::vector<int>, 2> spans; // indices into each side's TraceData::spans
        std::vector<int> children; // most change first
        Change change = Change::Same;

        std::int64_t deltaNs() const { return durationNs[B] - durationNs[A]; }
        // B ÷ A; 0 when A took no time.
        double ratio() const;
        // "service/operation", as the path of a node is written.
        std::string label() const;
    };

    static TraceComparison build(const storage::TraceData &a, const SpanTree &treeA,
                                 const storage::TraceData &b, const SpanTree &treeB,
                                 const Options &options);
    static TraceComparison build(const storage::TraceData &a, const SpanTree &treeA,
                                 const storage::TraceData &b, const SpanTree &treeB)
    {
        return build(a, treeA, b, treeB, Options{});
    }

    int size() const { return static_cast<int>(m_nodes.size()); }
    const Node &node(int index) const { return m_nodes[index]; }
    // Node 0 first, then each node before its children, most change first among siblings.
    std::vector<int> treeOrder() const;
    // The node's path from the top: its labels, node 0 left out.
    std::vector<std::string> path(int index) const;
    // The nodes whose own time (self time) changed most, node 0 left out: where the root's
    // difference comes from.
    std::vector<int> byImpact() const;
    // The node a span of one side is merged into, or -1 (a span in a parent cycle).
    int nodeOfSpan(int side, int span) const { return m_nodeOfSpan[side][span]; }

private:
    std::vector<Node> m_nodes;
    std::array<std::vector<int>, 2> m_nodeOfSpan;
};

std::string_view changeName(TraceComparison::Change change); // "added", "slower", ...

// How two matched spans differ beyond their time: attributes with other values or on one side
// only (the span's, then its resource's as "resource.KEY"), the status, and exceptions.
struct SpanDifference
{
    std::string key; // "status", "exception" or the attribute's key
    std::optional<std::string> a, b; // as text; nothing where that side has none
};
std::vector<SpanDifference> spanDifferences(const storage::TraceData &traceA, int spanA,
                                            const storage::TraceData &traceB, int spanB);

// The trace that started last before `trace` with the same root service and operation: the
// baseline when only one trace is named. Nothing when there is none.
storage::Result<std::optional<storage::TraceId>>
previousTraceOf(storage::TraceStore &store, const storage::TraceSummary &trace);

} // namespace spanscope::analysis

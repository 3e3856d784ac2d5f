#include "flamegraph.h"

#include <string_view>
#include <unordered_map>

namespace spanscope::analysis {

namespace {

struct ChildKey
{
    int parent, service, name;
    bool operator==(const ChildKey &) const = default;
};

struct ChildKeyHash
{
    std::size_t operator()(const ChildKey &key) const
    {
        std::uint64_t h = static_cast<std::uint32_t>(key.parent);
        h = h * 0x9E3779B97F4A7C15ull ^ static_cast<std::uint32_t>(key.service);
        h = h * 0x9E3779B97F4A7C15ull ^ static_cast<std::uint32_t>(key.name);
        return static_cast<std::size_t>(h * 0x9E3779B97F4A7C15ull);
    }
};

} // namespace

FlameGraph FlameGraph::build(const storage::TraceData &trace, const SpanTree &tree)
{
    FlameGraph graph;
    const int spanCount = tree.size();
    graph.m_frames.emplace_back();
    graph.m_frameOfSpan.assign(spanCount, -1);

    std::vector<int> serviceOfResource(trace.resources.size());
    std::unordered_map<std::string, int> serviceIndex;
    for (std::size_t r = 0; r < trace.resources.size(); ++r) {
        auto [it, added] = serviceIndex.emplace(trace.resources[r].serviceName(),
                                                static_cast<int>(graph.m_services.size()));
        if (added)
            graph.m_services.push_back(it->first);
        serviceOfResource[r] = it->second;
    }
    // Names are looked up by views into the trace, so a million spans cost no string copies.
    std::unordered_map<std::string_view, int> nameIndex;
    std::unordered_map<ChildKey, int, ChildKeyHash> childOf;
    childOf.reserve(static_cast<std::size_t>(spanCount));

    tree.walk(0, [&](int span, int parentFrame) {
        const storage::StoredSpan &stored = trace.spans[span];
        auto [name, newName]
            = nameIndex.emplace(stored.span.name, static_cast<int>(graph.m_names.size()));
        if (newName)
            graph.m_names.push_back(stored.span.name);
        const int service = serviceOfResource.at(static_cast<std::size_t>(stored.resource));
        auto [child, newFrame] = childOf.emplace(ChildKey{parentFrame, service, name->second},
                                                 static_cast<int>(graph.m_frames.size()));
        if (newFrame) {
            Frame frame;
            frame.parent = parentFrame;
            frame.depth = graph.m_frames[parentFrame].depth + 1;
            frame.service = service;
            frame.name = name->second;
            graph.m_maxDepth = std::max(graph.m_maxDepth, frame.depth);
            graph.m_frames[parentFrame].children.push_back(child->second);
            graph.m_frames.push_back(std::move(frame));
        }
        Frame &frame = graph.m_frames[child->second];
        ++frame.count;
        frame.selfNs += tree.selfNs(span);
        frame.spans.push_back(span);
        graph.m_frameOfSpan[span] = child->second;
        return child->second;
    });
    // A frame comes after its parent: adding up from the end gives every total in one pass.
    for (int f = graph.size() - 1; f >= 0; --f) {
        Frame &frame = graph.m_frames[f];
        frame.totalNs += frame.selfNs;
        if (frame.parent >= 0)
            graph.m_frames[frame.parent].totalNs += frame.totalNs;
    }
    return graph;
}

} // namespace spanscope::analysis

#pragma once

#include "spantree.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spanscope::analysis {

// A trace's spans merged by their path of (service, operation) from the top, as a flame graph
// (an icicle) draws them: spans with the same path are one frame, and a frame is as wide as the
// self time of every span at or below it, so its children always fit inside it. Frame 0 stands
// for the whole trace, above its top spans (orphans included; spans in a parent cycle are not
// reachable and left out).
class FlameGraph
{
public:
    struct Frame
    {
        int parent = -1; // -1 for frame 0
        int depth = 0; // 0 for frame 0
        int service = -1; // into services(); -1 for frame 0
        int name = -1; // into names(); -1 for frame 0
        int count = 0; // spans merged into the frame
        std::int64_t selfNs = 0; // their self time
        std::int64_t totalNs = 0; // selfNs and every child's totalNs
        std::vector<int> children; // in the order their first span started
        std::vector<int> spans; // indices into TraceData::spans, in tree order
    };

    FlameGraph() = default;
    static FlameGraph build(const storage::TraceData &trace, const SpanTree &tree);

    int size() const { return static_cast<int>(m_frames.size()); }
    const Frame &frame(int index) const { return m_frames[index]; }
    const std::vector<std::string> &services() const { return m_services; }
    const std::vector<std::string> &names() const { return m_names; }
    int maxDepth() const { return m_maxDepth; }
    // The frame TraceData::spans[span] is merged into, or -1 (a span in a parent cycle).
    int frameOfSpan(int span) const { return m_frameOfSpan[span]; }

private:
    std::vector<Frame> m_frames;
    std::vector<std::string> m_services, m_names;
    std::vector<int> m_frameOfSpan;
    int m_maxDepth = 0;
};

} // namespace spanscope::analysis

#include "criticalpath.h"

#include <algorithm>

namespace spanscope::analysis {

std::vector<std::uint8_t> criticalPath(std::span<const int> parent,
                                       std::span<const std::int64_t> start,
                                       std::span<const std::int64_t> end)
{
    const int count = static_cast<int>(parent.size());
    std::vector<std::uint8_t> onPath(count, 0);
    // Children of each item, gathered once (in item order).
    std::vector<int> firstChild(count + 1, 0), children;
    {
        std::vector<int> perParent(count, 0);
        for (int item = 0; item < count; ++item) {
            if (parent[item] >= 0)
                ++perParent[parent[item]];
        }
        for (int item = 0; item < count; ++item)
            firstChild[item + 1] = firstChild[item] + perParent[item];
        children.resize(firstChild[count]);
        std::vector<int> fill(firstChild.begin(), firstChild.end() - 1);
        for (int item = 0; item < count; ++item) {
            if (parent[item] >= 0)
                children[fill[parent[item]]++] = item;
        }
    }

    struct Step
    {
        int item;
        std::int64_t until; // the point in time the path reaches this item at
    };
    std::vector<Step> stack;
    for (int item = 0; item < count; ++item) {
        if (parent[item] < 0)
            stack.push_back({item, end[item]});
    }
    std::vector<int> byEnd;
    while (!stack.empty()) {
        const Step step = stack.back();
        stack.pop_back();
        onPath[step.item] = 1;
        byEnd.assign(children.begin() + firstChild[step.item],
                     children.begin() + firstChild[step.item + 1]);
        std::sort(byEnd.begin(), byEnd.end(), [&](int a, int b) { return end[a] > end[b]; });
        std::int64_t cursor = std::min(end[step.item], step.until);
        for (const int child : byEnd) {
            if (cursor <= start[step.item])
                break;
            // A child that started before the cursor was running when the parent waited there.
            if (start[child] >= cursor)
                continue;
            stack.push_back({child, std::min(end[child], cursor)});
            cursor = start[child];
        }
    }
    return onPath;
}

std::vector<int> criticalPath(const storage::TraceData &trace, const SpanTree &tree)
{
    const int count = tree.size();
    std::vector<int> parent(count);
    std::vector<std::int64_t> start(count), end(count);
    for (int span = 0; span < count; ++span) {
        parent[span] = tree.parent(span);
        start[span] = static_cast<std::int64_t>(trace.spans[span].span.startUnixNano);
        end[span] = start[span] + tree.durationNs(span);
    }
    const std::vector<std::uint8_t> onPath = criticalPath(parent, start, end);
    std::vector<int> path;
    tree.walk(0, [&](int span, int) {
        if (onPath[span])
            path.push_back(span);
        return 0;
    });
    return path;
}

} // namespace spanscope::analysis

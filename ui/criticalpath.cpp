#include "criticalpath.h"

#include <algorithm>

namespace spanscope::ui {

std::vector<std::uint8_t> criticalPath(const WaterfallLayout &layout)
{
    const int rowCount = layout.rowCount();
    std::vector<std::uint8_t> onPath(rowCount, 0);
    // Children of each row, gathered once (rows are in tree order, children after parents).
    std::vector<int> firstChild(rowCount + 1, 0), children;
    {
        std::vector<int> count(rowCount, 0);
        for (int row = 0; row < rowCount; ++row) {
            if (layout.parent(row) >= 0)
                ++count[layout.parent(row)];
        }
        for (int row = 0; row < rowCount; ++row)
            firstChild[row + 1] = firstChild[row] + count[row];
        children.resize(firstChild[rowCount]);
        std::vector<int> fill(firstChild.begin(), firstChild.end() - 1);
        for (int row = 0; row < rowCount; ++row) {
            if (layout.parent(row) >= 0)
                children[fill[layout.parent(row)]++] = row;
        }
    }

    struct Step
    {
        int row;
        std::int64_t until; // the point in time the path reaches this span at
    };
    std::vector<Step> stack;
    for (int row = 0; row < rowCount; row = layout.subtreeEnd(row))
        stack.push_back({row, layout.end(row)});
    std::vector<int> byEnd;
    while (!stack.empty()) {
        const Step step = stack.back();
        stack.pop_back();
        onPath[step.row] = 1;
        byEnd.assign(children.begin() + firstChild[step.row],
                     children.begin() + firstChild[step.row + 1]);
        std::sort(byEnd.begin(), byEnd.end(),
                  [&](int a, int b) { return layout.end(a) > layout.end(b); });
        std::int64_t cursor = std::min(layout.end(step.row), step.until);
        for (const int child : byEnd) {
            if (cursor <= layout.start(step.row))
                break;
            // A child that started before the cursor was running when the parent waited there.
            if (layout.start(child) >= cursor)
                continue;
            stack.push_back({child, std::min(layout.end(child), cursor)});
            cursor = layout.start(child);
        }
    }
    return onPath;
}

} // namespace spanscope::ui

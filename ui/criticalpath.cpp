#include "criticalpath.h"

#include <analysis/criticalpath.h>

namespace spanscope::ui {

std::vector<std::uint8_t> criticalPath(const WaterfallLayout &layout)
{
    const int rowCount = layout.rowCount();
    std::vector<int> parent(rowCount);
    std::vector<std::int64_t> start(rowCount), end(rowCount);
    for (int row = 0; row < rowCount; ++row) {
        parent[row] = layout.parent(row);
        start[row] = layout.start(row);
        end[row] = layout.end(row);
    }
    return analysis::criticalPath(parent, start, end);
}

} // namespace spanscope::ui

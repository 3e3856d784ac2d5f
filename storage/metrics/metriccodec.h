#pragma once

// The compact form of a series' points in a block: each point's times as deltas (from the
// previous point, and start from time), flags, then what its kind carries, doubles as 8 raw
// bytes. Attributes live with the series and exemplars in their own table, so a gauge point
// costs ~12 bytes. Blocks are appended to: concatenated encodings decode as one block.

#include "metricdata.h"

#include <string>
#include <string_view>
#include <vector>

namespace spanscope::storage {

// Appends `point` to `out`; `previousTime` is the time of the point before it in the block (0
// for the first).
void encodeMetricPoint(MetricKind kind, const MetricPoint &point, std::uint64_t previousTime,
                       std::string &out);
// Appends the block's points to `out`; false on a damaged blob (what was read stays).
bool decodeMetricBlock(MetricKind kind, std::string_view blob, std::vector<MetricPoint> &out);

} // namespace spanscope::storage

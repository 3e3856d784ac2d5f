#pragma once

#include "spantree.h"

#include <cstdint>
#include <span>
#include <vector>

namespace spanscope::analysis {

// The critical path of each top-level tree: the chain of spans that determines when it ends.
// From a span's end, walking back in time, the child that finished last before that point is on
// the path; the walk continues from that child's start. Items are given by their parent (-1 at
// the top), start and end; returns a flag per item (1 on the path). Iterative, so a deep trace
// cannot overflow the stack.
std::vector<std::uint8_t> criticalPath(std::span<const int> parent,
                                       std::span<const std::int64_t> start,
                                       std::span<const std::int64_t> end);

// The path through a loaded trace: indices into TraceData::spans in tree order (a parent before
// the child it waited for).
std::vector<int> criticalPath(const storage::TraceData &trace, const SpanTree &tree);

} // namespace spanscope::analysis

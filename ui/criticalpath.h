#pragma once

#include "waterfalllayout.h"

#include <vector>

namespace spanscope::ui {

// The critical path of each top-level tree: the chain of spans that determines when it ends.
// From a span's end, walking back in time, the child that finished last before that point is on
// the path; the walk continues from that child's start. Returns a flag per layout row (1 on the
// path). Iterative, so a deep trace cannot overflow the stack.
std::vector<std::uint8_t> criticalPath(const WaterfallLayout &layout);

} // namespace spanscope::ui

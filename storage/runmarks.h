#pragma once

// A run mark (`spanscope mark NAME`) is a one-span trace sent to the receiver like any other:
// stored in the same file, listed with the traces, and found again by its attribute. A run
// named by a mark is the traces that started after it and before the next mark.
namespace spanscope::storage {

inline constexpr const char *RunMarkService = "spanscope";
inline constexpr const char *RunMarkAttribute = "spanscope.run.mark";

} // namespace spanscope::storage

#pragma once

#include "waterfalllayout.h"

#include <QString>

#include <vector>

namespace spanscope::ui {

// The layout rows, ascending, whose span name, status message, attribute keys or values (span,
// event and resource attributes: exception type, message and stack trace among them) or event
// names contain `needle`, ignoring case. Placeholder rows never
// match. Pure, so it can run off the GUI thread on a million-span trace.
std::vector<int> findMatchingRows(const storage::TraceData &trace, const WaterfallLayout &layout,
                                  const QString &needle);

} // namespace spanscope::ui

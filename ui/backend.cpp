#include "backend.h"

namespace spanscope::ui {

std::string Backend::samplingSummary() const
{
    const ingest::SamplingPolicy policy = samplingPolicy();
    return policy.keepsEverything() && !policy.decidesAtRoot() ? std::string() : policy.summary();
}

} // namespace spanscope::ui

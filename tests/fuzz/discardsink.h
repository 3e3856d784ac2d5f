#pragma once

#include <batchsink.h>

namespace spanscope::fuzz {

// Isolates a parser from storage: takes every batch and keeps nothing, so a fuzz run measures
// the code under test only.
class DiscardSink final : public storage::BatchSink
{
public:
    storage::WriteOutcome writeTraces(storage::TraceBatch) override { return {}; }
    storage::WriteOutcome writeLogs(storage::LogBatch) override { return {}; }
    storage::WriteOutcome writeMetrics(storage::MetricBatch) override { return {}; }
    void count(storage::Signal, Tally, std::uint64_t) override {}
    void countRejectedRequest(storage::Signal, const std::string &) override {}
};

} // namespace spanscope::fuzz

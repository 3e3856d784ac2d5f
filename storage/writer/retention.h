#pragma once

#include "database.h"

#include <cstdint>

namespace spanscope::storage {

// Keeps the database under its byte budget: evicts the oldest unpinned traces (their spans,
// logs and log text) in chunks, with loose logs and metric points older than them (with no
// trace left, the oldest metric blocks), counting what went (traces.evicted, spans.evicted,
// metric_points.evicted); and gives the write-ahead log's space back with a
// checkpoint that waits for a gap between readers. Each chunk is a transaction of its own,
// run between the writer's commits.
class Retention
{
public:
    explicit Retention(Database &db);

    // True when it evicted anything (trace rows the writer cached may be gone).
    bool enforce(std::int64_t budgetBytes);
    // A checkpoint (TRUNCATE) when the WAL outgrew its allowance; checked after each commit.
    void checkpointIfLarge(std::int64_t budgetBytes);

    // The journal_size_limit the database is opened with: a WAL below it is left alone.
    static constexpr std::int64_t MaxIdleWalBytes = 32ll << 20;

private:
    Database &m_db;
};

} // namespace spanscope::storage

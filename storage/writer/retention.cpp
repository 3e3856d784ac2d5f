#include "retention.h"

#include "counters.h"

#include <QLoggingCategory>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

Q_LOGGING_CATEGORY(lcRetention, "spanscope.storage.retention", QtWarningMsg)

namespace spanscope::storage {

Retention::Retention(Database &db)
    : m_db(db)
{}

// A reader that is nearly always inside a read transaction keeps SQLite's own (passive)
// checkpoints from resetting the WAL, which then grows with every commit. A checkpoint that
// waits for a gap between reads (TRUNCATE) gives the space back.
void Retention::checkpointIfLarge(std::int64_t budgetBytes)
{
    if (m_db.walBytes() <= std::max<std::int64_t>(MaxIdleWalBytes, budgetBytes / 8))
        return;
    // The checkpoint must find a moment when no reader is inside a transaction; the default
    // busy handler sleeps up to 100 ms between looks and misses short gaps, so look every
    // millisecond, for up to the usual five seconds.
    sqlite3_busy_handler(
        m_db.handle(),
        [](void *, int attempts) {
            if (attempts >= 5000)
                return 0;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 1;
        },
        nullptr);
    m_db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_busy_timeout(m_db.handle(), 5000);
}

// Evicts until usage is back under 90 % of the budget.
bool Retention::enforce(std::int64_t budgetBytes)
{
    checkpointIfLarge(budgetBytes);
    // What the WAL still holds counts against the budget, but at most a quarter of it:
    // evicting data cannot shrink a WAL a reader holds, and must not empty the store trying.
    const std::int64_t wal = std::min(m_db.walBytes(), budgetBytes / 4);
    if (m_db.usedBytes() + wal <= budgetBytes)
        return false;
    Statement oldest(m_db,
                     "SELECT trace_key, span_count, start_ns FROM traces WHERE pinned = 0 "
                     "ORDER BY trace_key LIMIT ?");
    Statement total(m_db, "SELECT count(*) FROM traces WHERE pinned = 0");
    Statement deleteSpans(m_db, "DELETE FROM spans WHERE trace_key = ?");
    Statement deleteLogText(
        m_db,
        "DELETE FROM logs_text WHERE rowid IN (SELECT log_key FROM logs WHERE trace_key = ?)");
    Statement deleteLogs(m_db, "DELETE FROM logs WHERE trace_key = ?");
    Statement deleteTrace(m_db, "DELETE FROM traces WHERE trace_key = ?");
    Statement deleteLooseLogText(m_db,
                                 "DELETE FROM logs_text WHERE rowid IN (SELECT log_key FROM "
                                 "logs WHERE trace_key IS NULL AND time_ns < ?)");
    Statement deleteLooseLogs(m_db, "DELETE FROM logs WHERE trace_key IS NULL AND time_ns < ?");
    // Metric points go with the traces of their time; with no trace left, the oldest blocks.
    Statement countOldPoints(
        m_db, "SELECT coalesce(sum(point_count), 0) FROM metric_blocks WHERE end_ns < ?");
    Statement deleteOldBlocks(m_db, "DELETE FROM metric_blocks WHERE end_ns < ?");
    Statement deleteOldExemplars(m_db, "DELETE FROM metric_exemplars WHERE time_ns < ?");
    Statement oldestBlocks(m_db,
                           "SELECT max(end_ns) FROM (SELECT end_ns FROM metric_blocks "
                           "ORDER BY end_ns LIMIT ?)");
    Statement addCounter(m_db,
                         "INSERT INTO counters(name, value) VALUES (?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value");
    while (m_db.usedBytes() + wal > budgetBytes * 9 / 10) {
        std::int64_t remaining = 0;
        if (total.next())
            remaining = total.integer(0);
        total.reset();
        std::int64_t metricsBefore = 0;
        if (remaining == 0) {
            if (oldestBlocks.bind(1, 1000).next())
                metricsBefore = oldestBlocks.integer(0) + 1;
            oldestBlocks.reset();
            if (metricsBefore <= 1)
                break; // nothing left that may go
        }
        const std::int64_t chunk = std::max<std::int64_t>(100, remaining / 50);
        std::uint64_t traces = 0, spans = 0;
        std::int64_t newestStart = 0;
        m_db.exec("BEGIN IMMEDIATE");
        oldest.bind(1, chunk);
        std::vector<std::int64_t> keys;
        while (oldest.next()) {
            keys.push_back(oldest.integer(0));
            spans += static_cast<std::uint64_t>(oldest.integer(1));
            newestStart = std::max(newestStart, oldest.integer(2));
        }
        oldest.reset();
        for (const std::int64_t key : keys) {
            deleteSpans.bind(1, key).run();
            deleteLogText.bind(1, key).run();
            deleteLogs.bind(1, key).run();
            deleteTrace.bind(1, key).run();
            ++traces;
        }
        deleteLooseLogText.bind(1, newestStart).run();
        deleteLooseLogs.bind(1, newestStart).run();
        metricsBefore = std::max(metricsBefore, newestStart);
        std::uint64_t points = 0;
        if (countOldPoints.bind(1, metricsBefore).next())
            points = static_cast<std::uint64_t>(countOldPoints.integer(0));
        countOldPoints.reset();
        deleteOldBlocks.bind(1, metricsBefore).run();
        deleteOldExemplars.bind(1, metricsBefore).run();
        addCounter.bindText(1, counters::MetricPointsEvicted).bind(2, points).run();
        // Series and instruments whose points are all gone go too, so attribute sets or names
        // that were sent once do not outlive the budget.
        if (points > 0)
            m_db.exec(
                "DELETE FROM metric_exemplars WHERE series_id NOT IN (SELECT series_id FROM "
                "metric_blocks);"
                "DELETE FROM metric_series WHERE series_id NOT IN (SELECT series_id FROM "
                "metric_blocks);"
                "DELETE FROM metrics WHERE metric_id NOT IN (SELECT metric_id FROM metric_series);"
                "UPDATE metrics SET series_count = (SELECT count(*) FROM metric_series s WHERE "
                "s.metric_id = metrics.metric_id AND s.overflow = 0);");
        addCounter.bindText(1, counters::TracesEvicted).bind(2, traces).run();
        addCounter.bindText(1, counters::SpansEvicted).bind(2, spans).run();
        if (auto done = m_db.exec("COMMIT"); !done) {
            qCWarning(lcRetention) << "retention failed:" << done.error().c_str();
            m_db.exec("ROLLBACK");
            break;
        }
        checkpointIfLarge(budgetBytes); // deleting writes to the WAL too
    }
    return true;
}

} // namespace spanscope::storage

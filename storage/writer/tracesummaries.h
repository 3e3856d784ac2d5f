#pragma once

#include "telemetry.h"
#include "transactionerror.h"

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <unordered_map>

namespace spanscope::storage {

// The per-trace summary rows the trace list reads (table `traces`: time range, counts, root
// label, services): what one transaction brought is gathered per trace as it is written, then
// folded into the stored row once at the end, so a trace sent in many batches costs one read
// and one write per commit. A trace's log records that waited for their span (no time of their
// own, or a guessed service) are placed at the same moment.
class TraceSummaries
{
public:
    TraceSummaries(Database &db, TransactionError &error);

    // A trace row created in this transaction (nothing stored to fold with).
    void markNew(std::int64_t traceKey);
    // A span stored under `traceKey`, from `service` (`listed`: the same as listedName(service),
    // computed once per resource by the caller). `end` is at least `start`.
    void addSpan(std::int64_t traceKey, const Span &span, std::int64_t start, std::int64_t end,
                 const std::string &service, const std::string &listed);
    void addLog(std::int64_t traceKey);
    // Writes every touched trace's summary with `commitSeq` as its updated_seq.
    void flush(std::int64_t commitSeq);
    // After a rollback: what was gathered belongs to nothing.
    void forget() { m_touched.clear(); }
    std::string prepareError() const;

    // A service as the summary lists it: without the separator.
    static std::string listedName(const std::string &service);

private:
    struct Delta
    {
        bool fresh = false;
        std::int64_t start = std::numeric_limits<std::int64_t>::max();
        std::int64_t end = 0;
        std::int64_t spans = 0;
        std::int64_t errors = 0;
        std::int64_t logs = 0;
        bool hasRoot = false;
        std::string rootService, rootName;
        // The earliest span seen stands in for the root until the root arrives.
        std::int64_t firstStart = std::numeric_limits<std::int64_t>::max();
        std::string firstService, firstName;
        std::set<std::string> services; // at most MaxSummaryServices
        bool moreServices = false;
    };

    TransactionError &m_error;
    Statement m_read, m_write, m_placeWaitingLogs;
    std::unordered_map<std::int64_t, Delta> m_touched;
};

} // namespace spanscope::storage

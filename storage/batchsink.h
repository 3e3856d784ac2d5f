#pragma once

#include "metrics/metricdata.h"
#include "telemetry.h"

#include <cstdint>
#include <string>

namespace spanscope::storage {

enum class Signal : std::uint8_t { Traces, Logs, Metrics };
const char *toString(Signal signal);

// What happened to a batch handed to a sink.
struct WriteOutcome
{
    enum class Status : std::uint8_t {
        Committed, // durable in the database
        Busy, // the queue is full: the sender should retry later
        Failed, // storage failed (e.g. disk full); retryable, `error` says why
        Closed, // the sink is shutting down
    };
    Status status = Status::Committed;
    std::string error;
    bool committed() const { return status == Status::Committed; }
};

// Where receivers deliver decoded telemetry. Receivers know only this, never the database.
class BatchSink
{
public:
    virtual ~BatchSink() = default;
    // Blocks until the batch is committed or refused; safe to call from many threads.
    virtual WriteOutcome writeTraces(TraceBatch batch) = 0;
    virtual WriteOutcome writeLogs(LogBatch batch) = 0;
    virtual WriteOutcome writeMetrics(MetricBatch batch) = 0;
    enum class Tally : std::uint8_t {
        Accepted, // items accepted without storing them
        Rejected, // items dropped as invalid (bad ids) inside an otherwise good request
        Truncated, // attributes or values cut to the ingest limits
        SampledOut, // items a sampling policy chose not to store
    };
    virtual void count(Signal signal, Tally what, std::uint64_t items) = 0;
    // Whole requests refused: malformed, too large, wrong type, or no room in the queue.
    virtual void countRejectedRequest(Signal signal, const std::string &reason) = 0;
};

} // namespace spanscope::storage

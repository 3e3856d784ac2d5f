#pragma once

#include <batchsink.h>
#include <result.h>
#include <telemetry.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <string>

namespace spanscope::ingest {

// Reads a service's log output (a file, or "-" for standard input) line by line, turns each
// line into a log record (parseLogLine) and hands them over in batches, grouped by service.
// Following, it keeps reading a growing file, starts again when it is truncated and reopens it
// when it is replaced (log rotation). Delivery overlaps with reading: while one batch is being
// stored, the next is parsed.
class LogFileReader
{
public:
    struct Options
    {
        std::string defaultService = "unknown_service"; // for lines that name none
        // The default was not chosen by the user (a file name, "stdin"): a linked line takes
        // the service of its span once that span is stored.
        bool defaultServiceGuessed = false;
        bool follow = false;
        std::size_t batchRecords = 4096;
        std::chrono::milliseconds flushInterval{200}; // the longest a read line waits
    };
    struct Progress
    {
        std::uint64_t lines = 0; // non-blank lines read
        std::uint64_t structured = 0; // lines that were JSON objects
        std::uint64_t linked = 0; // records with a trace id
        std::uint64_t bytes = 0;
    };
    // Takes one batch; an error stops the reading and is returned by run().
    using Deliver = std::function<storage::Result<bool>(storage::LogBatch batch)>;

    LogFileReader(std::string path, Options options);

    // Reads until the end (or, following, until `stop` is set) and delivers everything read.
    storage::Result<Progress> run(const Deliver &deliver, const std::atomic<bool> &stop);

private:
    void add(std::string_view line);
    // Hands the pending records over on a thread of their own, so the next batch is read and
    // parsed while this one is stored; one batch at a time is in flight.
    storage::Result<bool> flush(const Deliver &deliver);
    storage::Result<bool> waitForDelivery();

    std::string m_path;
    Options m_options;
    Progress m_progress;
    storage::LogBatch m_batch;
    std::size_t m_pending = 0;
    std::future<storage::Result<bool>> m_inFlight;
};

} // namespace spanscope::ingest

#pragma once

#include "batchsink.h"
#include "result.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace spanscope::storage {

class Database;

struct WriterOptions
{
    // Decoded batches waiting for the writer; past this, senders are told to retry.
    std::size_t queueByteBudget = 256u << 20;
    // Oldest unpinned traces are evicted when the database uses more than this.
    std::int64_t retentionBytes = std::int64_t(2) << 30;
};

// Owns the only read-write connection. Batches from any thread wait in a bounded queue; one
// thread commits everything waiting in one transaction (group commit) and only then answers
// each sender, so "acknowledged" always means "committed".
class SpanWriter final : public BatchSink
{
public:
    static Result<std::unique_ptr<SpanWriter>> open(const std::string &path, WriterOptions options);
    ~SpanWriter() override;

    WriteOutcome writeTraces(TraceBatch batch) override;
    WriteOutcome writeLogs(LogBatch batch) override;
    WriteOutcome writeMetrics(MetricBatch batch) override;
    void count(Signal signal, Tally what, std::uint64_t items) override;
    void countRejectedRequest(Signal signal, const std::string &reason) override;

    // Stops taking batches, commits everything queued, and closes the database. Idempotent.
    void shutdown();
    // Reasons of the most recent rejected requests, newest last.
    std::deque<std::string> recentRejections() const;
    // Why the latest commit failed (a full disk, say); empty once data is stored again.
    std::string storageProblem() const;
    const std::string &path() const { return m_path; }
    std::int64_t retentionBytes() const { return m_retentionBytes; }
    // A new budget, enforced at the next maintenance pass (within seconds).
    void setRetentionBytes(std::int64_t bytes) { m_retentionBytes = bytes; }
    // Called on the writer thread after every commit that changed what is stored or counted
    // (and after evictions), with the commit's number (traces.updated_seq). It must return at
    // once: it is how the window learns of new data without polling.
    void setCommitListener(std::function<void(std::int64_t seq)> listener);

    class Session;

private:
    struct Job;
    SpanWriter(std::unique_ptr<Session> session, std::string path, WriterOptions options,
               int lockFd);
    // Whether the file at m_path is still the one being written (not deleted or replaced).
    bool fileIsStillThere() const;
    WriteOutcome enqueue(std::unique_ptr<Job> job);
    void run();
    void notifyCommitted();
    void addCounter(const std::string &name, std::uint64_t delta);
    void reportFailure(const std::string &error);

    std::string m_path;
    int m_lockFd = -1; // holds the database's writer lock
    WriterOptions m_options;
    std::atomic<std::int64_t> m_retentionBytes; // changed while running from Settings
    std::unique_ptr<Session> m_session; // touched only by the writer thread

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<std::unique_ptr<Job>> m_queue;
    std::size_t m_queuedBytes = 0;
    bool m_stopping = false;
    std::map<std::string, std::uint64_t> m_pendingCounters;
    std::deque<std::string> m_rejections;
    std::string m_storageProblem;
    std::string m_fileProblem; // set once the database file was deleted or replaced
    std::mutex m_listenerMutex; // guards m_commitListener, held while it runs
    std::function<void(std::int64_t)> m_commitListener;
    std::thread m_thread;

    // Writer-thread only: rate limiting of failure reports.
    std::string m_lastFailure;
    std::chrono::steady_clock::time_point m_lastFailureReport;
    std::uint64_t m_failuresSinceReport = 0;
};

} // namespace spanscope::storage

#pragma once

#include <backend.h>

#include <QElapsedTimer>

#include <atomic>

namespace spanscope::ingest {
class IngestServer;
}

namespace spanscope::app {

// The window's door onto the running server (the composition root's half of ui::Backend). The
// writer's commits arrive on its thread; one queued call at a time carries them to the GUI
// thread, at most one `committed` signal per MinimumInterval with the newest number, so a
// flood of commits refreshes the window five times a second, not hundreds.
class ServerBackend final : public ui::Backend
{
public:
    // The server must outlive this object.
    explicit ServerBackend(ingest::IngestServer &server, QObject *parent = nullptr);
    ~ServerBackend() override;

    Addresses addresses() const override;
    std::int64_t retentionBytes() const override;
    void setRetentionBytes(std::int64_t bytes) override;
    ingest::SamplingPolicy samplingPolicy() const override;
    void setSamplingPolicy(const ingest::SamplingPolicy &policy) override;
    std::vector<ingest::SamplingSink::RuleCount> samplingCounts() const override;
    std::optional<RemoteSampling> remoteSampling() const override;
    storage::BatchSink &importSink() override;
    std::deque<std::string> recentRejections() const override;
    std::string storageProblem() const override;
    void sendDemo(QObject *context, Done<DemoSent> done) override;
    void sendRunMark(const QString &name, QObject *context, Done<std::string> done) override;
    void readLogFile(const QString &path, bool follow, std::shared_ptr<std::atomic<bool>> stop,
                     QObject *context, Done<LogFileRead> done) override;

    static constexpr int MinimumIntervalMs = 200;

private:
    void schedule();
    void deliver();

    ingest::IngestServer &m_server;
    std::atomic<std::int64_t> m_latestSeq{0};
    std::atomic<bool> m_pending{false}; // a delivery is queued and not yet run
    QElapsedTimer m_sinceDelivery;
};

} // namespace spanscope::app

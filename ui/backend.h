#pragma once

#include <batchsink.h>
#include <remotesampling.h>
#include <result.h>
#include <samplingpolicy.h>
#include <samplingsink.h>

#include <QObject>
#include <QString>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spanscope::ui {

// The one door between the window and the running backend: what the window may read and
// change of it, and when new data was stored. The app implements it over the server
// (app/serverbackend.h); tests over a fake. Stored data itself is read with TraceStore from
// database(), on query threads.
class Backend : public QObject
{
    Q_OBJECT
public:
    struct Addresses
    {
        QString grpc; // host:port
        QString http; // host:port
        QString database; // file path
        QString bearerToken; // what senders must present; empty when none is asked
    };
    // Where SDKs poll for sampling strategies, and who polled lately.
    struct RemoteSampling
    {
        QString http, grpc; // host:port; empty when not served there
        std::vector<ingest::RemoteSamplingServer::Poll> polls;
    };

    struct DemoSent
    {
        int traces = 0;
        std::uint64_t spans = 0, logRecords = 0;
    };
    struct LogFileRead
    {
        std::uint64_t lines = 0, structured = 0, linked = 0; // JSON lines; with a trace id
    };
    template<typename T>
    using Done = std::function<void(storage::Result<T>)>;

    using QObject::QObject;

    virtual Addresses addresses() const = 0;

    virtual std::int64_t retentionBytes() const = 0;
    virtual void setRetentionBytes(std::int64_t bytes) = 0;

    virtual ingest::SamplingPolicy samplingPolicy() const = 0;
    virtual void setSamplingPolicy(const ingest::SamplingPolicy &policy) = 0;
    // What each rule decided since the policy was set.
    virtual std::vector<ingest::SamplingSink::RuleCount> samplingCounts() const = 0;
    virtual std::optional<RemoteSampling> remoteSampling() const = 0;

    // Where imported files are written (the same writer the receivers use).
    virtual storage::BatchSink &importSink() = 0;
    // The reasons of the latest rejected requests (newest last).
    virtual std::deque<std::string> recentRejections() const = 0;
    // Why storing fails now (a full disk, a deleted file); empty while it works.
    virtual std::string storageProblem() const = 0;

    // Sends the demo telemetry through the receivers, as `spanscope demo` does. `done` runs on
    // the GUI thread, unless `context` is gone by then.
    virtual void sendDemo(QObject *context, Done<DemoSent> done) = 0;
    // Starts a run named `name` by sending a run mark through the receivers, as `spanscope mark`
    // does; `done` gets the mark's trace id (hex), as for sendDemo.
    virtual void sendRunMark(const QString &name, QObject *context, Done<std::string> done) = 0;
    // Stores a log file's lines through the receiver, as `spanscope logs ingest` does; with
    // `follow`, goes on with lines appended until `stop` is set. `done` as for sendDemo.
    virtual void readLogFile(const QString &path, bool follow,
                             std::shared_ptr<std::atomic<bool>> stop, QObject *context,
                             Done<LogFileRead> done)
        = 0;

    // The sampling policy in a few words; empty when everything is kept.
    std::string samplingSummary() const;

signals:
    // New data was committed (or counters changed), up to commit `seq`. Emitted on the GUI
    // thread, coalesced: many commits in a burst make one signal. The window's lists, logs,
    // open trace, status bar and error watcher refresh on it; nothing polls.
    void committed(qint64 seq);
    // The sampling policy or the retention budget was changed through this door.
    void settingsChanged();
};

} // namespace spanscope::ui

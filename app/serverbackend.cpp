#include "serverbackend.h"

#include <demotraffic.h>
#include <files/logdelivery.h>
#include <files/logfilereader.h>
#include <ingestserver.h>
#include <otlpclient.h>
#include <runmark.h>
#include <spanwriter.h>

#include <QFileInfo>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <QMetaObject>
#include <QTimer>

#include <algorithm>

namespace spanscope::app {

ServerBackend::ServerBackend(ingest::IngestServer &server, QObject *parent)
    : ui::Backend(parent)
    , m_server(server)
{
    m_server.writer().setCommitListener([this](std::int64_t seq) {
        m_latestSeq = seq;
        if (!m_pending.exchange(true))
            QMetaObject::invokeMethod(this, &ServerBackend::schedule, Qt::QueuedConnection);
    });
}

ServerBackend::~ServerBackend()
{
    m_server.writer().setCommitListener({});
}

void ServerBackend::schedule()
{
    const qint64 since = m_sinceDelivery.isValid() ? m_sinceDelivery.elapsed() : MinimumIntervalMs;
    QTimer::singleShot(std::max<qint64>(0, MinimumIntervalMs - since), this,
                       &ServerBackend::deliver);
}

void ServerBackend::deliver()
{
    m_sinceDelivery.restart();
    m_pending = false; // commits after this point queue the next delivery
    emit committed(m_latestSeq.load());
}

ui::Backend::Addresses ServerBackend::addresses() const
{
    return {QString::fromStdString(m_server.grpcAddress()),
            QString::fromStdString(m_server.httpAddress()),
            QString::fromStdString(m_server.databasePath()),
            QString::fromStdString(m_server.bearerToken())};
}

std::int64_t ServerBackend::retentionBytes() const
{
    return m_server.writer().retentionBytes();
}

void ServerBackend::setRetentionBytes(std::int64_t bytes)
{
    m_server.writer().setRetentionBytes(bytes);
    emit settingsChanged();
}

ingest::SamplingPolicy ServerBackend::samplingPolicy() const
{
    return m_server.sampling().policy();
}

void ServerBackend::setSamplingPolicy(const ingest::SamplingPolicy &policy)
{
    m_server.setSamplingPolicy(policy);
    emit settingsChanged();
}

std::vector<ingest::SamplingSink::RuleCount> ServerBackend::samplingCounts() const
{
    return m_server.sampling().counts();
}

std::optional<ui::Backend::RemoteSampling> ServerBackend::remoteSampling() const
{
    const ingest::RemoteSamplingServer *remote = m_server.remoteSampling();
    if (!remote)
        return std::nullopt;
    return RemoteSampling{QString::fromStdString(remote->httpAddress()),
                          QString::fromStdString(remote->grpcAddress()), remote->polls()};
}

storage::BatchSink &ServerBackend::importSink()
{
    return m_server.writer();
}

std::deque<std::string> ServerBackend::recentRejections() const
{
    return m_server.writer().recentRejections();
}

std::string ServerBackend::storageProblem() const
{
    return m_server.writer().storageProblem();
}

void ServerBackend::sendDemo(QObject *context, Done<DemoSent> done)
{
    const std::string address = m_server.grpcAddress();
    const std::string token = m_server.bearerToken();
    QtConcurrent::run([address, token] {
        return ingest::sendDemoTraffic(address, token);
    }).then(context, [done](storage::Result<ingest::DemoSummary> sent) {
        if (!sent)
            return done(storage::Error{sent.error()});
        done(DemoSent{sent->traces, sent->spans, sent->logRecords});
    });
}

void ServerBackend::sendRunMark(const QString &name, QObject *context, Done<std::string> done)
{
    const std::string address = m_server.grpcAddress();
    const std::string token = m_server.bearerToken();
    QtConcurrent::run([address, token, mark = name.toStdString()] {
        return ingest::sendRunMark(address, token, mark);
    }).then(context, [done](storage::Result<std::string> sent) { done(std::move(sent)); });
}

void ServerBackend::readLogFile(const QString &path, bool follow,
                                std::shared_ptr<std::atomic<bool>> stop, QObject *context,
                                Done<LogFileRead> done)
{
    ingest::LogFileReader::Options options;
    options.follow = follow;
    options.defaultService = QFileInfo(path).completeBaseName().toStdString();
    // Through the server's own receiver, exactly as `spanscope logs ingest` does.
    const std::string address = m_server.grpcAddress();
    const std::string token = m_server.bearerToken();
    const std::string file = path.toStdString();
    QtConcurrent::run([address, token, file, options, stop] {
        auto rejected = std::make_shared<std::atomic<std::uint64_t>>(0);
        ingest::LogFileReader reader(file, options);
        return reader.run(ingest::deliverToReceiver(
                              std::make_shared<ingest::OtlpGrpcClient>(address, token), rejected),
                          *stop);
    }).then(context, [done](storage::Result<ingest::LogFileReader::Progress> read) {
        if (!read)
            return done(storage::Error{read.error()});
        done(LogFileRead{read->lines, read->structured, read->linked});
    });
}

} // namespace spanscope::app

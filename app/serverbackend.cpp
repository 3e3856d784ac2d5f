#include "serverbackend.h"

#include <ingestserver.h>
#include <spanwriter.h>

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

} // namespace spanscope::app

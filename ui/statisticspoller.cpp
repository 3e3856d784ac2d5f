#include "statisticspoller.h"

#include "tracequerythread.h"

#include <QPointer>

#include <optional>

namespace spanscope::ui {

StatisticsPoller::StatisticsPoller(const QString &databasePath, int intervalMs, QObject *parent)
    : QObject(parent)
    , m_queries(new TraceQueryThread(databasePath, this))
{
    connect(m_queries, &TraceQueryThread::failed, this, [this](const QString &message) {
        m_polling = false;
        emit failed(message);
    });
    connect(&m_timer, &QTimer::timeout, this, &StatisticsPoller::poll);
    m_timer.start(intervalMs);
    poll();
}

void StatisticsPoller::poll()
{
    if (m_polling)
        return;
    m_polling = true;
    QPointer<StatisticsPoller> self(this);
    m_queries->run([self](storage::TraceStore &store) {
        auto statistics = store.statistics();
        std::optional<storage::StoreStatistics> ready;
        QString error;
        if (statistics)
            ready = std::move(*statistics);
        else
            error = QString::fromStdString(statistics.error());
        QMetaObject::invokeMethod(
            self.data(),
            [self, ready, error] {
                if (!self)
                    return;
                self->m_polling = false;
                if (ready)
                    emit self->statisticsReady(*ready);
                else
                    emit self->failed(error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace spanscope::ui

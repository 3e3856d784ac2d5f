#include "statisticspoller.h"

#include <QTimer>

namespace spanscope::ui {

StatisticsPoller::StatisticsPoller(QString databasePath, int intervalMs)
    : m_path(std::move(databasePath))
    , m_intervalMs(intervalMs)
{
    qRegisterMetaType<storage::StoreStatistics>();
}

StatisticsPoller::~StatisticsPoller() = default;

void StatisticsPoller::start()
{
    m_timer = new QTimer(this);
    connect(m_timer, &QTimer::timeout, this, &StatisticsPoller::poll);
    m_timer->start(m_intervalMs);
    poll();
}

void StatisticsPoller::poll()
{
    if (!m_store) {
        auto store = storage::TraceStore::open(m_path.toStdString());
        if (!store) {
            emit failed(QString::fromStdString(store.error()));
            return;
        }
        m_store = std::move(*store);
    }
    auto statistics = m_store->statistics();
    if (statistics)
        emit statisticsReady(*statistics);
    else
        emit failed(QString::fromStdString(statistics.error()));
}

} // namespace spanscope::ui

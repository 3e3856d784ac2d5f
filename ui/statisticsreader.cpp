#include "statisticsreader.h"

#include "tracequerythread.h"

#include <QPointer>

#include <optional>

namespace spanscope::ui {

StatisticsReader::StatisticsReader(const QString &databasePath, QObject *parent)
    : QObject(parent)
    , m_queries(new TraceQueryThread(databasePath, this))
{
    connect(m_queries, &TraceQueryThread::failed, this, [this](const QString &message) {
        if (m_gate.done())
            read();
        emit failed(message);
    });
}

void StatisticsReader::refresh()
{
    if (m_gate.ask())
        read();
}

void StatisticsReader::read()
{
    QPointer<StatisticsReader> self(this);
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
                if (ready)
                    emit self->statisticsReady(*ready);
                else
                    emit self->failed(error);
                if (self->m_gate.done())
                    self->read();
            },
            Qt::QueuedConnection);
    });
}

} // namespace spanscope::ui

#pragma once

#include <tracestore.h>

#include <QObject>
#include <QTimer>

namespace spanscope::ui {

class TraceQueryThread;

// Reads store statistics every `intervalMs` on a query thread and reports them on this
// object's thread; a poll still running when the next is due is not doubled.
class StatisticsPoller : public QObject
{
    Q_OBJECT
public:
    StatisticsPoller(const QString &databasePath, int intervalMs, QObject *parent = nullptr);

signals:
    void statisticsReady(const spanscope::storage::StoreStatistics &statistics);
    void failed(const QString &message);

private:
    void poll();

    TraceQueryThread *m_queries;
    QTimer m_timer;
    bool m_polling = false;
};

} // namespace spanscope::ui

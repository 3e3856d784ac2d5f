#pragma once

#include "refreshgate.h"

#include <tracestore.h>

#include <QObject>

namespace spanscope::ui {

class TraceQueryThread;

// Reads store statistics on a query thread when asked (the window asks at start and on every
// commit) and reports them on this object's thread; asks while a read runs make one more.
class StatisticsReader : public QObject
{
    Q_OBJECT
public:
    explicit StatisticsReader(const QString &databasePath, QObject *parent = nullptr);

    void refresh();

signals:
    void statisticsReady(const spanscope::storage::StoreStatistics &statistics);
    void failed(const QString &message);

private:
    void read();

    TraceQueryThread *m_queries;
    RefreshGate m_gate;
};

} // namespace spanscope::ui

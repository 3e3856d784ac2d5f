#pragma once

#include <tracestore.h>

#include <QObject>
#include <QString>

#include <memory>

class QTimer;

namespace spanscope::ui {

// Reads store statistics on its own thread with its own read-only connection, so the GUI
// thread never touches SQLite. Move it to a QThread and call start() there.
class StatisticsPoller : public QObject
{
    Q_OBJECT
public:
    StatisticsPoller(QString databasePath, int intervalMs);
    ~StatisticsPoller() override;

    void start();

signals:
    void statisticsReady(const spanscope::storage::StoreStatistics &statistics);
    void failed(const QString &message);

private:
    void poll();

    QString m_path;
    int m_intervalMs;
    QTimer *m_timer = nullptr;
    std::unique_ptr<storage::TraceStore> m_store;
};

} // namespace spanscope::ui

Q_DECLARE_METATYPE(spanscope::storage::StoreStatistics)

#pragma once

#include <tracestore.h>

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace spanscope::ui {

// Runs trace queries on its own thread with its own read-only connection. Move it to a QThread;
// call run() from any thread. Each job gets the store and its result is handed to `deliver` on
// the receiver's thread, unless the receiver is gone by then.
class TraceQueryWorker : public QObject
{
    Q_OBJECT
public:
    explicit TraceQueryWorker(QString databasePath);
    ~TraceQueryWorker() override;

    using Job = std::function<void(storage::TraceStore &store)>;
    // Queues `job` on the worker's thread. A store that cannot be opened is reported through
    // `failed` and the job is skipped.
    void run(Job job);

signals:
    void failed(const QString &message);

private:
    QString m_path;
    std::unique_ptr<storage::TraceStore> m_store;
};

} // namespace spanscope::ui

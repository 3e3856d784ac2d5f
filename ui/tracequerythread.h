#pragma once

#include <tracestore.h>

#include <QObject>
#include <QString>
#include <QThread>

#include <functional>
#include <memory>

namespace spanscope::ui {

// A thread of its own with its own read-only connection, for every query the GUI needs: jobs
// run there in order, so SQLite never runs on the GUI thread. The store is opened on first use;
// when that fails, `failed` says why (on the owner's thread) and the job is skipped.
class TraceQueryThread : public QObject
{
    Q_OBJECT
public:
    using Job = std::function<void(storage::TraceStore &store)>;

    explicit TraceQueryThread(QString databasePath, QObject *parent = nullptr);
    // Waits for the running job; queued ones are dropped.
    ~TraceQueryThread() override;

    void run(Job job);

signals:
    void failed(const QString &message);

private:
    QString m_path;
    QThread m_thread;
    QObject *m_context; // lives on m_thread; jobs are queued to it
    std::unique_ptr<storage::TraceStore> m_store; // touched only on m_thread
};

} // namespace spanscope::ui

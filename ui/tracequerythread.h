#pragma once

#include <tracestore.h>

#include <QObject>
#include <QPointer>
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

    // Runs `query` here and hands its result to `apply` on `receiver`'s thread, unless the
    // receiver is gone by then.
    template<typename Result, typename Receiver>
    void request(Receiver *receiver, std::function<Result(storage::TraceStore &)> query,
                 std::function<void(Result)> apply)
    {
        QPointer<Receiver> target(receiver);
        run([target, query = std::move(query),
             apply = std::move(apply)](storage::TraceStore &store) {
            auto result = std::make_shared<Result>(query(store));
            QMetaObject::invokeMethod(
                target.data(),
                [target, result, apply] {
                    if (target)
                        apply(std::move(*result));
                },
                Qt::QueuedConnection);
        });
    }

signals:
    void failed(const QString &message);

private:
    QString m_path;
    QThread m_thread;
    QObject *m_context; // lives on m_thread; jobs are queued to it
    std::unique_ptr<storage::TraceStore> m_store; // touched only on m_thread
};

} // namespace spanscope::ui

#pragma once

#include "waterfalllayout.h"

#include <QObject>

#include <memory>

namespace spanscope::ui {

class TraceQueryThread;

// Loads a trace and builds its waterfall layout off the GUI thread. Opening another trace
// before the first arrives makes the first one's result stale, and it is dropped.
class TraceOpener : public QObject
{
    Q_OBJECT
public:
    explicit TraceOpener(const QString &databasePath, QObject *parent = nullptr);
    ~TraceOpener() override;

    void open(const storage::TraceId &traceId);

signals:
    void opened(std::shared_ptr<const storage::TraceData> trace,
                std::shared_ptr<const WaterfallLayout> layout);
    void failed(const QString &message);

private:
    TraceQueryThread *m_queries;
    quint64 m_generation = 0;
};

} // namespace spanscope::ui

#include "traceopener.h"

#include "tracequerythread.h"

#include <QPointer>

namespace spanscope::ui {

TraceOpener::TraceOpener(const QString &databasePath, QObject *parent)
    : QObject(parent)
    , m_queries(new TraceQueryThread(databasePath, this))
{
    connect(m_queries, &TraceQueryThread::failed, this, &TraceOpener::failed);
}

TraceOpener::~TraceOpener() = default;

void TraceOpener::open(const storage::TraceId &traceId)
{
    const quint64 generation = ++m_generation;
    QPointer<TraceOpener> self(this);
    m_queries->run([self, generation, traceId](storage::TraceStore &store) {
        auto loaded = store.loadTrace(traceId);
        std::shared_ptr<const storage::TraceData> trace;
        std::shared_ptr<const WaterfallLayout> layout;
        QString error;
        if (!loaded)
            error = QString::fromStdString(loaded.error());
        else if (!*loaded)
            error = tr("The trace %1 is no longer stored.")
                        .arg(QString::fromStdString(storage::toHex(traceId)));
        else {
            auto data = std::make_shared<storage::TraceData>(std::move(**loaded));
            layout = std::make_shared<WaterfallLayout>(WaterfallLayout::build(*data));
            trace = std::move(data);
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, trace, layout, error] {
                if (!self || self->m_generation != generation)
                    return;
                if (error.isEmpty())
                    emit self->opened(trace, layout);
                else
                    emit self->failed(error);
            },
            Qt::QueuedConnection);
    });
}

} // namespace spanscope::ui

#include "tracequeryworker.h"

#include <QMetaObject>

namespace spanscope::ui {

TraceQueryWorker::TraceQueryWorker(QString databasePath)
    : m_path(std::move(databasePath))
{}

TraceQueryWorker::~TraceQueryWorker() = default;

void TraceQueryWorker::run(Job job)
{
    QMetaObject::invokeMethod(
        this,
        [this, job = std::move(job)] {
            if (!m_store) {
                auto store = storage::TraceStore::open(m_path.toStdString());
                if (!store) {
                    emit failed(QString::fromStdString(store.error()));
                    return;
                }
                m_store = std::move(*store);
            }
            job(*m_store);
        },
        Qt::QueuedConnection);
}

} // namespace spanscope::ui

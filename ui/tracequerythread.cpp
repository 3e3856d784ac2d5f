#include "tracequerythread.h"

#include <QMetaObject>

namespace spanscope::ui {

TraceQueryThread::TraceQueryThread(QString databasePath, QObject *parent)
    : QObject(parent)
    , m_path(std::move(databasePath))
    , m_context(new QObject)
{
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.start();
}

TraceQueryThread::~TraceQueryThread()
{
    m_thread.quit();
    m_thread.wait();
}

void TraceQueryThread::run(Job job)
{
    QMetaObject::invokeMethod(
        m_context,
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

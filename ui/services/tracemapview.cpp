#include "tracemapview.h"

#include "servicemapview.h"
#include "tracequerythread.h"

#include <services/servicereader.h>

#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

#include <set>

namespace spanscope::ui {

TraceMapView::TraceMapView(const QString &databasePath, QWidget *parent)
    : QWidget(parent)
    , m_queries(new TraceQueryThread(databasePath, this))
    , m_summary(new QLabel(this))
    , m_map(new ServiceMapView(this))
{
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_map);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(scroll, 1);
    connect(m_map, &ServiceMapView::nodeActivated, this,
            [this](const QString &name, storage::NodeKind kind) {
                if (kind == storage::NodeKind::Service)
                    emit serviceActivated(name);
            });
    connect(m_queries, &TraceQueryThread::failed, m_summary, &QLabel::setText);
}

void TraceMapView::setTrace(std::optional<storage::TraceId> traceId)
{
    m_trace = traceId;
    if (!traceId) {
        m_map->setMap({}, {});
        m_summary->clear();
        return;
    }
    storage::ServiceFilter filter;
    filter.trace = *traceId;
    filter.buckets = 1;
    m_queries->request<storage::Result<storage::ServiceOverview>>(
        this,
        [filter](storage::TraceStore &store) { return store.serviceReader().overview(filter); },
        [this, id = *traceId](storage::Result<storage::ServiceOverview> overview) {
            if (m_trace != id)
                return; // another trace was opened meanwhile
            if (!overview) {
                m_summary->setText(QString::fromStdString(overview.error()));
                return;
            }
            std::set<std::string> services;
            for (const storage::RedRow &row : overview->services) {
                if (row.kind == storage::NodeKind::Service)
                    services.insert(row.service);
            }
            m_summary->setText(tr("%n services of this trace and the calls between them "
                                  "(click a service to list its traces).",
                                  nullptr, static_cast<int>(services.size())));
            m_map->setMap(overview->edges, {services.begin(), services.end()});
        });
}

} // namespace spanscope::ui

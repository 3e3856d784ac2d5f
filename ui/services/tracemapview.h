#pragma once

#include <telemetry.h>

#include <QWidget>

#include <optional>

class QLabel;

namespace spanscope::ui {

class ServiceMapView;
class TraceQueryThread;

// The trace view's Service Map tab: the services one trace went through and what they called,
// read from the store for the open trace (the same reader as the Services tab, for one trace).
class TraceMapView : public QWidget
{
    Q_OBJECT
public:
    explicit TraceMapView(const QString &databasePath, QWidget *parent = nullptr);

    // Reads the map of `traceId` (again when it grew); nothing clears it.
    void setTrace(std::optional<storage::TraceId> traceId);
    ServiceMapView *map() const { return m_map; }

signals:
    void serviceActivated(const QString &service);

private:
    TraceQueryThread *m_queries;
    QLabel *m_summary;
    ServiceMapView *m_map;
    std::optional<storage::TraceId> m_trace;
};

} // namespace spanscope::ui

#pragma once

#include "liverefresh.h"

#include <services/servicereader.h>

#include <QWidget>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace spanscope::ui {

class ServiceMapView;
class TimeRangeCombo;
class TraceQueryThread;

// The Services tab: RED metrics from stored spans per service and operation over the time
// range (the trace list's, kept in step by the window), by impact, with sparklines of requests
// and p95; and the service map beside them. Enter or a double-click on a row, or a click on a
// map node, lists that service's (operation's) traces; a click on a sparkline bar opens the
// slowest trace of that moment. Read while shown, again when new data settles.
class ServicesPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int SettleMs = 1000;
    static constexpr int Buckets = 30;
    enum Column {
        NameColumn,
        RequestsColumn,
        RateColumn,
        ErrorsColumn,
        P50Column,
        P95Column,
        P99Column,
        RequestsOverTimeColumn,
        P95OverTimeColumn,
        ColumnCount
    };

    explicit ServicesPage(const QString &databasePath, QWidget *parent = nullptr);

    QTreeWidget *table() const { return m_table; }
    ServiceMapView *map() const { return m_map; }
    TimeRangeCombo *timeRange() const { return m_timeRange; }
    void refreshSoon();
    void refresh();
    // What a click on bucket `bucket` of row `item`'s sparkline does.
    void openBucket(QTreeWidgetItem *item, int bucket);

signals:
    // List the traces of `service` (and `operation` when set); for a database or another
    // target, `service` is empty and `operation` names the call.
    void showTraces(const QString &service, const QString &operation);
    void openTrace(const storage::TraceId &traceId);
    void message(const QString &text);
    void shown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void read();
    void display(storage::ServiceOverview overview);
    void activate(QTreeWidgetItem *item);

    TraceQueryThread *m_queries;
    TimeRangeCombo *m_timeRange;
    QLabel *m_summary;
    QTreeWidget *m_table;
    ServiceMapView *m_map;
    LiveRefresh m_refresh;
    std::uint64_t m_fromNs = 0, m_toNs = 0; // of the rows shown
};

} // namespace spanscope::ui

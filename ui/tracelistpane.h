#pragma once

#include <tracestore.h>

#include <QWidget>

#include <functional>
#include <vector>

class QLabel;
class QTableView;
class QToolButton;

namespace spanscope::ui {

class FilterBar;
class TraceListModel;
class TraceQueryThread;

// The Traces page: the filter bar, the live trace list (several rows can be selected), the
// pause switch and a line saying whether the list is live. Sorting is by the columns that
// sort; a click on another keeps the order and says why.
class TraceListPane : public QWidget
{
    Q_OBJECT
public:
    TraceListPane(const QString &databasePath, TraceQueryThread *queries,
                  QWidget *parent = nullptr);

    FilterBar *filters() const { return m_filters; }
    TraceListModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QToolButton *pauseButton() const { return m_pause; }
    QLabel *previewBanner() const { return m_previewBanner; }
    // "11 traces", "3 of 11 traces": what the list shows of the store.
    QLabel *countLabel() const { return m_count; }
    // Shown over the empty list when the filters match nothing, with a way to clear them.
    QLabel *emptyMessage() const { return m_empty; }
    // How many traces are stored (from the statistics), for the count.
    void setStoredTraces(qint64 traces);
    // The trace of the current row, if any; the traces of the selected rows.
    std::optional<storage::TraceId> currentTrace() const;
    std::vector<storage::TraceId> selectedTraces() const;
    // Makes the trace's row the current and only selected one, without opening it; false (and
    // no row selected) when the list does not show it.
    bool selectTrace(const storage::TraceId &traceId);
    // Reads the services and sources the filters offer again (when the trace count changed);
    // `servicesListed` hands the services on for the logs' filter.
    void refreshChoices();
    // The traces the filters match, newest first, up to `limit`, handed to `done` on the GUI
    // thread.
    void findFilteredTraces(int limit, std::function<void(std::vector<storage::TraceId>)> done);

signals:
    void openRequested(const storage::TraceId &traceId); // Enter or a double click on a row
    void message(const QString &text, int timeoutMs);
    void servicesListed(const QStringList &services);

private:
    void listOperations(const QString &service);
    void showCount();

    FilterBar *m_filters;
    TraceListModel *m_model;
    QTableView *m_table;
    QToolButton *m_pause;
    QLabel *m_info;
    QLabel *m_previewBanner; // shown while a sampling preview greys rows out
    QLabel *m_count;
    QLabel *m_empty;
    qint64 m_stored = 0;
    TraceQueryThread *m_queries;
    int m_sortColumn;
    Qt::SortOrder m_sortOrder = Qt::DescendingOrder;
};

} // namespace spanscope::ui

#pragma once

#include "logrowsmodel.h"

#include <QWidget>

#include <memory>
#include <set>

class QComboBox;
class QLabel;
class QTableView;

namespace spanscope::ui {

// A trace's log records in time order under its waterfall, for the whole trace, the selected
// span, or the selected span and everything under it. Picking a record reports it, so the trace
// view can select the span that wrote it.
class TraceLogsView : public QWidget
{
    Q_OBJECT
public:
    enum class Scope { Trace, Span, SpanAndChildren };

    explicit TraceLogsView(QWidget *parent = nullptr);

    // The trace's records (in time order) and its start, for times relative to it.
    void setLogs(std::shared_ptr<const std::vector<LogRow>> logs, std::int64_t traceStartNs);
    // The span selected in the waterfall, with the ids of the spans under it.
    void setSelectedSpans(std::set<std::string> spanAndChildren, std::string span);
    void setScope(Scope scope);
    Scope scope() const;
    // Selects the record with this index in the trace's records (shown in any scope).
    void selectLog(int log);
    int shownCount() const;
    QTableView *table() const { return m_table; }
    // Only the header line is shown: the trace has no log records.
    bool isCollapsed() const;

signals:
    void logPicked(int log); // an index into the trace's records

private:
    void refilter();

    QComboBox *m_scope;
    QLabel *m_count;
    QTableView *m_table;
    LogRowsModel *m_model;
    std::shared_ptr<const std::vector<LogRow>> m_logs;
    std::vector<int> m_shown; // indices into *m_logs of the model's rows
    std::int64_t m_traceStart = 0;
    std::set<std::string> m_subtree; // span ids as raw bytes
    std::string m_span;
};

} // namespace spanscope::ui

#pragma once

#include <QWidget>

#include <memory>
#include <vector>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace spanscope::ui {

class SpanTableModel;
struct TraceAnalysis;

// Every span of the open trace in one flat table, sortable by start, duration or self time
// (longest first on the first click) and narrowed by the text typed above it (service, name or
// status). Enter or a double-click shows the span in the waterfall.
class TraceSpanTable : public QWidget
{
    Q_OBJECT
public:
    explicit TraceSpanTable(QWidget *parent = nullptr);

    // Null while the trace is being analysed.
    void setAnalysis(std::shared_ptr<const TraceAnalysis> analysis);
    QTableView *table() const { return m_table; }
    QLineEdit *filter() const { return m_filter; }

signals:
    void spansChosen(const std::vector<int> &spans); // indices into TraceData::spans

private:
    SpanTableModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QLineEdit *m_filter;
    QTableView *m_table;
    int m_sortColumn; // the column sorted by, to know a first click on another
};

} // namespace spanscope::ui

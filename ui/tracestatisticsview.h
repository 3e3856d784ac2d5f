#pragma once

#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QTableWidget;

namespace spanscope::ui {

struct TraceAnalysis;

// The open trace's statistics: per service and operation (or per operation, or per service)
// the span count, total, self time, average, minimum, maximum and share of the trace; biggest
// self time first, sortable by any column. Enter or a double-click shows those spans in the
// waterfall.
class TraceStatisticsView : public QWidget
{
    Q_OBJECT
public:
    enum Column {
        ServiceColumn,
        OperationColumn,
        CountColumn,
        TotalColumn,
        SelfColumn,
        AverageColumn,
        MinColumn,
        MaxColumn,
        ShareColumn,
        ColumnCount
    };

    explicit TraceStatisticsView(QWidget *parent = nullptr);

    // Null while the trace is being analysed.
    void setAnalysis(std::shared_ptr<const TraceAnalysis> analysis);
    QTableWidget *table() const { return m_table; }
    QComboBox *grouping() const { return m_grouping; }

signals:
    void spansChosen(const std::vector<int> &spans); // indices into TraceData::spans

private:
    void fill();
    void choose(int row);

    std::shared_ptr<const TraceAnalysis> m_analysis;
    QComboBox *m_grouping;
    QTableWidget *m_table;
    QLabel *m_hint;
};

} // namespace spanscope::ui

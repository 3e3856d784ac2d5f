#pragma once

#include <runs.h>

#include <QWidget>

#include <vector>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace spanscope::ui {

class TraceQueryThread;

// View ▸ Compare Runs: two runs named as `compare --baseline/--candidate` names them (mark=,
// attr=, since=, until=), compared per endpoint — traces, p50, p95, errors, calls per trace,
// what is new — the biggest impact first. Enter or a double-click on an endpoint opens its most
// typical pair of traces (nearest each run's median) in the Compare window. Reads on a query
// thread of its own.
class RunCompareWindow : public QWidget
{
    Q_OBJECT
public:
    enum Column {
        EndpointColumn,
        TracesColumn,
        P50Column,
        P95Column,
        ErrorsColumn,
        CallsColumn,
        NewColumn,
        ColumnCount
    };

    explicit RunCompareWindow(const QString &databasePath, QWidget *parent = nullptr);
    ~RunCompareWindow() override;

    QLineEdit *baseline() const { return m_baseline; }
    QLineEdit *candidate() const { return m_candidate; }
    QTableWidget *table() const { return m_table; }
    QLabel *summary() const { return m_summary; }
    const std::vector<analysis::EndpointChange> &changes() const { return m_changes; }
    // Reads both runs and fills the table.
    void compare();

signals:
    void compared(); // the table is filled, or the summary says why not
    // An endpoint's typical pair, for the Compare window.
    void tracesChosen(const storage::TraceId &a, const storage::TraceId &b);

private:
    struct Result;
    void display(const Result &result);
    void choose(int row);

    TraceQueryThread *m_queries;
    QLineEdit *m_baseline;
    QLineEdit *m_candidate;
    QPushButton *m_compare;
    QLabel *m_summary;
    QTableWidget *m_table;
    std::vector<analysis::EndpointChange> m_changes;
};

} // namespace spanscope::ui

#pragma once

#include <insights.h>

#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QTableWidget;

namespace spanscope::ui {

struct TraceAnalysis;

// The insights found in the open trace, most time to save first: kind, count, time, what could
// be saved and the pattern, the explanation in the tooltip. Enter or a double-click shows the
// spans involved in the waterfall.
class TraceInsightsView : public QWidget
{
    Q_OBJECT
public:
    enum Column { KindColumn, CountColumn, TimeColumn, SavableColumn, PatternColumn, ColumnCount };

    explicit TraceInsightsView(QWidget *parent = nullptr);

    // Null while the trace is being analysed.
    void setAnalysis(std::shared_ptr<const TraceAnalysis> analysis);
    QTableWidget *table() const { return m_table; }
    const TraceAnalysis *analysis() const { return m_analysis.get(); }

signals:
    void spansChosen(const std::vector<int> &spans); // indices into TraceData::spans
    // From the row menu: Ignore This Problem, Insight Settings.
    void ignoreRequested(const spanscope::analysis::Insight &insight);
    void settingsRequested();

private:
    void choose(int row);
    const analysis::Insight *insightAt(int row) const;

    std::shared_ptr<const TraceAnalysis> m_analysis;
    QTableWidget *m_table;
    QLabel *m_more; // says the list is cut at MaxAnalysisRows
    QLabel *m_empty;
};

} // namespace spanscope::ui

#pragma once

#include "insightpreferences.h"

#include <insightgroups.h>

#include <QSet>
#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QTableWidget;

namespace spanscope::ui {

class TraceQueryThread;

// Insights across the stored traces: the detectors' findings over the newest traces, grouped by
// fingerprint, with how many traces show each, the time they take, what could be saved and when
// they were seen. Problems not there at the last look are marked new. Enter or a double-click
// opens the newest trace showing it, at the span involved. Read on a query thread of its own
// (running the detectors over many traces must not hold up the list's queries) when the tab is
// shown and, while it is, after new data settles.
class InsightsPane : public QWidget
{
    Q_OBJECT
public:
    static constexpr int TracesRead = 200;
    static constexpr int SettleMs = 2000;
    enum Column {
        KindColumn,
        PatternColumn,
        WhereColumn,
        TracesColumn,
        TimeColumn,
        SavableColumn,
        LastSeenColumn,
        ColumnCount
    };

    explicit InsightsPane(const QString &databasePath, QWidget *parent = nullptr);

    QTableWidget *table() const { return m_table; }
    QLabel *summary() const { return m_summary; }
    // New data was stored: read again once it settles, if the pane is shown.
    void refreshSoon();
    void refresh();
    // Thresholds and ignored problems for the reads from now on; reads again when shown.
    void setInsightPreferences(const InsightPreferences &preferences);

signals:
    void openSpan(const storage::TraceId &traceId, const storage::SpanId &spanId);
    // From the row menu: Ignore This Problem, Insight Settings.
    void ignoreRequested(const spanscope::analysis::Insight &insight);
    void settingsRequested();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void display(analysis::InsightOverview overview);
    const analysis::InsightGroup *groupAt(int row) const;

    TraceQueryThread *m_queries;
    QLabel *m_summary;
    QTableWidget *m_table;
    QTimer m_settle;
    std::vector<analysis::InsightGroup> m_groups;
    QSet<QString> m_seen; // fingerprints shown at the last look (kept in the settings)
    bool m_reading = false;
    bool m_readAgain = false;
    InsightPreferences m_preferences;
    // Findings of the last read per trace; touched only on the query thread.
    std::shared_ptr<analysis::InsightCache> m_cache;
};

} // namespace spanscope::ui

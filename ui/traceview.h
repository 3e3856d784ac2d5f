#pragma once

#include "insightpreferences.h"
#include "navigationhistory.h"

#include <tracestore.h>

#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QMenu;
class QLineEdit;
class QSplitter;
class QTabWidget;
class QToolButton;

namespace spanscope::ui {

class LogDetailsView;
class SpanDetailsView;
class FlameGraphView;
class TraceMapView;
class TraceInsightsView;
class TraceLogsView;
class TraceOpener;
class TraceSpanTable;
class TraceStatisticsView;
struct LogRow;
struct OpenedTrace;
class WaterfallLayout;
class WaterfallMinimap;
class WaterfallView;

// One trace: a title line, a find bar (matches highlighted, next and previous), the critical
// path switch, the minimap, the waterfall with the trace's log records under it (and marked on
// the rows), the selected span's details with an attribute filter, and the selected log record.
// A trace still arriving is reloaded in place while it is open (refresh(), on every commit).
class TraceView : public QWidget
{
    Q_OBJECT
public:
    explicit TraceView(const QString &databasePath, QWidget *parent = nullptr);
    ~TraceView() override;

    // Opens a trace, then selects `span` in it when given.
    void open(const storage::TraceId &traceId, std::optional<storage::SpanId> span = {});
    // Selects a span, opening its trace first unless it is the one shown.
    void openSpan(const storage::TraceId &traceId, const storage::SpanId &spanId);
    bool hasTrace() const;
    // Reloads the open trace in place if a commit changed it since it was read.
    void refresh();
    std::optional<storage::TraceId> traceId() const;
    // Thresholds and ignored problems for the analyses; the open trace is analysed again.
    void setInsightPreferences(const InsightPreferences &preferences);

    void focusFind();
    void findNext();
    void findPrevious();
    void setCriticalPathShown(bool shown);
    void copySpanAsOtlpJson();
    // The menu of a waterfall row (right-click): copy its name, id or OTLP-JSON, find spans
    // with the same name, collapse or expand its subtree, show the critical path. The caller
    // shows it and owns it.
    QMenu *rowMenu(int layoutRow);
    // Back and Forward through the traces opened and links followed (Alt+Left, Alt+Right).
    void goBack();
    void goForward();
    const NavigationHistory &history() const { return m_history; }

    WaterfallView *waterfall() const { return m_waterfall; }
    TraceStatisticsView *statistics() const { return m_statistics; }
    TraceInsightsView *insights() const { return m_insights; }
    FlameGraphView *flameGraph() const { return m_flame; }
    TraceMapView *traceMap() const { return m_traceMap; }
    TraceSpanTable *spanTable() const { return m_spanTable; }
    QTabWidget *views() const { return m_views; }
    SpanDetailsView *details() const { return m_details; }
    TraceLogsView *logs() const { return m_logs; }
    LogDetailsView *logDetails() const { return m_logDetails; }
    WaterfallMinimap *minimap() const { return m_minimap; }
    QSplitter *splitter() const { return m_split; }
    QLineEdit *findField() const { return m_find; }

signals:
    void message(const QString &text, int timeoutMs);
    void openFrame(const QString &file, int line);
    void traceOpened(const QString &title);
    void historyChanged(); // Back or Forward became possible or impossible
    // The Insights tab's row menu: Ignore This Problem, Insight Settings.
    void ignoreInsightRequested(const spanscope::analysis::Insight &insight);
    void insightSettingsRequested();

private:
    void show(const OpenedTrace &opened, bool refreshed);
    // Shows these spans (indices into TraceData::spans) in the waterfall, the first selected.
    void showSpans(const std::vector<int> &spans);
    void spanSelected(int spanIndex);
    void pickLog(int log);
    void startSearch();
    void showMatch(int step);
    void updateMatchLabel();
    bool selectSpan(const storage::SpanId &spanId, bool focusWaterfall = true);
    void goTo(const NavigationHistory::Place &place);
    std::optional<storage::SpanId> selectedSpanId() const;

    TraceOpener *m_opener;
    QLabel *m_title;
    QLineEdit *m_find;
    QLabel *m_matchLabel;
    QToolButton *m_criticalPath;
    WaterfallMinimap *m_minimap;
    WaterfallView *m_waterfall;
    TraceStatisticsView *m_statistics;
    TraceInsightsView *m_insights;
    FlameGraphView *m_flame;
    TraceMapView *m_traceMap;
    TraceSpanTable *m_spanTable;
    QTabWidget *m_views; // the waterfall, statistics, insights, flame graph and spans
    SpanDetailsView *m_details;
    TraceLogsView *m_logs;
    LogDetailsView *m_logDetails;
    std::shared_ptr<const std::vector<LogRow>> m_logRows;
    QSplitter *m_split;
    QTimer m_findDebounce;
    std::optional<storage::SpanId> m_pendingSpan; // to select once the trace is shown
    quint64 m_searchGeneration = 0;
    int m_currentMatch = -1; // index into the waterfall's matches
    NavigationHistory m_history;
    bool m_fromHistory = false; // the trace being opened is a step Back or Forward
};

} // namespace spanscope::ui

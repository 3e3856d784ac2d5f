#pragma once

#include "backend.h"
#include "insightpreferences.h"
#include "statuspanel.h"
#include "theme.h"

#include <QMainWindow>

class QActionGroup;
class QLabel;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QToolButton;

namespace spanscope::ui {

class BundleTransfer;
class ErrorTraceWatcher;
class CompareWindow;
class RunCompareWindow;
class InsightSettingsDialog;
class LogFileReading;
class SettingsDialog;
class TrayIcon;
struct AppSettings;
class FilterBar;
class InsightsPane;
class MetricsPage;
class ServicesPage;
class LogsPane;
class SamplingPanel;
class ShortcutOverlay;
class StatisticsReader;
class TraceListModel;
class TraceListPane;
class TraceQueryThread;
class TraceView;
class WelcomePage;

// Spanscope's window: the live trace list with its filters above, the open trace below, the
// receivers' status at the bottom, and a welcome page while nothing has arrived. Menus carry
// every command with its shortcut; F1 lists them. Geometry, splits, columns and the theme are
// restored on the next start.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The backend must outlive the window.
    explicit MainWindow(Backend &backend, QWidget *parent = nullptr);
    ~MainWindow() override;

    TraceListModel *traceList() const;
    QTableView *traceTable() const;
    FilterBar *filterBar() const;
    TraceView *traceView() const { return m_traceView; }
    LogsPane *logsPane() const { return m_logs; }
    InsightsPane *insightsPane() const { return m_insights; }
    MetricsPage *metricsPage() const { return m_metrics; }
    ServicesPage *servicesPage() const { return m_services; }
    QTabWidget *tabs() const { return m_tabs; }
    StatusPanel *statusPanel() const { return m_status; }
    ShortcutOverlay *shortcutOverlay() const { return m_overlay; }
    bool showsWelcome() const;

    // Sends the demo data set to this window's receivers, in the background.
    void sendDemoData();
    // Files of log lines read into the store (File ▸ Open / Follow Log File).
    LogFileReading *logFiles() const { return m_logFiles; }
    // The sampling controls (View > Sampling).
    SamplingPanel *showSamplingPanel();
    // Bundles and OTLP-JSON files into the store (File > Open, drag and drop).
    BundleTransfer *bundles() const { return m_bundles; }
    void importFiles(const QStringList &paths);
    // The open trace, else the one selected in the list, to a bundle (File > Export).
    void exportCurrentTrace();
    // The traces selected in the list to one bundle.
    void exportSelectedTraces();
    // Every trace the list's filters match (up to 1 000) to one bundle.
    void exportFilteredTraces();
    void setTheme(Theme theme);
    // Edit > Settings; the dialog applies what it can at once when accepted.
    SettingsDialog *showSettings();
    void applySettings(const AppSettings &settings);
    // View ▸ Compare Runs: two runs per endpoint; an endpoint opens its typical pair.
    RunCompareWindow *showRunComparison();
    // View ▸ Start a New Run: the traces from now until the next run are the run `name`
    // (compare --baseline mark=NAME); the menu item asks for the name.
    void startRun(const QString &name);
    // View ▸ Compare Traces (Ctrl+D): the two traces selected in the list, or the one selected
    // (else open) against the trace of its root operation before it; null after saying why not.
    CompareWindow *compareSelectedTraces();
    // Edit ▸ Insight Settings: thresholds and ignored problems, applied when accepted.
    InsightSettingsDialog *showInsightSettings();
    void applyInsightPreferences(const InsightPreferences &preferences);
    const InsightPreferences &insightPreferences() const { return m_insightPreferences; }
    // Leaves a problem out of every Insights table from now on (and `spanscope insights`).
    void ignoreInsight(const analysis::Insight &insight);
    // What the running receivers use, as settings.
    AppSettings runningSettings() const;
    ErrorTraceWatcher *errorTraceWatcher() const { return m_errorWatcher; }
    // Opens a trace by its hexadecimal id; false when `text` is not one.
    bool openTrace(const QString &text);

signals:
    // The user asked to restart with new receiver or database settings.
    void restartRequested();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createMenus();
    void showStatistics(const storage::StoreStatistics &statistics);
    void openSelectedTrace();
    void openTraceById();
    void openFrame(const QString &file, int line);
    void showAbout();
    void restoreState();
    void saveState() const;

    Backend &m_backend;
    const Backend::Addresses m_addresses; // fixed while running: a change needs a restart
    QStackedWidget *m_pages;
    WelcomePage *m_welcome;
    QSplitter *m_split;
    QTabWidget *m_tabs;
    TraceQueryThread *m_queries; // services and sources for the filters, exports
    TraceListPane *m_list;
    LogsPane *m_logs;
    InsightsPane *m_insights;
    MetricsPage *m_metrics;
    ServicesPage *m_services;
    TraceView *m_traceView;
    StatusPanel *m_status;
    ShortcutOverlay *m_overlay;
    StatisticsReader *m_statistics;
    QActionGroup *m_themes = nullptr;
    ThemeSwitcher m_themeSwitcher;
    std::int64_t m_knownTraces = -1;
    bool m_sendingDemo = false;
    LogFileReading *m_logFiles;
    SamplingPanel *m_samplingPanel = nullptr;
    BundleTransfer *m_bundles;
    TrayIcon *m_tray;
    ErrorTraceWatcher *m_errorWatcher;
    InsightPreferences m_insightPreferences;
};

} // namespace spanscope::ui

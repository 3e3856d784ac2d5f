#pragma once

#include "backend.h"
#include "statuspanel.h"

#include <QMainWindow>

#include <atomic>
#include <memory>

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
class SettingsDialog;
class TrayIcon;
struct AppSettings;
class FilterBar;
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
    enum class Theme { System, Light, Dark };

    // The backend must outlive the window.
    explicit MainWindow(Backend &backend, QWidget *parent = nullptr);
    ~MainWindow() override;

    TraceListModel *traceList() const;
    QTableView *traceTable() const;
    FilterBar *filterBar() const;
    TraceView *traceView() const { return m_traceView; }
    LogsPane *logsPane() const { return m_logs; }
    QTabWidget *tabs() const { return m_tabs; }
    StatusPanel *statusPanel() const { return m_status; }
    ShortcutOverlay *shortcutOverlay() const { return m_overlay; }
    bool showsWelcome() const;

    // Sends the demo data set to this window's receivers, in the background.
    void sendDemoData();
    // Reads a file of log lines into the store in the background; following, until stopped.
    void readLogFile(const QString &path, bool follow);
    void stopReadingLogFile();
    bool isReadingLogFile() const { return m_readingLogs; }
    // The sampling controls (View > Sampling); null without a server.
    SamplingPanel *showSamplingPanel();
    // Bundles and OTLP-JSON files into the store (File > Open, drag and drop); null without a
    // server.
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

private:
    void createMenus();
    void showStatistics(const storage::StoreStatistics &statistics);
    void openSelectedTrace();
    void openTraceById();
    void openFrame(const QString &file, int line);
    void chooseLogFile(bool follow);
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
    TraceView *m_traceView;
    StatusPanel *m_status;
    ShortcutOverlay *m_overlay;
    StatisticsReader *m_statistics;
    QActionGroup *m_themes = nullptr;
    QPalette m_systemPalette;
    QString m_systemStyle;
    std::int64_t m_knownTraces = -1;
    bool m_sendingDemo = false;
    bool m_readingLogs = false;
    std::shared_ptr<std::atomic<bool>> m_stopLogs; // set to end the log file being read
    QAction *m_stopLogsAction = nullptr;
    SamplingPanel *m_samplingPanel = nullptr;
    BundleTransfer *m_bundles = nullptr;
    TrayIcon *m_tray;
    ErrorTraceWatcher *m_errorWatcher;
};

} // namespace spanscope::ui

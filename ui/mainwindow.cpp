#include "mainwindow.h"

#include "appsettings.h"
#include "bundletransfer.h"
#include "comparewindow.h"
#include "editorlauncher.h"
#include "errortracewatcher.h"
#include "filterbar.h"
#include "flamegraphview.h"
#include "insightsettingsdialog.h"
#include "insightspane.h"
#include "logfilereading.h"
#include "loglistmodel.h"
#include "logspane.h"
#include "metrics/metricspage.h"
#include "runcomparewindow.h"
#include "samplingpanel.h"
#include "services/servicespage.h"
#include "services/tracemapview.h"
#include "settingsdialog.h"
#include "shortcutoverlay.h"
#include "spandetailsview.h"
#include "statisticsreader.h"
#include "timerangecombo.h"
#include "traceidtext.h"
#include "tracelistmodel.h"
#include "tracelistpane.h"
#include "tracequerythread.h"
#include "traceview.h"
#include "trayicon.h"
#include "waterfallview.h"
#include "welcomepage.h"

#include <array>

#include <counters.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QMouseEvent>
#include <QPointer>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>

namespace spanscope::ui {

namespace {

const QString FoldSettingKey = QStringLiteral("view/foldRepeatedSpans");
// As `spanscope mark` allows: a run's name is a label, not a payload.
constexpr int MaxRunNameLength = 200;

} // namespace

MainWindow::MainWindow(Backend &backend, QWidget *parent)
    : QMainWindow(parent)
    , m_backend(backend)
    , m_addresses(backend.addresses())
    , m_pages(new QStackedWidget(this))
    , m_welcome(new WelcomePage(m_addresses, m_pages))
    , m_split(new QSplitter(Qt::Vertical, m_pages))
    , m_tabs(new QTabWidget(m_split))
    , m_queries(new TraceQueryThread(m_addresses.database, this))
    , m_list(new TraceListPane(m_addresses.database, m_queries, m_tabs))
    , m_logs(new LogsPane(m_addresses.database, m_tabs))
    , m_insights(new InsightsPane(m_addresses.database, m_tabs))
    , m_metrics(new MetricsPage(m_addresses.database, m_tabs))
    , m_services(new ServicesPage(m_addresses.database, m_tabs))
    , m_traceView(new TraceView(m_addresses.database, m_split))
    , m_status(new StatusPanel(backend, this))
    , m_overlay(nullptr)
    , m_statistics(new StatisticsReader(m_addresses.database, this))
    , m_logFiles(new LogFileReading(backend, this))
    , m_bundles(new BundleTransfer(backend, this))
    , m_tray(new TrayIcon(this))
    , m_errorWatcher(new ErrorTraceWatcher(m_queries, this))
{
    setWindowTitle(QStringLiteral("Spanscope"));

    m_tabs->addTab(m_list, tr("&Traces"));
    m_tabs->addTab(m_logs, tr("L&ogs"));
    m_tabs->addTab(m_insights, tr("I&nsights"));
    m_tabs->addTab(m_metrics, tr("&Metrics"));
    m_tabs->addTab(m_services, tr("Servi&ces"));
    m_tabs->setDocumentMode(true);
    m_split->addWidget(m_tabs);
    m_split->addWidget(m_traceView);
    m_split->setStretchFactor(0, 2);
    m_split->setStretchFactor(1, 3);
    m_pages->addWidget(m_welcome);
    m_pages->addWidget(m_split);
    setCentralWidget(m_pages);
    statusBar()->addPermanentWidget(m_status);
    m_overlay = new ShortcutOverlay(this);

    connect(m_list, &TraceListPane::openRequested, this,
            [this](const storage::TraceId &trace) { m_traceView->open(trace); });
    connect(m_list, &TraceListPane::message, statusBar(), &QStatusBar::showMessage);
    connect(m_traceView, &TraceView::message, statusBar(), &QStatusBar::showMessage);
    connect(m_traceView, &TraceView::openFrame, this, &MainWindow::openFrame);
    connect(m_logs, &LogsPane::openFrame, this, &MainWindow::openFrame);
    connect(m_logs, &LogsPane::message, statusBar(), &QStatusBar::showMessage);
    connect(m_logs, &LogsPane::openSpan, m_traceView, &TraceView::openSpan);
    connect(m_traceView, &TraceView::traceOpened, this, [this](const QString &title) {
        setWindowTitle(tr("%1 — Spanscope").arg(title));
        // The list follows the open trace, however it was opened (a link, Ctrl+G, the logs,
        // Back), so what is highlighted is what Ctrl+E exports.
        const storage::TraceId open = *m_traceView->traceId();
        if (!m_list->selectTrace(open))
            statusBar()->showMessage(
                tr("The open trace %1 is not in the list (filtered out, or older than the "
                   "traces shown).")
                    .arg(QString::fromStdString(storage::toHex(open))),
                8000);
    });
    const auto copiedMessage = [this](const QString &what) {
        statusBar()->showMessage(tr("Copied the %1 to the clipboard.").arg(what), 3000);
    };
    connect(m_status, &StatusPanel::copied, this, copiedMessage);
    connect(m_welcome, &WelcomePage::copied, this, copiedMessage);
    connect(m_welcome, &WelcomePage::demoRequested, this, &MainWindow::sendDemoData);
    connect(m_statistics, &StatisticsReader::statisticsReady, this, &MainWindow::showStatistics);
    connect(m_statistics, &StatisticsReader::failed, this,
            [this](const QString &message) { statusBar()->showMessage(message); });
    // What is stored changes only when the writer commits: the status bar, the error watcher,
    // the lists and the open trace read it again then, never on a timer.
    connect(&m_backend, &Backend::committed, m_statistics, &StatisticsReader::refresh);
    connect(&m_backend, &Backend::committed, m_errorWatcher, &ErrorTraceWatcher::refresh);
    connect(&m_backend, &Backend::committed, m_list->model(), &TraceListModel::refresh);
    connect(&m_backend, &Backend::committed, m_logs->model(), &LogListModel::refresh);
    connect(&m_backend, &Backend::committed, m_insights, &InsightsPane::refreshSoon);
    connect(m_insights, &InsightsPane::openSpan, m_traceView, &TraceView::openSpan);
    connect(&m_backend, &Backend::committed, m_metrics, &MetricsPage::refreshSoon);
    connect(m_metrics, &MetricsPage::openSpan, m_traceView, &TraceView::openSpan);
    connect(&m_backend, &Backend::committed, m_services, &ServicesPage::refreshSoon);
    connect(m_services, &ServicesPage::openTrace, this,
            [this](const storage::TraceId &trace) { m_traceView->open(trace); });
    connect(m_services, &ServicesPage::message, statusBar(),
            [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    const auto showTraces = [this](const QString &service, const QString &operation) {
        m_list->filters()->showTraces(service, operation);
        m_tabs->setCurrentWidget(m_list);
    };
    connect(m_services, &ServicesPage::showTraces, this, showTraces);
    connect(m_traceView->traceMap(), &TraceMapView::serviceActivated, this,
            [showTraces](const QString &service) { showTraces(service, {}); });
    // One time range for the trace list, the metrics and the services.
    const std::array<TimeRangeCombo *, 3> ranges{m_list->filters()->timeRange(),
                                                 m_metrics->timeRange(), m_services->timeRange()};
    for (TimeRangeCombo *range : ranges) {
        connect(range, &QComboBox::currentIndexChanged, this, [ranges](int index) {
            for (TimeRangeCombo *other : ranges)
                other->setCurrentIndex(index); // no signal when already there
        });
    }
    connect(m_insights, &InsightsPane::ignoreRequested, this, &MainWindow::ignoreInsight);
    connect(m_traceView, &TraceView::ignoreInsightRequested, this, &MainWindow::ignoreInsight);
    connect(m_insights, &InsightsPane::settingsRequested, this, &MainWindow::showInsightSettings);
    connect(m_traceView, &TraceView::insightSettingsRequested, this,
            &MainWindow::showInsightSettings);
    applyInsightPreferences(InsightPreferences::load(QSettings()));
    connect(&m_backend, &Backend::committed, m_traceView, &TraceView::refresh);
    connect(&m_backend, &Backend::settingsChanged, m_statistics, &StatisticsReader::refresh);
    m_statistics->refresh();
    connect(m_list, &TraceListPane::servicesListed, m_logs, &LogsPane::setServices);

    connect(m_bundles, &BundleTransfer::message, statusBar(), &QStatusBar::showMessage);
    setAcceptDrops(true);
    connect(m_logFiles, &LogFileReading::message, statusBar(), &QStatusBar::showMessage);
    connect(m_logFiles, &LogFileReading::readingChanged, this, [this](bool reading) {
        if (reading)
            m_tabs->setCurrentWidget(m_logs);
    });
    connect(m_tray, &TrayIcon::traceRequested, this, &MainWindow::openTrace);
    connect(m_errorWatcher, &ErrorTraceWatcher::errorTraceArrived, this,
            [this](const storage::TraceSummary &trace) {
                const QString unshown = m_tray->notifyErrorTrace(trace);
                if (!unshown.isEmpty())
                    statusBar()->showMessage(unshown, 10000);
            });
    createMenus();
    // The mouse's back and forward buttons step through the history wherever they are pressed
    // in this window; the widget under the pointer would not pass them on.
    qApp->installEventFilter(this);
    resize(1200, 860);
    restoreState();
    m_errorWatcher->setEnabled(AppSettings::load(QSettings()).notifyErrorTraces);
    // The policy applied last time, unless this start was given one (--sampling).
    const auto current = m_backend.samplingPolicy();
    const auto saved = SamplingPanel::savedPolicy();
    if (current.keepsEverything() && !current.decidesAtRoot() && saved.toJson() != current.toJson())
        m_backend.setSamplingPolicy(saved);
}

MainWindow::~MainWindow() = default;

TraceListModel *MainWindow::traceList() const
{
    return m_list->model();
}

QTableView *MainWindow::traceTable() const
{
    return m_list->table();
}

FilterBar *MainWindow::filterBar() const
{
    return m_list->filters();
}

bool MainWindow::showsWelcome() const
{
    return m_pages->currentWidget() == m_welcome;
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open…"), this, [this] {
        importFiles(QFileDialog::getOpenFileNames(
            this, tr("Open Bundles and Trace Files"), QString(),
            tr("Bundles and OTLP-JSON (*.spanscope *.json *.jsonl *.ndjson);;All files (*)")));
    });
    open->setShortcut(QKeySequence::Open);
    QAction *exportTrace
        = file->addAction(tr("&Export for a Bug Report…"), this, &MainWindow::exportCurrentTrace);
    exportTrace->setShortcut(Qt::CTRL | Qt::Key_E);
    file->addAction(tr("Export &Filtered Traces…"), this, &MainWindow::exportFilteredTraces);
    QAction *exportSelected
        = file->addAction(tr("Export &Selected Traces…"), this, &MainWindow::exportSelectedTraces);
    exportSelected->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_E);
    m_list->table()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_list->table()->addAction(exportSelected);
    QAction *openTrace = file->addAction(tr("&Go to Trace ID…"), this, &MainWindow::openTraceById);
    openTrace->setShortcut(Qt::CTRL | Qt::Key_G);
    file->addSeparator();
    QAction *openLogs
        = file->addAction(tr("Open &Log File…"), m_logFiles, [this] { m_logFiles->choose(false); });
    openLogs->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_O);
    file->addAction(tr("&Follow Log File…"), m_logFiles, [this] { m_logFiles->choose(true); });
    QAction *stopLogs
        = file->addAction(tr("&Stop Reading Log File"), m_logFiles, &LogFileReading::stop);
    stopLogs->setEnabled(false);
    connect(m_logFiles, &LogFileReading::readingChanged, stopLogs, &QAction::setEnabled);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(Qt::CTRL | Qt::Key_Q); // QKeySequence::Quit is empty on some platforms

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *find = edit->addAction(tr("&Find in Trace"), m_traceView, &TraceView::focusFind);
    find->setShortcut(QKeySequence::Find);
    QAction *next = edit->addAction(tr("Find &Next"), m_traceView, &TraceView::findNext);
    next->setShortcut(QKeySequence::FindNext);
    QAction *previous
        = edit->addAction(tr("Find &Previous"), m_traceView, &TraceView::findPrevious);
    previous->setShortcut(QKeySequence::FindPrevious);
    QAction *nextError = edit->addAction(tr("Next &Error"), m_traceView->waterfall(),
                                         [this] { m_traceView->waterfall()->selectNextError(+1); });
    nextError->setShortcut(Qt::Key_F8);
    QAction *previousError
        = edit->addAction(tr("Previous E&rror"), m_traceView->waterfall(),
                          [this] { m_traceView->waterfall()->selectNextError(-1); });
    previousError->setShortcut(Qt::SHIFT | Qt::Key_F8);
    edit->addSeparator();
    QAction *filter
        = edit->addAction(tr("Filter &Traces"), m_list->filters(), &FilterBar::focusFirstField);
    filter->setShortcut(Qt::CTRL | Qt::Key_L);
    QAction *clear = edit->addAction(tr("&Clear Filters"), m_list->filters(), &FilterBar::clear);
    clear->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_L);
    edit->addSeparator();
    QAction *copyId = edit->addAction(tr("Copy Trace &ID"), this, [this] {
        if (const auto id = m_traceView->traceId()) {
            QApplication::clipboard()->setText(QString::fromStdString(storage::toHex(*id)));
            statusBar()->showMessage(tr("Copied the trace id."), 3000);
        }
    });
    copyId->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_I);
    QAction *copySpan = edit->addAction(tr("Copy &Span as OTLP-JSON"), m_traceView,
                                        &TraceView::copySpanAsOtlpJson);
    copySpan->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_C);
    edit->addSeparator();
    edit->addAction(tr("&Insight Settings…"), this, &MainWindow::showInsightSettings);
    QAction *settings = edit->addAction(tr("Se&ttings…"), this, &MainWindow::showSettings);
    settings->setShortcut(QKeySequence::Preferences);
    if (settings->shortcut().isEmpty())
        settings->setShortcut(Qt::CTRL | Qt::Key_Comma);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *pause = view->addAction(tr("&Pause Trace List"));
    pause->setCheckable(true);
    pause->setShortcut(Qt::CTRL | Qt::Key_P);
    connect(pause, &QAction::toggled, m_list->pauseButton(), &QToolButton::setChecked);
    connect(m_list->pauseButton(), &QToolButton::toggled, pause, &QAction::setChecked);
    QAction *critical = view->addAction(tr("&Critical Path"));
    critical->setCheckable(true);
    critical->setShortcut(Qt::CTRL | Qt::Key_K);
    connect(critical, &QAction::toggled, m_traceView, &TraceView::setCriticalPathShown);
    QAction *fold = view->addAction(tr("&Fold Repeated Spans"));
    fold->setCheckable(true);
    fold->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_F);
    fold->setToolTip(tr("Show more than %1 siblings in a row making the same call as one row")
                         .arg(WaterfallLayout::FoldAbove));
    fold->setChecked(QSettings().value(FoldSettingKey, true).toBool());
    m_traceView->waterfall()->setFolding(fold->isChecked());
    connect(fold, &QAction::toggled, this, [this](bool on) {
        QSettings().setValue(FoldSettingKey, on);
        m_traceView->waterfall()->setFolding(on);
    });
    QAction *expand
        = view->addAction(tr("&Expand All"), m_traceView->waterfall(), &WaterfallView::expandAll);
    expand->setShortcut(Qt::CTRL | Qt::Key_BracketRight);
    QAction *collapse = view->addAction(tr("C&ollapse All"), m_traceView->waterfall(),
                                        &WaterfallView::collapseAll);
    collapse->setShortcut(Qt::CTRL | Qt::Key_BracketLeft);
    QAction *back = view->addAction(tr("&Back"), m_traceView, &TraceView::goBack);
    back->setShortcut(Qt::ALT | Qt::Key_Left);
    QAction *forward = view->addAction(tr("&Forward"), m_traceView, &TraceView::goForward);
    forward->setShortcut(Qt::ALT | Qt::Key_Right);
    const auto enableSteps = [this, back, forward] {
        back->setEnabled(m_traceView->history().canGoBack());
        forward->setEnabled(m_traceView->history().canGoForward());
    };
    enableSteps();
    connect(m_traceView, &TraceView::historyChanged, this, enableSteps);
    QAction *fit = view->addAction(tr("Show &Whole Trace"), this, [this] {
        if (const auto &layout = m_traceView->waterfall()->layout())
            m_traceView->waterfall()->showRange(0, layout->durationNs());
    });
    fit->setShortcut(Qt::CTRL | Qt::Key_0);
    view->addSeparator();
    const std::pair<QString, QWidget *> focusTargets[] = {
        {tr("Go to Trace &List"), m_list->table()},
        {tr("Go to L&ogs"), m_logs->table()},
        {tr("Go to &Waterfall"), m_traceView->waterfall()},
        {tr("Go to Span &Details"), m_traceView->details()},
    };
    int key = Qt::Key_1;
    for (const auto &[label, target] : focusTargets) {
        QWidget *widget = target; // captured by name: clang 14 cannot capture a binding
        QAction *go = view->addAction(label, widget, [this, widget] {
            // The list and the logs share the upper half: bring the tab forward first.
            for (int tab = 0; tab < m_tabs->count(); ++tab) {
                if (m_tabs->widget(tab)->isAncestorOf(widget))
                    m_tabs->setCurrentIndex(tab);
            }
            widget->setFocus(Qt::ShortcutFocusReason);
        });
        go->setShortcut(Qt::ALT | static_cast<Qt::Key>(key++));
    }
    view->addSeparator();
    QAction *compare
        = view->addAction(tr("Co&mpare Traces"), this, &MainWindow::compareSelectedTraces);
    compare->setShortcut(Qt::CTRL | Qt::Key_D);
    compare->setToolTip(tr("Two selected traces side by side, or one against the trace of its "
                           "root operation before it"));
    m_list->table()->addAction(compare);
    view->addAction(tr("Compare R&uns…"), this, &MainWindow::showRunComparison);
    view->addAction(tr("Start a New &Run…"), this, [this] {
        bool ok = false;
        const QString name = QInputDialog::getText(
            this, tr("Start a New Run"),
            tr("The traces from now until the next run are this run, to compare with another:"),
            QLineEdit::Normal,
            QDateTime::currentDateTime().toString(QStringLiteral("'run-'yyyyMMdd-HHmmss")), &ok);
        if (ok && !name.trimmed().isEmpty())
            startRun(name.trimmed().left(MaxRunNameLength));
    });
    QAction *sampling = view->addAction(tr("&Sampling…"), this, &MainWindow::showSamplingPanel);
    sampling->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_S);
    view->addSeparator();
    QMenu *theme = view->addMenu(tr("&Theme"));
    m_themes = new QActionGroup(this);
    for (const auto &[label, value] : {std::pair{tr("&System"), Theme::System},
                                       {tr("&Light"), Theme::Light},
                                       {tr("&Dark"), Theme::Dark}}) {
        const Theme chosen = value;
        QAction *action = theme->addAction(label, this, [this, chosen] { setTheme(chosen); });
        action->setCheckable(true);
        action->setData(themeName(value));
        m_themes->addAction(action);
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *keys
        = help->addAction(tr("&Keyboard Shortcuts"), m_overlay, &ShortcutOverlay::showOver);
    keys->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("Send &Demo Data"), this, &MainWindow::sendDemoData);
    help->addSeparator();
    help->addAction(tr("&About Spanscope"), this, &MainWindow::showAbout);

    // The overlay lists the menus' shortcuts and the waterfall's own keys.
    m_overlay->listMenus(
        {file, edit, view, help},
        QList<ShortcutOverlay::Entry>{{tr("Enter"), tr("Trace list: open the trace")}}
            + WaterfallView::keyHelp() + FlameGraphView::keyHelp());
}

void MainWindow::showStatistics(const storage::StoreStatistics &statistics)
{
    m_status->showStatistics(statistics);
    m_list->setStoredTraces(statistics.traces);
    m_tray->setStatus(tr("Spanscope: %1 traces, %2\nOTLP/gRPC %3 · OTLP/HTTP %4")
                          .arg(QLocale().toString(statistics.traces), m_status->rateText(),
                               m_addresses.grpc, m_addresses.http));
    // The welcome page stays until the first telemetry arrives, then the browser takes over;
    // a service that sends only metrics (or logs) opens on its tab.
    const auto metricPoints = statistics.counters.find(storage::counters::MetricPointsAccepted);
    const bool metrics = metricPoints != statistics.counters.end() && metricPoints->second > 0;
    if ((statistics.traces > 0 || statistics.logs > 0 || metrics) && showsWelcome()) {
        m_pages->setCurrentWidget(m_split);
        if (statistics.traces == 0)
            m_tabs->setCurrentWidget(metrics ? static_cast<QWidget *>(m_metrics) : m_logs);
    }
    if (statistics.traces == m_knownTraces)
        return;
    m_knownTraces = statistics.traces;
    m_list->refreshChoices();
}

void MainWindow::openSelectedTrace()
{
    if (const auto trace = m_list->currentTrace())
        m_traceView->open(*trace);
}

void MainWindow::openTraceById()
{
    bool ok = false;
    const QString text
        = QInputDialog::getText(this, tr("Open Trace"), tr("Trace id (32 hexadecimal digits):"),
                                QLineEdit::Normal, QString(), &ok)
              .trimmed();
    if (ok && !text.isEmpty() && !openTrace(text)) {
        QMessageBox::warning(
            this, tr("Open Trace"),
            tr("'%1' is not a trace id: a trace id is 32 hexadecimal digits.").arg(text));
    }
}

bool MainWindow::openTrace(const QString &text)
{
    const auto id = traceIdFromText(text);
    if (!id)
        return false;
    if (showsWelcome())
        m_pages->setCurrentWidget(m_split);
    m_traceView->open(*id);
    return true;
}

void MainWindow::sendDemoData()
{
    if (m_sendingDemo)
        return;
    m_sendingDemo = true;
    statusBar()->showMessage(tr("Sending demo data to %1…").arg(m_addresses.grpc));
    QPointer<MainWindow> self(this);
    m_backend.sendDemo(this, [self](storage::Result<Backend::DemoSent> sent) {
        if (!self)
            return;
        self->m_sendingDemo = false;
        if (!sent) {
            self->statusBar()->showMessage(
                tr("Demo data could not be sent: %1").arg(QString::fromStdString(sent.error())),
                10000);
            return;
        }
        self->statusBar()->showMessage(tr("Sent %1 demo traces with %2 spans and %3 log records.")
                                           .arg(sent->traces)
                                           .arg(sent->spans)
                                           .arg(sent->logRecords),
                                       8000);
    });
}

SamplingPanel *MainWindow::showSamplingPanel()
{
    if (!m_samplingPanel) {
        m_samplingPanel = new SamplingPanel(m_backend, this);
        connect(m_samplingPanel, &SamplingPanel::applied, this, [this](const QString &summary) {
            statusBar()->showMessage(tr("Sampling policy applied: %1").arg(summary), 6000);
        });
        connect(m_samplingPanel, &SamplingPanel::previewReady, m_list->model(),
                &TraceListModel::setPreview);
    }
    m_samplingPanel->show();
    m_samplingPanel->raise();
    m_samplingPanel->activateWindow();
    return m_samplingPanel;
}

void MainWindow::importFiles(const QStringList &paths)
{
    if (!paths.isEmpty())
        m_bundles->importFiles(paths);
}

void MainWindow::exportCurrentTrace()
{
    std::vector<storage::TraceId> traces;
    if (const auto open = m_traceView->traceId())
        traces.push_back(*open);
    else if (const auto current = m_list->currentTrace())
        traces.push_back(*current);
    m_bundles->exportTraces(traces);
}

void MainWindow::exportSelectedTraces()
{
    m_bundles->exportTraces(m_list->selectedTraces());
}

void MainWindow::exportFilteredTraces()
{
    m_list->findFilteredTraces(1000, [this](const std::vector<storage::TraceId> &traces) {
        m_bundles->exportTraces(traces);
    });
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            paths << url.toLocalFile();
    }
    importFiles(paths);
    event->acceptProposedAction();
}

RunCompareWindow *MainWindow::showRunComparison()
{
    auto *runs = new RunCompareWindow(m_addresses.database, this);
    connect(runs, &RunCompareWindow::tracesChosen, this,
            [this](const storage::TraceId &a, const storage::TraceId &b) {
                auto *window = new CompareWindow(m_addresses.database, this);
                window->compare(a, b, true); // the baseline run's trace is A
                window->show();
            });
    runs->show();
    return runs;
}

void MainWindow::startRun(const QString &name)
{
    QPointer<MainWindow> self(this);
    m_backend.sendRunMark(name, this, [self, name](storage::Result<std::string> sent) {
        if (!self)
            return;
        self->statusBar()->showMessage(
            sent ? tr("Run %1 starts now: compare it with spanscope compare --baseline mark=… "
                      "--candidate mark=%1.")
                       .arg(name)
                 : tr("The run could not be started: %1").arg(QString::fromStdString(sent.error())),
            10000);
    });
}

CompareWindow *MainWindow::compareSelectedTraces()
{
    std::vector<storage::TraceId> chosen = m_list->selectedTraces();
    if (chosen.empty()) {
        if (const auto open = m_traceView->traceId())
            chosen.push_back(*open);
    }
    if (chosen.empty() || chosen.size() > 2) {
        statusBar()->showMessage(
            tr("Select two traces to compare, or one to compare with the one before it."), 8000);
        return nullptr;
    }
    auto *window = new CompareWindow(m_addresses.database, this);
    window->compare(chosen.size() == 2 ? std::optional(chosen[0]) : std::nullopt, chosen.back());
    window->show();
    return window;
}

InsightSettingsDialog *MainWindow::showInsightSettings()
{
    auto *dialog = new InsightSettingsDialog(m_insightPreferences, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const InsightPreferences chosen = dialog->preferences();
        if (chosen == m_insightPreferences)
            return;
        QSettings stored;
        chosen.save(stored);
        applyInsightPreferences(chosen);
    });
    dialog->open();
    return dialog;
}

void MainWindow::applyInsightPreferences(const InsightPreferences &preferences)
{
    m_insightPreferences = preferences;
    m_traceView->setInsightPreferences(preferences);
    m_insights->setInsightPreferences(preferences);
}

void MainWindow::ignoreInsight(const analysis::Insight &insight)
{
    InsightPreferences preferences = m_insightPreferences;
    preferences.ignore(insight);
    QSettings stored;
    preferences.save(stored);
    applyInsightPreferences(preferences);
    statusBar()->showMessage(tr("Ignoring %1. Edit ▸ Insight Settings brings it back.")
                                 .arg(QFontMetrics(font()).elidedText(
                                     InsightPreferences::describe(insight), Qt::ElideMiddle, 500)),
                             8000);
}

SettingsDialog *MainWindow::showSettings()
{
    const AppSettings running = runningSettings();
    auto *dialog = new SettingsDialog(SettingsDialog::shownFor(running), running, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { applySettings(dialog->settings()); });
    dialog->open();
    return dialog;
}

AppSettings MainWindow::runningSettings() const
{
    AppSettings running;
    running.grpcAddress = m_addresses.grpc;
    running.httpAddress = m_addresses.http;
    running.bearerToken = m_addresses.bearerToken;
    running.databasePath = m_addresses.database;
    return running;
}

void MainWindow::applySettings(const AppSettings &settings)
{
    QSettings stored;
    settings.save(stored);
    setTheme(themeFromName(settings.theme));
    m_errorWatcher->setEnabled(settings.notifyErrorTraces);
    m_backend.setRetentionBytes(settings.retentionBytes);
    if (!settings.needsRestartFrom(runningSettings())) {
        statusBar()->showMessage(tr("Settings applied."), 3000);
        return;
    }
    SettingsDialog::offerRestart(this, [this] {
        emit restartRequested();
        close();
    });
}

void MainWindow::openFrame(const QString &file, int line)
{
    QString error;
    if (EditorLauncher::open(file, line, error))
        statusBar()->showMessage(tr("Opening %1:%2 in the editor…").arg(file).arg(line), 4000);
    else
        QMessageBox::warning(this, tr("Cannot open the editor"), error);
}

void MainWindow::setTheme(Theme theme)
{
    m_themeSwitcher.apply(theme);
    for (QAction *action : m_themes->actions())
        action->setChecked(action->data().toString() == themeName(theme));
    QSettings().setValue(QStringLiteral("view/theme"), themeName(theme));
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About Spanscope"),
        tr("<h3>Spanscope %1</h3><p>A desktop trace viewer for OpenTelemetry with its own local "
           "backend.</p><p>Receiving on %2 (gRPC) and %3 (HTTP).<br>Database: %4</p>"
           "<p>Licensed under the Apache License 2.0. Built with Qt %5.</p>"
           "<p><small>Third-party software: Qt (LGPL-3.0), gRPC (Apache-2.0), Protocol Buffers "
           "(BSD-3-Clause), SQLite (public domain), Boost.Beast and Asio (BSL-1.0), RE2 "
           "(BSD-3-Clause), nlohmann/json (MIT), "
           "zlib (zlib license), Abseil (Apache-2.0), OpenSSL (Apache-2.0).</small></p>")
            .arg(QApplication::applicationVersion(), m_addresses.grpc, m_addresses.http,
                 m_addresses.database.toHtmlEscaped(), QString::fromLatin1(qVersion())));
}

void MainWindow::restoreState()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    QMainWindow::restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_split->restoreState(settings.value(QStringLiteral("window/split")).toByteArray());
    m_traceView->splitter()->restoreState(
        settings.value(QStringLiteral("window/traceSplit")).toByteArray());
    m_logs->splitter()->restoreState(
        settings.value(QStringLiteral("window/logsSplit")).toByteArray());
    m_list->table()->horizontalHeader()->restoreState(
        settings.value(QStringLiteral("window/columns")).toByteArray());
    m_traceView->waterfall()->setLabelWidth(
        settings.value(QStringLiteral("window/spanNameWidth"), WaterfallView::DefaultLabelWidth)
            .toInt());
    const Theme theme = themeFromName(settings.value(QStringLiteral("view/theme")).toString());
    if (theme == Theme::System)
        m_themes->actions().constFirst()->setChecked(true); // the desktop's, as it is
    else
        setTheme(theme);
}

void MainWindow::saveState() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), QMainWindow::saveState());
    settings.setValue(QStringLiteral("window/split"), m_split->saveState());
    settings.setValue(QStringLiteral("window/traceSplit"), m_traceView->splitter()->saveState());
    settings.setValue(QStringLiteral("window/logsSplit"), m_logs->splitter()->saveState());
    settings.setValue(QStringLiteral("window/columns"),
                      m_list->table()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("window/spanNameWidth"),
                      m_traceView->waterfall()->labelWidth());
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::MouseButtonPress) {
        const auto button = static_cast<QMouseEvent *>(event)->button();
        auto *widget = qobject_cast<QWidget *>(watched);
        if ((button == Qt::BackButton || button == Qt::ForwardButton) && widget
            && widget->window() == this) {
            if (button == Qt::BackButton)
                m_traceView->goBack();
            else
                m_traceView->goForward();
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_logFiles->stop();
    saveState();
    event->accept();
}

} // namespace spanscope::ui

// The window itself over the real server: the welcome page and its demo button sending over
// gRPC, the endpoints menu, requests refused on a socket counted in the status bar, a log file
// read through the receiver, settings applied at once or after a restart, a full disk, the
// shortcut overlay, and state restored on the next start. A new server for each function.

#include "serverwindow.h"

#include "windowfixture.h"
#include <appsettings.h>
#include <editorlauncher.h>
#include <errortracewatcher.h>
#include <logdetailsview.h>
#include <logfilereading.h>
#include <loglistmodel.h>
#include <logspane.h>
#include <metrics/metricspage.h>
#include <runs.h>
#include <settingsdialog.h>
#include <shortcutoverlay.h>
#include <statuspanel.h>
#include <tracelistmodel.h>
#include <tracestore.h>
#include <traceview.h>
#include <welcomepage.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <unistd.h>

using namespace spanscope;
using namespace spanscope::testing;

class TestMainWindow : public ServerWindowTest
{
    Q_OBJECT
private slots:

    // An empty store shows how to connect; the demo button fills the list, which takes over.
    void welcomePageThenDemoData()
    {
        QVERIFY(window()->showsWelcome());
        auto *welcome = window()->findChild<ui::WelcomePage *>();
        QVERIFY(welcome);
        QVERIFY(
            welcome->currentSnippet().contains(QStringLiteral("OTEL_EXPORTER_OTLP_ENDPOINT=http://")
                                               + m_fixture.backend().addresses().grpc));
        QPushButton *demo = nullptr;
        for (QPushButton *button : window()->findChildren<QPushButton *>()) {
            if (button->text().remove(QLatin1Char('&')) == QLatin1String("Send Demo Data"))
                demo = button;
        }
        QVERIFY(demo);
        QAbstractItemModelTester tester(window()->traceList(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTest::mouseClick(demo, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), 12, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!window()->showsWelcome(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            window()->statusPanel()->countsText().startsWith(QStringLiteral("12 traces")), 5000);
        QVERIFY(window()->statusPanel()->sizeText().contains(QStringLiteral("of 64")));
    }

    // A service that sends only metrics (the Java agent with traces off, say) still leaves the
    // welcome page, and the window opens on the Metrics tab with its instrument.
    void metricsAloneOpenTheMetricsTab()
    {
        QVERIFY(window()->showsWelcome());
        storage::ScopedMetrics group;
        group.resource.attributes = {{"service.name", {std::string("jvm-only")}}};
        storage::Metric gauge{"jvm.thread.count",
                              "",
                              "{thread}",
                              storage::MetricKind::Gauge,
                              storage::Temporality::Unspecified,
                              false,
                              {storage::MetricPoint{}}};
        gauge.points[0].timeUnixNano = 1'000'000'000;
        gauge.points[0].value = 12;
        group.metrics.push_back(gauge);
        storage::MetricBatch batch;
        batch.groups.push_back(group);
        QVERIFY(m_fixture.backend().importSink().writeMetrics(batch).committed());
        QTRY_VERIFY_WITH_TIMEOUT(!window()->showsWelcome(), 10000);
        QCOMPARE(window()->tabs()->currentWidget(), window()->metricsPage());
        QTRY_VERIFY_WITH_TIMEOUT(
            window()->metricsPage()->selectInstrument(QStringLiteral("jvm-only"),
                                                      QStringLiteral("jvm.thread.count")),
            10000);
    }

    // View > Start a New Run sends a run mark through the window's own receiver: stored, found
    // by its name as compare's mark=NAME finds it, and listed as a trace of its own.
    void startingARunMarksIt()
    {
        window()->startRun(QStringLiteral("before the fix"));
        QTRY_VERIFY_WITH_TIMEOUT(window()->statusBar()->currentMessage().startsWith(
                                     QStringLiteral("Run before the fix starts now")),
                                 10000);
        auto store
            = storage::TraceStore::open(m_fixture.backend().addresses().database.toStdString());
        QVERIFY(store);
        const auto range = analysis::markedRange(**store, "before the fix");
        QVERIFY(range && *range);
        QVERIFY(!(*range)->toNs); // no later mark: the run goes on
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), 1, 10000);
        QCOMPARE(window()->traceList()->summary(0).rootName,
                 std::string("run mark: before the fix"));
        const auto none = analysis::markedRange(**store, "after");
        QVERIFY(none && !*none);
    }

    void endpointsMenuCopiesEachSdksSettings()
    {
        auto *button = window()->statusPanel()->findChild<QToolButton *>();
        QVERIFY(button && button->menu());
        QAction *node = nullptr;
        for (QAction *action : button->menu()->actions()) {
            if (action->text().contains(QLatin1String("Node.js")))
                node = action;
        }
        QVERIFY(node);
        node->trigger();
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY(copied.contains(QStringLiteral("http://") + m_fixture.backend().addresses().http));
        QVERIFY(copied.contains(QStringLiteral("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf")));
    }

    // A malformed request is counted in the status bar, with its reason on click.
    void rejectedRequestsShowTheirReasons()
    {
        QTcpSocket socket;
        const QString http = m_fixture.backend().addresses().http;
        socket.connectToHost(http.section(QLatin1Char(':'), 0, 0),
                             static_cast<quint16>(http.section(QLatin1Char(':'), 1).toUInt()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write(
            "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: 9\r\nConnection: close\r\n\r\n{\"oops\":[");
        QVERIFY(socket.waitForReadyRead(5000));
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 400"));
        auto *rejected = window()->statusPanel()->findChildren<QToolButton *>().value(1);
        QVERIFY(rejected);
        QTRY_VERIFY_WITH_TIMEOUT(rejected->isVisible(), 5000);
        QVERIFY(rejected->text().startsWith(QStringLiteral("1 rejected")));
        QVERIFY(window()->statusPanel()->rejectionReport().contains(QStringLiteral("JSON")));
    }

    // File > Open Log File reads JSON lines through the window's own receiver.
    void openingALogFileStoresItsLines()
    {
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("worker.log")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"event\": \"job started\", \"level\": \"info\"}\n"
                   "{\"event\": \"job failed\", \"level\": \"error\", \"exception\": "
                   "\"Traceback (most recent call last):\\n  File \\\"/srv/w.py\\\", line 9, in run"
                   "\\nRuntimeError: no disk\"}\n");
        file.close();
        window()->logFiles()->read(file.fileName(), false);
        QTRY_VERIFY_WITH_TIMEOUT(!window()->logFiles()->isReading(), 10000);
        QVERIFY(window()->statusBar()->currentMessage().startsWith(QStringLiteral("Read 2 lines")));
        ui::LogsPane *logs = window()->logsPane();
        QTRY_VERIFY_WITH_TIMEOUT(
            logs->model()->rowCount() > 0
                && logs->model()->lineText(0).contains(QStringLiteral("job failed")),
            5000);
        QCOMPARE(logs->model()->row(0).service, QStringLiteral("worker"));
        logs->table()->setCurrentIndex(logs->model()->index(0, 0));
        // The exception is rendered with its frame linked, as on a span.
        QVERIFY(logs->details()->toPlainText().contains(QStringLiteral("RuntimeError: no disk")));
        QVERIFY(logs->details()->toHtml().contains(QStringLiteral("frame:/srv/w.py")));
        window()->tabs()->setCurrentIndex(0);
    }

    // Edit > Settings: theme, retention, editor and notifications apply at once; new addresses
    // or a token wait for a restart, which the window offers.
    void settingsApplyAtOnceOrOfferARestart()
    {
        {
            QSettings stored;
            window()->runningSettings().save(stored);
        }
        QAction *action = menuAction(*window(), QStringLiteral("Settings…"));
        QVERIFY(action);
        QVERIFY(!action->shortcut().isEmpty());
        action->trigger();
        auto *dialog = window()->findChild<ui::SettingsDialog *>();
        QVERIFY(dialog && dialog->isVisible());
        const auto field = [&dialog](const char *name) {
            return dialog->findChild<QLineEdit *>(QString::fromLatin1(name));
        };
        QCOMPARE(field("grpcAddress")->text(), m_fixture.backend().addresses().grpc);
        QCOMPARE(field("databasePath")->text(), m_fixture.backend().addresses().database);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("restartNote"))
                    ->text()
                    .contains(QLatin1String("at once")));
        auto *theme = dialog->findChild<QComboBox *>(QStringLiteral("theme"));
        theme->setCurrentIndex(theme->findData(QStringLiteral("dark")));
        dialog->findChild<QSpinBox *>(QStringLiteral("retention"))->setValue(128);
        field("editorCommand")->clear();
        QTest::keyClicks(field("editorCommand"), QStringLiteral("kate {file} --line {line}"));
        dialog->findChild<QCheckBox *>()->setChecked(true);
        QSignalSpy restart(window(), &ui::MainWindow::restartRequested);
        dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();

        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
        QCOMPARE(m_fixture.server().writer().retentionBytes(), std::int64_t(128) << 20);
        QCOMPARE(ui::EditorLauncher::command(), QStringLiteral("kate {file} --line {line}"));
        QVERIFY(window()->errorTraceWatcher()->isEnabled());
        QVERIFY(!window()->findChild<QMessageBox *>(QStringLiteral("restartQuestion")));
        QCOMPARE(window()->statusBar()->currentMessage(), QStringLiteral("Settings applied."));
        const ui::AppSettings saved = ui::AppSettings::load(QSettings());
        QCOMPARE(saved.theme, QStringLiteral("dark"));
        QCOMPARE(saved.retentionBytes, qint64(128) << 20);
        QVERIFY(saved.notifyErrorTraces);

        // Beyond loopback: OK waits for a token, and the change waits for a restart.
        dialog = window()->showSettings();
        QCOMPARE(dialog->findChild<QComboBox *>(QStringLiteral("theme"))->currentData(),
                 QVariant(QStringLiteral("dark")));
        QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        auto *problem = dialog->findChild<QLabel *>(QStringLiteral("problem"));
        dialog->findChild<QLineEdit *>(QStringLiteral("grpcAddress"))
            ->setText(QStringLiteral("localhost"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(problem->text().contains(QLatin1String("HOST:PORT")));
        dialog->findChild<QLineEdit *>(QStringLiteral("grpcAddress"))
            ->setText(QStringLiteral("0.0.0.0:4317"));
        QVERIFY(!ok->isEnabled());
        QVERIFY(problem->text().contains(QLatin1String("bearer token")));
        dialog->findChild<QPushButton *>(QStringLiteral("generateToken"))->click();
        QCOMPARE(dialog->findChild<QLineEdit *>(QStringLiteral("bearerToken"))->text().size(), 32);
        QVERIFY(ok->isEnabled());
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("restartNote"))
                    ->text()
                    .contains(QLatin1String("restart")));
        ok->click();
        auto *question = window()->findChild<QMessageBox *>(QStringLiteral("restartQuestion"));
        QVERIFY(question && question->isVisible());
        for (QAbstractButton *button : question->buttons()) {
            if (button->text().remove(QLatin1Char('&')) == QLatin1String("Later"))
                button->click();
        }
        QCOMPARE(restart.count(), 0);
        QVERIFY(window()->isVisible());
        QCOMPARE(ui::AppSettings::load(QSettings()).grpcAddress, QStringLiteral("0.0.0.0:4317"));
        QCOMPARE(ui::AppSettings::load(QSettings()).bearerToken.size(), 32);

        // Restart Now: the window asks for the restart and closes.
        ui::MainWindow other(m_fixture.backend());
        other.show();
        QSignalSpy otherRestart(&other, &ui::MainWindow::restartRequested);
        ui::SettingsDialog *otherDialog = other.showSettings();
        otherDialog->findChild<QLineEdit *>(QStringLiteral("grpcAddress"))
            ->setText(QStringLiteral("127.0.0.1:24317"));
        otherDialog->accept();
        question = other.findChild<QMessageBox *>(QStringLiteral("restartQuestion"));
        QVERIFY(question);
        for (QAbstractButton *button : question->buttons()) {
            if (button->text().remove(QLatin1Char('&')) == QLatin1String("Restart Now"))
                button->click();
        }
        QCOMPARE(otherRestart.count(), 1);
        QVERIFY(!other.isVisible());

        window()->applySettings(window()->runningSettings()); // back to light-free defaults
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 100);
    }

    // The database on a small filesystem that fills up: the status bar says storing stopped and
    // why, until space returns.
    void aFullDiskIsShownUntilSpaceReturns()
    {
        if (::geteuid() != 0)
            QSKIP("mounting a small filesystem needs root");
        QTemporaryDir dir;
        const QString disk = dir.filePath(QStringLiteral("small"));
        QVERIFY(QDir().mkpath(disk));
        if (QProcess::execute(QStringLiteral("mount"),
                              {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                               QStringLiteral("size=2m"), QStringLiteral("tmpfs"), disk})
            != 0)
            QSKIP("cannot mount a tmpfs here");
        const auto unmount = qScopeGuard([&disk] {
            QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), disk});
        });
        ingest::IngestConfig config;
        config.databasePath = QDir(disk).filePath(QStringLiteral("full.db")).toStdString();
        config.grpcAddress = "127.0.0.1:0";
        config.httpPort = 0;
        auto server = ingest::IngestServer::start(config);
        QVERIFY(server);
        app::ServerBackend backend(**server);
        ui::MainWindow window(backend);
        window.show();
        auto *problem = window.statusPanel()->findChild<QLabel *>(QStringLiteral("storageProblem"));
        QVERIFY(problem && !problem->isVisible());
        bool full = false;
        for (int i = 0; i < 5000 && !full; ++i) {
            storage::TraceBatch batch = oneSpanTrace(std::uint8_t(i), "fill");
            batch.groups[0].spans[0].traceId[1] = std::uint8_t(i >> 8);
            batch.groups[0].spans[0].attributes = {{"payload", {std::string(4000, 'x')}}};
            full = !(*server)->writer().writeTraces(std::move(batch)).committed();
        }
        QVERIFY(full);
        QTRY_VERIFY_WITH_TIMEOUT(problem->isVisible(), 5000);
        QVERIFY2(problem->text().contains(QLatin1String("disk is full")),
                 qPrintable(problem->text()));

        QCOMPARE(
            QProcess::execute(QStringLiteral("mount"),
                              {QStringLiteral("-o"), QStringLiteral("remount,size=64m"), disk}),
            0);
        QVERIFY((*server)->writer().writeTraces(oneSpanTrace(0xFD, "after")).committed());
        QTRY_VERIFY_WITH_TIMEOUT(!problem->isVisible(), 5000);
        window.close();
        (*server)->stop();
    }

    void f1ListsEveryShortcut()
    {
        window()->activateWindow(); // shortcuts go to the active window
        QVERIFY(QTest::qWaitForWindowActive(window()));
        QTest::keyClick(window(), Qt::Key_F1);
        ui::ShortcutOverlay *overlay = window()->shortcutOverlay();
        QVERIFY(overlay->isVisible());
        QStringList keys;
        for (const auto &entry : overlay->entries())
            keys << entry.first;
        for (const char *expected : {"Ctrl+O", "Ctrl+F", "Ctrl+Q", "F1", "F3", "Ctrl+K", "Ctrl+L"})
            QVERIFY2(keys.contains(QString::fromLatin1(expected)), expected);
        QTest::keyClick(overlay, Qt::Key_Escape);
        QVERIFY(!overlay->isVisible());
    }

    // Closing saves the layout; the next window starts with it.
    void stateIsRestoredOnTheNextStart()
    {
        QSplitter *split = window()->traceView()->splitter();
        split->setSizes({700, 300});
        const QList<int> sizes = split->sizes();
        window()->setTheme(ui::Theme::Dark);
        window()->traceView()->waterfall()->setLabelWidth(480);
        window()->close();
        ui::MainWindow next(m_fixture.backend());
        next.show();
        QVERIFY(QTest::qWaitForWindowExposed(&next));
        QCOMPARE(next.traceView()->splitter()->sizes(), sizes);
        QCOMPARE(next.traceView()->waterfall()->labelWidth(), 480);
        QCOMPARE(QApplication::palette().color(QPalette::Window).lightness() < 100, true);
        next.setTheme(ui::Theme::System);
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(),
                 QStringLiteral("system"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

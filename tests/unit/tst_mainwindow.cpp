// The real window over real receivers and a real database, offscreen: the welcome page and its
// demo button, the live list with filters and sorting, opening a trace from the keyboard,
// collapse and expand, drag-to-zoom, search with next/previous, the details pane, editor links,
// span links across traces, the critical path, live updates of the open trace, the status bar,
// the shortcut overlay, and state restored on the next start.

#include <appsettings.h>
#include <bundletransfer.h>
#include <demotraffic.h>
#include <editorlauncher.h>
#include <errortracewatcher.h>
#include <files/bundle.h>
#include <files/ziparchive.h>
#include <filterbar.h>
#include <ingestserver.h>
#include <logdetailsview.h>
#include <logfilereading.h>
#include <logfilterbar.h>
#include <loglistmodel.h>
#include <logspane.h>
#include <mainwindow.h>
#include <samplingpanel.h>
#include <samplingruleseditor.h>
#include <serverbackend.h>
#include <settingsdialog.h>
#include <shortcutoverlay.h>
#include <spandetailsview.h>
#include <statuspanel.h>
#include <tracelistmodel.h>
#include <tracelogsview.h>
#include <traceview.h>
#include <waterfallminimap.h>
#include <waterfallview.h>
#include <welcomepage.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFile>
#include <QFileDialog>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProcess>
#include <QProgressDialog>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <QToolButton>
#include <unistd.h>

using namespace spanscope;

namespace {

int rowOfSpanNamed(const ui::WaterfallView &view, const std::string &name)
{
    const auto &trace = view.trace();
    for (int i = 0; trace && i < static_cast<int>(trace->spans.size()); ++i) {
        if (trace->spans[i].span.name == name)
            return view.layout()->rowOfSpan(i);
    }
    return -1;
}

// A trace of one root span, as a receiver would hand it on.
storage::TraceBatch oneSpanTrace(std::uint8_t id, const std::string &name)
{
    storage::TraceBatch batch;
    batch.groups.emplace_back();
    storage::Span span;
    span.traceId[0] = id;
    span.spanId[0] = 1;
    span.name = name;
    batch.groups[0].spans.push_back(span);
    return batch;
}

QAction *menuAction(QMainWindow &window, const QString &text)
{
    for (QAction *menu : window.menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions()) {
            if (action->text().remove(QLatin1Char('&')) == text)
                return action;
        }
    }
    return nullptr;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<ingest::IngestServer> m_server;
    std::unique_ptr<app::ServerBackend> m_backend; // the window's door onto m_server
    std::unique_ptr<ui::MainWindow> m_window;
    ingest::DemoSummary m_demo;

    ui::Backend::Addresses endpoints() const { return m_backend->addresses(); }
    ui::TraceView *traceView() const { return m_window->traceView(); }
    ui::WaterfallView *waterfall() const { return traceView()->waterfall(); }

    void openFromList(const std::string &hex)
    {
        QTableView *table = m_window->traceTable();
        for (int row = 0; row < m_window->traceList()->rowCount(); ++row) {
            if (storage::toHex(m_window->traceList()->summary(row).traceId) == hex) {
                table->setFocus();
                table->setCurrentIndex(table->model()->index(row, 0));
                QSignalSpy opened(traceView(), &ui::TraceView::traceOpened);
                QTest::keyClick(table, Qt::Key_Return);
                QVERIFY(opened.wait(10000));
                QCOMPARE(storage::toHex(waterfall()->trace()->summary.traceId), hex);
                return;
            }
        }
        QFAIL("the trace is not in the list");
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        ingest::IngestConfig config;
        config.databasePath = m_dir.filePath(QStringLiteral("window.db")).toStdString();
        config.grpcAddress = "127.0.0.1:0";
        config.httpPort = 0;
        config.writer.retentionBytes = std::int64_t(64) << 20;
        auto server = ingest::IngestServer::start(config);
        QVERIFY2(server, server ? "" : server.error().c_str());
        m_server = std::move(*server);
        m_backend = std::make_unique<app::ServerBackend>(*m_server);
        m_window = std::make_unique<ui::MainWindow>(*m_backend);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_backend.reset();
        m_server->stop();
    }

    // An empty store shows how to connect; the demo button fills the list, which takes over.
    void welcomePageThenDemoData()
    {
        QVERIFY(m_window->showsWelcome());
        auto *welcome = m_window->findChild<ui::WelcomePage *>();
        QVERIFY(welcome);
        QVERIFY(welcome->currentSnippet().contains(
            QStringLiteral("OTEL_EXPORTER_OTLP_ENDPOINT=http://") + endpoints().grpc));
        QPushButton *demo = nullptr;
        for (QPushButton *button : m_window->findChildren<QPushButton *>()) {
            if (button->text().remove(QLatin1Char('&')) == QLatin1String("Send Demo Data"))
                demo = button;
        }
        QVERIFY(demo);
        QAbstractItemModelTester tester(m_window->traceList(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTest::mouseClick(demo, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->traceList()->rowCount(), 11, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->showsWelcome(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_window->statusPanel()->countsText().startsWith(QStringLiteral("11 traces")), 5000);
        QVERIFY(m_window->statusPanel()->sizeText().contains(QStringLiteral("of 64")));

        // The ids the tests below open, read back from the store.
        for (int row = 0; row < m_window->traceList()->rowCount(); ++row) {
            const auto &summary = m_window->traceList()->summary(row);
            if (summary.errorCount > 0)
                m_demo.failedTraceId = storage::toHex(summary.traceId);
            if (summary.spanCount >= 20000)
                m_demo.largeTraceId = storage::toHex(summary.traceId);
        }
        QVERIFY(!m_demo.failedTraceId.empty() && !m_demo.largeTraceId.empty());
    }

    void endpointsMenuCopiesEachSdksSettings()
    {
        auto *button = m_window->statusPanel()->findChild<QToolButton *>();
        QVERIFY(button && button->menu());
        QAction *node = nullptr;
        for (QAction *action : button->menu()->actions()) {
            if (action->text().contains(QLatin1String("Node.js")))
                node = action;
        }
        QVERIFY(node);
        node->trigger();
        const QString copied = QGuiApplication::clipboard()->text();
        QVERIFY(copied.contains(QStringLiteral("http://") + endpoints().http));
        QVERIFY(copied.contains(QStringLiteral("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf")));
    }

    void filtersAndSortingDriveTheList()
    {
        ui::FilterBar *filters = m_window->filterBar();
        filters->findChild<QCheckBox *>()->setChecked(true); // errors only
        QTRY_COMPARE_WITH_TIMEOUT(m_window->traceList()->rowCount(), 1, 5000);
        QCOMPARE(storage::toHex(m_window->traceList()->summary(0).traceId), m_demo.failedTraceId);
        menuAction(*m_window, QStringLiteral("Clear Filters"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(m_window->traceList()->rowCount(), 11, 5000);

        // A click on the Spans header sorts by span count, biggest first on a second click.
        QHeaderView *header = m_window->traceTable()->horizontalHeader();
        const int x = header->sectionViewportPosition(ui::TraceListModel::SpansColumn) + 5;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, 5));
        QTRY_COMPARE_WITH_TIMEOUT(m_window->traceList()->summary(0).spanCount, 1, 5000);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, 5));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->traceList()->summary(0).spanCount >= 20000, 5000);
        // A text column keeps the order (and the header's indicator).
        const int service = header->sectionViewportPosition(ui::TraceListModel::ServiceColumn) + 5;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(service, 5));
        QCOMPARE(header->sortIndicatorSection(), int(ui::TraceListModel::SpansColumn));
        QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("sorts by")));
        m_window->traceTable()->sortByColumn(ui::TraceListModel::StartColumn, Qt::DescendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->traceList()->summary(0).spanCount < 20000, 5000);
    }

    // Enter opens a trace; Left/Right collapse and expand; the menu collapses and expands all.
    void openCollapseAndExpandFromTheKeyboard()
    {
        openFromList(m_demo.failedTraceId);
        QCOMPARE(waterfall()->visibleRows().size(), size_t(11));
        QCOMPARE(waterfall()->selectedRow(), 0); // the root, selected for the keyboard
        waterfall()->setFocus();
        QTest::keyClick(waterfall(), Qt::Key_Left);
        QCOMPARE(waterfall()->visibleRows().size(), size_t(1));
        QTest::keyClick(waterfall(), Qt::Key_Right);
        QCOMPARE(waterfall()->visibleRows().size(), size_t(11));
        QTest::keyClick(waterfall(), Qt::Key_Down);
        QCOMPARE(waterfall()->selectedRow(), 1);
        QVERIFY(traceView()->details()->toPlainText().startsWith(QStringLiteral("POST")));
        menuAction(*m_window, QStringLiteral("Collapse All"))->trigger();
        QCOMPARE(waterfall()->visibleRows().size(), size_t(1));
        menuAction(*m_window, QStringLiteral("Expand All"))->trigger();
        QCOMPARE(waterfall()->visibleRows().size(), size_t(11));
        QVERIFY(m_window->windowTitle().contains(QStringLiteral("POST /checkout")));
    }

    void dragOnTheBarsZoomsToThatRange()
    {
        openFromList(m_demo.failedTraceId);
        ui::WaterfallView *view = waterfall();
        const ui::TimeMapper before = view->timeMapper();
        const int from = ui::WaterfallView::LabelWidth + 100;
        const int to = ui::WaterfallView::LabelWidth + 300;
        const int y = ui::WaterfallView::AxisHeight + 5;
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, QPoint(from, y));
        QMouseEvent move(QEvent::MouseMove, QPointF(to, y),
                         view->viewport()->mapToGlobal(QPointF(to, y)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(view->viewport(), &move);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, QPoint(to, y));
        const ui::TimeMapper after = view->timeMapper();
        QVERIFY(std::abs(after.viewStart() - before.toTime(100)) <= before.viewDuration() / 1000);
        QVERIFY(std::abs(after.viewEnd() - before.toTime(300)) <= before.viewDuration() / 1000);
        // The minimap's window shrinks to the zoomed part; 0 shows everything again.
        const QRect window = traceView()->minimap()->windowRect();
        QVERIFY(window.width() < traceView()->minimap()->width() / 2);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_0);
        QCOMPARE(view->timeMapper().viewStart(), 0);
    }

    // Ctrl+F, type, F3: the match is selected (its collapsed ancestors expanded) and shown.
    void searchFindsAndSelectsMatches()
    {
        openFromList(m_demo.failedTraceId);
        menuAction(*m_window, QStringLiteral("Collapse All"))->trigger();
        QTest::keyClick(m_window.get(), Qt::Key_F, Qt::ControlModifier);
        QLineEdit *find = traceView()->findField();
        QTRY_VERIFY(find->hasFocus());
        QTest::keyClicks(find, QStringLiteral("postgres")); // an attribute value
        QTRY_COMPARE_WITH_TIMEOUT(waterfall()->matches().size(), size_t(1), 5000);
        QTest::keyClick(m_window.get(), Qt::Key_F3);
        const int stock = rowOfSpanNamed(*waterfall(), "SELECT stock");
        QCOMPARE(waterfall()->selectedRow(), stock);
        QVERIFY(
            std::find(waterfall()->visibleRows().begin(), waterfall()->visibleRows().end(), stock)
            != waterfall()->visibleRows().end());
        QVERIFY(traceView()->details()->toPlainText().contains(QStringLiteral("postgresql")));

        find->clear();
        QTest::keyClicks(find, QStringLiteral("checkout"));
        QTRY_VERIFY_WITH_TIMEOUT(waterfall()->matches().size() > 2, 5000);
        QTest::keyClick(m_window.get(), Qt::Key_F3);
        const auto &matches = waterfall()->matches();
        const auto first = std::find(matches.begin(), matches.end(), waterfall()->selectedRow());
        QVERIFY(first != matches.end());
        QTest::keyClick(m_window.get(), Qt::Key_F3); // the next match, wrapping at the end
        const auto second = first + 1 == matches.end() ? matches.begin() : first + 1;
        QCOMPARE(waterfall()->selectedRow(), *second);
        QTest::keyClick(m_window.get(), Qt::Key_F3, Qt::ShiftModifier);
        QCOMPARE(waterfall()->selectedRow(), *first);
        find->clear();
        QTRY_VERIFY_WITH_TIMEOUT(waterfall()->matches().empty(), 5000);
    }

    // The Python exception is shown first, and its frames open the configured editor.
    void exceptionFramesOpenTheEditor()
    {
        openFromList(m_demo.failedTraceId);
        waterfall()->selectRow(rowOfSpanNamed(*waterfall(), "process_payment"));
        ui::SpanDetailsView *details = traceView()->details();
        const QString text = details->toPlainText();
        QVERIFY(text.indexOf(QStringLiteral("checkout.payments.PaymentDeclined"))
                < text.indexOf(QStringLiteral("Attributes")));
        QSettings().setValue(QStringLiteral("editor/command"),
                             QStringLiteral("/bin/true {file} {line}"));
        QSignalSpy frames(traceView(), &ui::TraceView::openFrame);
        const QString html = details->toHtml();
        const int at = html.indexOf(QStringLiteral("frame:"));
        QVERIFY(at > 0);
        emit details->anchorClicked(
            QUrl::fromEncoded(html.mid(at, html.indexOf(QLatin1Char('"'), at) - at).toUtf8()));
        QCOMPARE(frames.count(), 1);
        QCOMPARE(frames.at(0).at(0).toString(), QStringLiteral("/srv/checkout/app/orders.py"));
        QCOMPARE(frames.at(0).at(1).toInt(), 88);
        QVERIFY(m_window->statusBar()->currentMessage().contains(
            QStringLiteral("Opening /srv/checkout/app/orders.py:88")));
    }

    // The e-mail worker's span links to an order's confirmation: following it opens that trace
    // with the linked span selected.
    void followingASpanLinkOpensTheLinkedSpan()
    {
        std::string worker;
        for (int row = 0; row < m_window->traceList()->rowCount(); ++row) {
            if (m_window->traceList()->summary(row).rootService == "notifications")
                worker = storage::toHex(m_window->traceList()->summary(row).traceId);
        }
        openFromList(worker);
        waterfall()->selectRow(rowOfSpanNamed(*waterfall(), "order-emails process"));
        const storage::SpanLink link
            = waterfall()
                  ->trace()
                  ->spans[waterfall()->layout()->span(waterfall()->selectedRow())]
                  .span.links.at(0);
        ui::SpanDetailsView *details = traceView()->details();
        const QString html = details->toHtml();
        const int at = html.indexOf(QStringLiteral("span:")
                                    + QString::fromStdString(storage::toHex(link.traceId)));
        QVERIFY(at > 0);
        const QUrl url(html.mid(at, html.indexOf(QLatin1Char('"'), at) - at));
        emit details->anchorClicked(url);
        QTRY_VERIFY_WITH_TIMEOUT(waterfall()->trace()->summary.traceId == link.traceId, 5000);
        QTRY_VERIFY(waterfall()->selectedRow() >= 0);
        const int span = waterfall()->layout()->span(waterfall()->selectedRow());
        QCOMPARE(waterfall()->trace()->spans[span].span.spanId, link.spanId);
        QCOMPARE(waterfall()->trace()->spans[span].span.name, std::string("send_confirmation"));
    }

    // Ctrl+K marks the critical path: a span off it is drawn faded.
    void criticalPathFadesTheSpansOffIt()
    {
        openFromList(m_demo.failedTraceId);
        QTest::keyClick(m_window.get(), Qt::Key_K, Qt::ControlModifier);
        QVERIFY(waterfall()->showsCriticalPath());
        // The Redis call ran while the stock check did, which took longer: not on the path.
        const QRect bar = waterfall()->barRect(rowOfSpanNamed(*waterfall(), "HGETALL"));
        const QImage image = waterfall()->viewport()->grab().toImage();
        const QColor shown = image.pixelColor(bar.center());
        QTest::keyClick(m_window.get(), Qt::Key_K, Qt::ControlModifier);
        QVERIFY(!waterfall()->showsCriticalPath());
        const QColor normal = waterfall()->viewport()->grab().toImage().pixelColor(bar.center());
        QVERIFY2(shown.saturation() < normal.saturation(),
                 qPrintable(shown.name() + QLatin1String(" vs ") + normal.name()));
    }

    // Spans arriving for the open trace appear in place; the selection stays.
    void theOpenTraceUpdatesInPlace()
    {
        openFromList(m_demo.failedTraceId);
        const int charge = rowOfSpanNamed(*waterfall(), "PaymentService/Charge");
        waterfall()->selectRow(charge);
        const storage::Span chargeSpan
            = waterfall()->trace()->spans[waterfall()->layout()->span(charge)].span;
        storage::TraceBatch batch;
        batch.groups.emplace_back();
        batch.groups[0].resource.attributes = {{"service.name", {std::string("payments")}}};
        storage::Span late;
        late.traceId = chargeSpan.traceId;
        late.spanId[0] = 0xAB;
        late.parentSpanId = chargeSpan.spanId;
        late.name = "fraud check (late)";
        late.startUnixNano = chargeSpan.startUnixNano + 1'000'000;
        late.endUnixNano = late.startUnixNano + 5'000'000;
        batch.groups[0].spans.push_back(late);
        const std::string selectedName = chargeSpan.name;
        QVERIFY(m_server->writer().writeTraces(std::move(batch)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(waterfall()->trace()->spans.size(), size_t(12), 5000);
        QVERIFY(rowOfSpanNamed(*waterfall(), "fraud check (late)") >= 0);
        const int selected = waterfall()->layout()->span(waterfall()->selectedRow());
        QCOMPARE(waterfall()->trace()->spans[selected].span.name, selectedName);
    }

    // The Logs tab lists every record; Enter on one shows the span that wrote it.
    void logsTabOpensTheSpanOfARecord()
    {
        ui::LogsPane *logs = m_window->logsPane();
        m_window->tabs()->setCurrentWidget(logs);
        QAbstractItemModelTester tester(logs->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY_WITH_TIMEOUT(logs->model()->rowCount() >= 20, 5000);
        QComboBox *severity = nullptr;
        for (QComboBox *combo : logs->filterBar()->findChildren<QComboBox *>()) {
            if (combo->accessibleName() == QLatin1String("Minimum severity"))
                severity = combo;
        }
        QVERIFY(severity);
        severity->setCurrentIndex(severity->findData(17));
        emit severity->activated(severity->currentIndex());
        QTRY_COMPARE_WITH_TIMEOUT(logs->model()->rowCount(), 1, 5000);
        QVERIFY(logs->model()->lineText(0).contains(QStringLiteral("charge failed")));
        logs->table()->setFocus();
        logs->table()->setCurrentIndex(logs->model()->index(0, 0));
        QVERIFY(logs->details()->toPlainText().contains(QStringLiteral("charge failed")));
        QTest::keyClick(logs->table(), Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(waterfall()->trace()
                                     && storage::toHex(waterfall()->trace()->summary.traceId)
                                         == m_demo.failedTraceId
                                     && waterfall()->selectedRow() >= 0,
                                 5000);
        QTRY_COMPARE(waterfall()->selectedRow(),
                     rowOfSpanNamed(*waterfall(), "PaymentService/Charge"));
        logs->filterBar()->clear();
        QTRY_VERIFY_WITH_TIMEOUT(logs->model()->rowCount() >= 20, 5000);
        m_window->tabs()->setCurrentIndex(0);
    }

    // Under the waterfall: the trace's records, narrowed to the selected span on request, and a
    // marker per record on its span's row; a click on a marker picks the record and back.
    void traceLogsAndTheirMarkers()
    {
        openFromList(m_demo.failedTraceId);
        ui::TraceLogsView *logs = traceView()->logs();
        QCOMPARE(logs->shownCount(), 3);
        QCOMPARE(waterfall()->logMarkers().size(), size_t(3));
        const int charge = rowOfSpanNamed(*waterfall(), "PaymentService/Charge");
        const auto error
            = std::find_if(waterfall()->logMarkers().begin(), waterfall()->logMarkers().end(),
                           [](const ui::LogMarker &m) { return m.severity == 17; });
        QVERIFY(error != waterfall()->logMarkers().end());
        QCOMPARE(error->row, charge);
        const QRect mark = waterfall()->markerRect(*error);
        QVERIFY(!mark.isEmpty());
        const QImage image = waterfall()->viewport()->grab().toImage();
        QCOMPARE(image.pixelColor(mark.center()), ui::severityColour(17));

        QTest::mouseClick(waterfall()->viewport(), Qt::LeftButton, {}, mark.center());
        QCOMPARE(waterfall()->selectedRow(), charge);
        QVERIFY(traceView()->logDetails()->toPlainText().contains(QStringLiteral("charge failed")));
        QVERIFY(logs->table()->currentIndex().data().isValid());

        logs->setScope(ui::TraceLogsView::Scope::Span); // the Charge span wrote one
        QCOMPARE(logs->shownCount(), 1);
        waterfall()->selectRow(rowOfSpanNamed(*waterfall(), "process_order"));
        QCOMPARE(logs->shownCount(), 1); // "processing order"
        logs->setScope(ui::TraceLogsView::Scope::SpanAndChildren);
        QCOMPARE(logs->shownCount(), 3); // and its children's

        // Picking a record selects the span that wrote it.
        const auto *model = logs->table()->model();
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, ui::LogRowsModel::BodyColumn).data().toString()
                == QLatin1String("order validated"))
                logs->table()->setCurrentIndex(model->index(row, 0));
        }
        QCOMPARE(waterfall()->selectedRow(), rowOfSpanNamed(*waterfall(), "validate_order"));
        logs->setScope(ui::TraceLogsView::Scope::Trace);
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
        m_window->logFiles()->read(file.fileName(), false);
        QTRY_VERIFY_WITH_TIMEOUT(!m_window->logFiles()->isReading(), 10000);
        QVERIFY(m_window->statusBar()->currentMessage().startsWith(QStringLiteral("Read 2 lines")));
        ui::LogsPane *logs = m_window->logsPane();
        QTRY_VERIFY_WITH_TIMEOUT(
            logs->model()->rowCount() > 0
                && logs->model()->lineText(0).contains(QStringLiteral("job failed")),
            5000);
        QCOMPARE(logs->model()->row(0).service, QStringLiteral("worker"));
        logs->table()->setCurrentIndex(logs->model()->index(0, 0));
        // The exception is rendered with its frame linked, as on a span.
        QVERIFY(logs->details()->toPlainText().contains(QStringLiteral("RuntimeError: no disk")));
        QVERIFY(logs->details()->toHtml().contains(QStringLiteral("frame:/srv/w.py")));
        m_window->tabs()->setCurrentIndex(0);
    }

    // A malformed request is counted in the status bar, with its reason on click.
    void rejectedRequestsShowTheirReasons()
    {
        QTcpSocket socket;
        const QString http = endpoints().http;
        socket.connectToHost(http.section(QLatin1Char(':'), 0, 0),
                             static_cast<quint16>(http.section(QLatin1Char(':'), 1).toUInt()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write(
            "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: 9\r\nConnection: close\r\n\r\n{\"oops\":[");
        QVERIFY(socket.waitForReadyRead(5000));
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 400"));
        auto *rejected = m_window->statusPanel()->findChildren<QToolButton *>().value(1);
        QVERIFY(rejected);
        QTRY_VERIFY_WITH_TIMEOUT(rejected->isVisible(), 5000);
        QVERIFY(rejected->text().startsWith(QStringLiteral("1 rejected")));
        QVERIFY(m_window->statusPanel()->rejectionReport().contains(QStringLiteral("JSON")));
    }

    // A policy other than "keep everything" shows in the status bar with what it dropped.
    void statusBarShowsAnActiveSamplingPolicy()
    {
        const auto samplingLabel = [this]() -> QLabel * {
            for (QLabel *label : m_window->statusPanel()->findChildren<QLabel *>()) {
                if (label->text().startsWith(QLatin1String("Sampling")))
                    return label;
            }
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!samplingLabel() || !samplingLabel()->isVisible(), 3000);
        ingest::SamplingPolicy dropAll;
        dropAll.ratio = 0;
        m_backend->setSamplingPolicy(dropAll);
        QVERIFY(m_server->sampling().writeTraces(oneSpanTrace(0x5a, "GET /")).committed());
        QTRY_VERIFY_WITH_TIMEOUT(
            samplingLabel() && samplingLabel()->isVisible()
                && samplingLabel()->text().contains(QStringLiteral("1 spans dropped")),
            5000);
        QVERIFY(samplingLabel()->toolTip().contains(QStringLiteral("ratio 0 %")));
        m_backend->setSamplingPolicy({});
        QTRY_VERIFY_WITH_TIMEOUT(!samplingLabel()->isVisible(), 5000);
    }

    // View > Sampling: the form and the JSON edit one policy; Apply makes it live and saves
    // it; the counters show what each rule did.
    void samplingPanelEditsAppliesAndCounts()
    {
        QTest::keyClick(m_window.get(), Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        auto *panel = m_window->findChild<ui::SamplingPanel *>();
        QVERIFY(panel && panel->isVisible());
        auto *ratio = panel->findChild<QDoubleSpinBox *>();
        QVERIFY(ratio);
        ratio->setValue(0);
        QVERIFY(panel->jsonEditor()->toPlainText().contains(QStringLiteral("\"ratio\": 0.0")));
        // The JSON holds what the form does not: a drop rule, and it reads back into the form.
        auto edited = panel->editedPolicy();
        QVERIFY(edited);
        edited->keepErrors = true;
        edited->decisionWaitMs = 100; // keep errors holds a trace until it is quiet this long
        edited->dropRules.push_back(
            {{ingest::SpanMatch::Field::SpanName, {}, "GET /healthz"}, true});
        panel->jsonEditor()->setPlainText(QString::fromStdString(edited->toJson()));
        QVERIFY(panel->findChild<QCheckBox *>()->isChecked());
        panel->jsonEditor()->setPlainText(QStringLiteral("{\"ratio\": 7}"));
        QVERIFY(!panel->findChild<QPushButton *>()->isEnabled()); // Apply
        panel->jsonEditor()->setPlainText(QString::fromStdString(edited->toJson()));
        QVERIFY(panel->findChild<QPushButton *>()->isEnabled());
        // The tables edit the same policy: a per-operation strategy for SDKs, and a bad cell.
        ui::SamplingRulesEditor *rules = panel->rulesEditor();
        QCOMPARE(rules->dropRules()->rowCount(), 1);
        QTableWidget *strategies = rules->sdkStrategies();
        strategies->insertRow(0);
        strategies->setItem(0, 1, new QTableWidgetItem(QStringLiteral("20")));
        strategies->setItem(0, 3, new QTableWidgetItem(QStringLiteral("GET /healthz=0")));
        strategies->setItem(0, 0, new QTableWidgetItem(QStringLiteral("web")));
        auto withStrategy = panel->editedPolicy();
        QVERIFY(withStrategy);
        QCOMPARE(withStrategy->remote.services.at("web").probability.value_or(-1), 0.2);
        QCOMPARE(withStrategy->remote.services.at("web").operations.at("GET /healthz"), 0.0);
        strategies->item(0, 1)->setText(QStringLiteral("lots"));
        QVERIFY(!panel->findChild<QPushButton *>()->isEnabled());
        strategies->item(0, 1)->setText(QStringLiteral("20 %"));
        QVERIFY(panel->findChild<QPushButton *>()->isEnabled());
        panel->apply();
        QCOMPARE(m_server->sampling().policy().ratio, 0.0);
        QCOMPARE(m_server->sampling().policy().remote.services.size(), size_t(1));
        QCOMPARE(m_server->sampling().policy().dropRules.size(), size_t(1));
        QVERIFY(QSettings()
                    .value(QStringLiteral("sampling/policy"))
                    .toString()
                    .contains(QStringLiteral("GET /healthz")));
        QVERIFY(m_window->statusBar()->currentMessage().startsWith(
            QStringLiteral("Sampling policy applied: ratio 0 %")));

        QVERIFY(m_server->sampling().writeTraces(oneSpanTrace(0x77, "GET /orders")).committed());
        QTableWidget *counters = panel->countersTable();
        QTRY_VERIFY_WITH_TIMEOUT(counters->rowCount() > 0 && counters->item(0, 2)
                                     && counters->item(0, 2)->text() == QLatin1String("1"),
                                 5000);
        QCOMPARE(counters->item(0, 0)->text(), QStringLiteral("ratio"));
        QCOMPARE(counters->rowCount(), 5); // ratio, rate limit, errors, slow, the drop rule
        QVERIFY(panel->pollsLabel()->text().contains(QStringLiteral("not served")));

        // Preview a candidate on the stored traces: counts, and greyed rows in the list.
        ui::TraceListModel *list = m_window->traceList();
        list->setFilter({});
        QTRY_VERIFY_WITH_TIMEOUT(list->rowCount() >= 11, 5000);
        auto candidate = ingest::SamplingPolicy::fromJson(
            R"({"dropRules": [{"field": "name", "value": "GET /healthz"}]})");
        panel->jsonEditor()->setPlainText(QString::fromStdString(candidate->toJson()));
        panel->preview();
        QTRY_VERIFY_WITH_TIMEOUT(panel->previewLabel()->text().contains(QStringLiteral("drop 1.")),
                                 5000);
        int greyed = 0;
        for (int row = 0; row < list->rowCount(); ++row) {
            if (list->data(list->index(row, 0), Qt::ForegroundRole).isValid()) {
                ++greyed;
                QCOMPARE(list->summary(row).rootName, std::string("GET /healthz"));
            }
        }
        QCOMPARE(greyed, 1);
        panel->keepEverything(); // applying ends the preview
        QVERIFY(!list->data(list->index(0, 0), Qt::ForegroundRole).isValid()
                || list->summary(0).errorCount > 0);
        QVERIFY(m_server->sampling().policy().keepsEverything());
        panel->close();
        m_window->activateWindow(); // shortcuts go to the active window
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    }

    // File > Export writes a bundle of the open trace; a file dropped on the window is imported.
    void bundlesFromTheWindow()
    {
        openFromList(m_demo.failedTraceId);
        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("failed.spanscope"));
        QSignalSpy finished(m_window->bundles(), &ui::BundleTransfer::finished);
        m_window->bundles()->exportTraces({waterfall()->trace()->summary.traceId}, bundle, false);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY(QFile::exists(bundle));
        QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("1 trace(s)")));

        QFile file(dir.filePath(QStringLiteral("job.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name",
            "value": {"stringValue": "nightly"}}]}, "scopeSpans": [{"spans": [{"traceId":
            "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331", "name": "rebuild index",
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000002000000000"}]}]}]})");
        file.close();
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(file.fileName())});
        // As a drag from a file manager arrives: enter, then drop.
        QDragEnterEvent enter(QPoint(400, 400), Qt::CopyAction, &mime, Qt::LeftButton,
                              Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(400, 400), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_window.get(), &drop);
        // Counted, not waited for: the import may finish before a wait would start.
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
        QCOMPARE(finished.at(1).at(0).toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                for (int row = 0; row < m_window->traceList()->rowCount(); ++row) {
                    if (m_window->traceList()->summary(row).rootService == "nightly")
                        return true;
                }
                return false;
            }(),
            5000);
        // The file is now a source to filter by: only its trace is listed.
        QComboBox *source = nullptr;
        for (auto *combo : m_window->filterBar()->findChildren<QComboBox *>()) {
            if (combo->accessibleName() == QLatin1String("Source"))
                source = combo;
        }
        QTRY_VERIFY_WITH_TIMEOUT(source->findData(file.fileName()) > 0, 5000);
        source->setCurrentIndex(source->findData(file.fileName()));
        emit source->activated(source->currentIndex());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->traceList()->rowCount(), 1, 5000);
        QCOMPARE(m_window->traceList()->summary(0).rootService, std::string("nightly"));
        m_window->filterBar()->clear();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->traceList()->rowCount() > 1, 5000);
    }

    // Edit > Settings: theme, retention, editor and notifications apply at once; new addresses
    // or a token wait for a restart, which the window offers.
    void settingsApplyAtOnceOrOfferARestart()
    {
        {
            QSettings stored;
            m_window->runningSettings().save(stored);
        }
        QAction *action = menuAction(*m_window, QStringLiteral("Settings…"));
        QVERIFY(action);
        QVERIFY(!action->shortcut().isEmpty());
        action->trigger();
        auto *dialog = m_window->findChild<ui::SettingsDialog *>();
        QVERIFY(dialog && dialog->isVisible());
        const auto field = [&dialog](const char *name) {
            return dialog->findChild<QLineEdit *>(QString::fromLatin1(name));
        };
        QCOMPARE(field("grpcAddress")->text(), endpoints().grpc);
        QCOMPARE(field("databasePath")->text(), endpoints().database);
        QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("restartNote"))
                    ->text()
                    .contains(QLatin1String("at once")));
        auto *theme = dialog->findChild<QComboBox *>(QStringLiteral("theme"));
        theme->setCurrentIndex(theme->findData(QStringLiteral("dark")));
        dialog->findChild<QSpinBox *>(QStringLiteral("retention"))->setValue(128);
        field("editorCommand")->clear();
        QTest::keyClicks(field("editorCommand"), QStringLiteral("kate {file} --line {line}"));
        dialog->findChild<QCheckBox *>()->setChecked(true);
        QSignalSpy restart(m_window.get(), &ui::MainWindow::restartRequested);
        dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();

        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 100);
        QCOMPARE(m_server->writer().retentionBytes(), std::int64_t(128) << 20);
        QCOMPARE(ui::EditorLauncher::command(), QStringLiteral("kate {file} --line {line}"));
        QVERIFY(m_window->errorTraceWatcher()->isEnabled());
        QVERIFY(!m_window->findChild<QMessageBox *>(QStringLiteral("restartQuestion")));
        QCOMPARE(m_window->statusBar()->currentMessage(), QStringLiteral("Settings applied."));
        const ui::AppSettings saved = ui::AppSettings::load(QSettings());
        QCOMPARE(saved.theme, QStringLiteral("dark"));
        QCOMPARE(saved.retentionBytes, qint64(128) << 20);
        QVERIFY(saved.notifyErrorTraces);

        // Beyond loopback: OK waits for a token, and the change waits for a restart.
        dialog = m_window->showSettings();
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
        auto *question = m_window->findChild<QMessageBox *>(QStringLiteral("restartQuestion"));
        QVERIFY(question && question->isVisible());
        for (QAbstractButton *button : question->buttons()) {
            if (button->text().remove(QLatin1Char('&')) == QLatin1String("Later"))
                button->click();
        }
        QCOMPARE(restart.count(), 0);
        QVERIFY(m_window->isVisible());
        QCOMPARE(ui::AppSettings::load(QSettings()).grpcAddress, QStringLiteral("0.0.0.0:4317"));
        QCOMPARE(ui::AppSettings::load(QSettings()).bearerToken.size(), 32);

        // Restart Now: the window asks for the restart and closes.
        ui::MainWindow other(*m_backend);
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

        m_window->applySettings(m_window->runningSettings()); // back to light-free defaults
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 100);
    }

    // With notifications on, each trace with an error is announced once (a tray message where
    // the desktop has a tray, the status bar otherwise); traces stored before are not news.
    void errorTracesAreNotified()
    {
        ui::ErrorTraceWatcher *watcher = m_window->errorTraceWatcher();
        watcher->setEnabled(true);
        QTRY_VERIFY(watcher->isWatching());
        QSignalSpy arrived(watcher, &ui::ErrorTraceWatcher::errorTraceArrived);
        const auto trace = [](std::uint8_t id, bool failed) {
            storage::TraceBatch batch = oneSpanTrace(id, "POST /pay");
            batch.groups[0].resource.attributes = {{"service.name", {std::string("checkout")}}};
            batch.groups[0].spans[0].statusCode
                = failed ? storage::StatusCode::Error : storage::StatusCode::Ok;
            return batch;
        };
        QVERIFY(m_server->writer().writeTraces(trace(0xE1, false)).committed());
        QVERIFY(m_server->writer().writeTraces(trace(0xE2, true)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(arrived.count(), 1, 5000);
        QCOMPARE(arrived.at(0).at(0).value<storage::TraceSummary>().traceId[0], 0xE2);
        QCOMPARE(m_window->statusBar()->currentMessage(),
                 QString::fromUtf8("Error in checkout — POST /pay: 1 span(s) in error"));
        // More spans of the same trace are not a new notification.
        storage::TraceBatch more = trace(0xE2, true);
        more.groups[0].spans[0].spanId[0] = 2;
        QVERIFY(m_server->writer().writeTraces(std::move(more)).committed());
        watcher->refresh(); // a look after that commit, whatever the backend's signal does
        QTRY_VERIFY(!watcher->isReading());
        QCOMPARE(arrived.count(), 1);

        watcher->setEnabled(false);
        QVERIFY(m_server->writer().writeTraces(trace(0xE3, true)).committed());
        watcher->refresh(); // disabled: nothing more is read
        QTRY_VERIFY(!watcher->isReading());
        QCOMPARE(arrived.count(), 1);
    }

    // Two traces selected in the list, File > Export Selected Traces: the save dialog, the
    // redaction preview, then one bundle holding both, with progress while it is written.
    void exportSelectedTracesThroughTheDialogs()
    {
        QTableView *table = m_window->traceTable();
        table->clearSelection();
        table->selectionModel()->select(table->model()->index(0, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        table->selectionModel()->select(table->model()->index(1, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const std::set<std::string> expected{
            storage::toHex(m_window->traceList()->summary(0).traceId),
            storage::toHex(m_window->traceList()->summary(1).traceId)};
        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("two.spanscope"));
        // The dialogs are modal: answered from the event loop they run.
        QStringList seen;
        QTimer answer;
        connect(&answer, &QTimer::timeout, this, [&] {
            QWidget *modal = QApplication::activeModalWidget();
            if (auto *files = qobject_cast<QFileDialog *>(modal)) {
                seen << QStringLiteral("save");
                files->selectFile(bundle);
                files->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"))->setText(bundle);
                QMetaObject::invokeMethod(files, &QDialog::accept);
            } else if (auto *box = qobject_cast<QMessageBox *>(modal)) {
                seen << QStringLiteral("preview: ") + box->text();
                for (QAbstractButton *button : box->buttons()) {
                    if (button->text() == QLatin1String("&Export"))
                        button->click();
                }
            }
        });
        answer.start(50);
        QSignalSpy finished(m_window->bundles(), &ui::BundleTransfer::finished);
        QAction *action = menuAction(*m_window, QStringLiteral("Export Selected Traces…"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
        action->trigger();
        QVERIFY(finished.wait(15000));
        answer.stop();
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QCOMPARE(seen.size(), 2);
        QCOMPARE(seen.at(0), QStringLiteral("save"));
        QVERIFY2(seen.at(1).contains(QLatin1String("2 trace(s)"))
                     || seen.at(1).contains(QLatin1String("[REDACTED]")),
                 qPrintable(seen.at(1)));

        QFile written(bundle);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray zip = written.readAll();
        auto entries = ingest::ZipReader::read(std::string_view(zip.constData(), zip.size()));
        QVERIFY(entries);
        std::set<std::string> exported;
        for (const auto &entry : *entries) {
            if (entry.name != "manifest.json")
                continue;
            const QJsonObject manifest
                = QJsonDocument::fromJson(QByteArray::fromStdString(entry.data)).object();
            for (const QJsonValue trace : manifest.value(QStringLiteral("traces")).toArray())
                exported.insert(
                    trace.toObject().value(QStringLiteral("traceId")).toString().toStdString());
        }
        QCOMPARE(exported, expected);
        QTRY_VERIFY(!m_window->findChild<QProgressDialog *>()); // gone once written

        // Cancelled half-way (what the progress dialog's Cancel does): no file, no leftovers.
        auto store = storage::TraceStore::open(endpoints().database.toStdString());
        QVERIFY(store);
        ingest::BundleOptions options;
        options.progress = [](std::size_t done, std::size_t total) {
            return done < total / 2;
        };
        std::vector<storage::TraceId> ids;
        for (int row = 0; row < 4; ++row)
            ids.push_back(m_window->traceList()->summary(row).traceId);
        const QString cancelled = dir.filePath(QStringLiteral("cancelled.spanscope"));
        auto halfway = ingest::writeBundle(**store, ids, options, cancelled.toStdString());
        QVERIFY(!halfway);
        QVERIFY(QString::fromStdString(halfway.error()).contains(QLatin1String("cancelled")));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("two.spanscope")});
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
        m_window->activateWindow(); // shortcuts go to the active window
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        QTest::keyClick(m_window.get(), Qt::Key_F1);
        ui::ShortcutOverlay *overlay = m_window->shortcutOverlay();
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
        QSplitter *split = traceView()->splitter();
        split->setSizes({700, 300});
        const QList<int> sizes = split->sizes();
        m_window->setTheme(ui::Theme::Dark);
        m_window->close();
        ui::MainWindow next(*m_backend);
        next.show();
        QVERIFY(QTest::qWaitForWindowExposed(&next));
        QCOMPARE(next.traceView()->splitter()->sizes(), sizes);
        QCOMPARE(QApplication::palette().color(QPalette::Window).lightness() < 100, true);
        next.setTheme(ui::Theme::System);
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(),
                 QStringLiteral("system"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

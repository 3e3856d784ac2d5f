// The trace list page over the demo data: filters and sorting, notifications of traces with
// errors, bundles exported from the open trace and imported by a drop, and the selected traces
// exported through the save dialog and the redaction preview. Each function gets a fresh copy
// of the demo database.

#include "windowfixture.h"

#include <attributefilteredit.h>
#include <bundletransfer.h>
#include <errortracewatcher.h>
#include <exportpreviewdialog.h>
#include <files/bundle.h>
#include <files/ziparchive.h>
#include <filterbar.h>
#include <tracelistpane.h>
#include <tracestore.h>

#include <QAbstractItemView>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QStatusBar>
#include <QTableWidget>
#include <QTimer>

using namespace spanscope;
using namespace spanscope::testing;

class TestTraceListPage : public DemoWindowTest
{
    Q_OBJECT
private slots:

    void filtersAndSortingDriveTheList()
    {
        ui::FilterBar *filters = window()->filterBar();
        filters->findChild<QCheckBox *>()->setChecked(true); // errors only
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), 1, 5000);
        QCOMPARE(storage::toHex(window()->traceList()->summary(0).traceId), demo().failedTraceId);
        menuAction(*window(), QStringLiteral("Clear Filters"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), demo().traces, 5000);

        // A click on the Spans header sorts by span count, biggest first; a second click turns
        // the order round.
        QHeaderView *header = window()->traceTable()->horizontalHeader();
        const int x = header->sectionViewportPosition(ui::TraceListModel::SpansColumn) + 5;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, 5));
        QTRY_VERIFY_WITH_TIMEOUT(
            window()->traceList()->summary(0).spanCount >= DemoWindow::LargeTraceSpans, 5000);
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, 5));
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->summary(0).spanCount, 1, 5000);
        // A text column keeps the order (and the header's indicator).
        const int service = header->sectionViewportPosition(ui::TraceListModel::ServiceColumn) + 5;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(service, 5));
        QCOMPARE(header->sortIndicatorSection(), int(ui::TraceListModel::SpansColumn));
        QVERIFY(window()->statusBar()->currentMessage().contains(QStringLiteral("sorts by")));
        window()->traceTable()->sortByColumn(ui::TraceListModel::StartColumn, Qt::DescendingOrder);
        QTRY_VERIFY_WITH_TIMEOUT(
            window()->traceList()->summary(0).spanCount < DemoWindow::LargeTraceSpans, 5000);
    }

    // With notifications on, each trace with an error is announced once (a tray message where
    // the desktop has a tray, the status bar otherwise); traces stored before are not news.
    void errorTracesAreNotified()
    {
        ui::ErrorTraceWatcher *watcher = window()->errorTraceWatcher();
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
        QVERIFY(m_fixture.backend().writer().writeTraces(trace(0xE1, false)).committed());
        QVERIFY(m_fixture.backend().writer().writeTraces(trace(0xE2, true)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(arrived.count(), 1, 5000);
        QCOMPARE(arrived.at(0).at(0).value<storage::TraceSummary>().traceId[0], 0xE2);
        QCOMPARE(window()->statusBar()->currentMessage(),
                 QString::fromUtf8("Error in checkout — POST /pay: 1 span in error"));
        // More spans of the same trace are not a new notification.
        storage::TraceBatch more = trace(0xE2, true);
        more.groups[0].spans[0].spanId[0] = 2;
        QVERIFY(m_fixture.backend().writer().writeTraces(std::move(more)).committed());
        watcher->refresh(); // a look after that commit, whatever the backend's signal does
        QTRY_VERIFY(!watcher->isReading());
        QCOMPARE(arrived.count(), 1);

        watcher->setEnabled(false);
        QVERIFY(m_fixture.backend().writer().writeTraces(trace(0xE3, true)).committed());
        watcher->refresh(); // disabled: nothing more is read
        QTRY_VERIFY(!watcher->isReading());
        QCOMPARE(arrived.count(), 1);
    }

    // File > Export writes a bundle of the open trace; a file dropped on the window is imported.
    void bundlesFromTheWindow()
    {
        openFromList(demo().failedTraceId);
        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("failed.spanscope"));
        QSignalSpy finished(window()->bundles(), &ui::BundleTransfer::finished);
        window()->bundles()->exportTraces({waterfall()->trace()->summary.traceId}, bundle, false);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QVERIFY(QFile::exists(bundle));
        QVERIFY(window()->statusBar()->currentMessage().contains(QStringLiteral("1 trace,")));

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
        QApplication::sendEvent(window(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(400, 400), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window(), &drop);
        // Counted, not waited for: the import may finish before a wait would start.
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 15000);
        QCOMPARE(finished.at(1).at(0).toBool(), true);
        QTRY_VERIFY_WITH_TIMEOUT(
            [this] {
                for (int row = 0; row < window()->traceList()->rowCount(); ++row) {
                    if (window()->traceList()->summary(row).rootService == "nightly")
                        return true;
                }
                return false;
            }(),
            5000);
        // The file is now a source to filter by: only its trace is listed.
        QComboBox *source = nullptr;
        for (auto *combo : window()->filterBar()->findChildren<QComboBox *>()) {
            if (combo->accessibleName() == QLatin1String("Source"))
                source = combo;
        }
        QTRY_VERIFY_WITH_TIMEOUT(source->findData(file.fileName()) > 0, 5000);
        source->setCurrentIndex(source->findData(file.fileName()));
        emit source->activated(source->currentIndex());
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), 1, 5000);
        QCOMPARE(window()->traceList()->summary(0).rootService, std::string("nightly"));
        window()->filterBar()->clear();
        QTRY_VERIFY_WITH_TIMEOUT(window()->traceList()->rowCount() > 1, 5000);
    }

    // Two traces selected in the list, File > Export Selected Traces: the save dialog, the
    // redaction preview, then one bundle holding both, with progress while it is written.
    void exportSelectedTracesThroughTheDialogs()
    {
        QTableView *table = window()->traceTable();
        table->clearSelection();
        table->selectionModel()->select(table->model()->index(0, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        table->selectionModel()->select(table->model()->index(1, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        const std::set<std::string> expected{
            storage::toHex(window()->traceList()->summary(0).traceId),
            storage::toHex(window()->traceList()->summary(1).traceId)};
        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("two.spanscope"));
        // The preview, then the save dialog (modal: answered from the event loop it runs).
        QStringList seen;
        QTimer answer;
        connect(&answer, &QTimer::timeout, this, [&] {
            QWidget *modal = QApplication::activeModalWidget();
            if (auto *files = qobject_cast<QFileDialog *>(modal)) {
                seen << QStringLiteral("save");
                files->selectFile(bundle);
                files->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"))->setText(bundle);
                QMetaObject::invokeMethod(files, &QDialog::accept);
            } else if (auto *preview = qobject_cast<ui::ExportPreviewDialog *>(modal);
                       preview && !preview->isBusy() && seen.isEmpty()) {
                seen << QStringLiteral("preview: ") + preview->findChild<QLabel *>()->text();
                // Queued: the save dialog it opens runs its own loop, which must not run
                // inside this timer's call.
                QMetaObject::invokeMethod(preview->exportButton(), &QPushButton::click,
                                          Qt::QueuedConnection);
            }
        });
        answer.start(50);
        QSignalSpy finished(window()->bundles(), &ui::BundleTransfer::finished);
        QAction *action = menuAction(*window(), QStringLiteral("Export Selected Traces…"));
        QVERIFY(action);
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
        action->trigger();
        QVERIFY(finished.wait(15000));
        answer.stop();
        QCOMPARE(finished.at(0).at(0).toBool(), true);
        QCOMPARE(seen.size(), 2);
        QVERIFY2(seen.at(0).startsWith(QLatin1String("preview: ")), qPrintable(seen.at(0)));
        QVERIFY2(seen.at(0).contains(QLatin1String("2 traces")), qPrintable(seen.at(0)));
        QCOMPARE(seen.at(1), QStringLiteral("save"));

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
        QTRY_VERIFY(!window()->findChild<QProgressDialog *>()); // gone once written

        // Cancelled half-way (what the progress dialog's Cancel does): no file, no leftovers.
        auto store
            = storage::TraceStore::open(m_fixture.backend().addresses().database.toStdString());
        QVERIFY(store);
        ingest::BundleOptions options;
        options.progress = [](std::size_t done, std::size_t total) {
            return done < total / 2;
        };
        std::vector<storage::TraceId> ids;
        for (int row = 0; row < 4; ++row)
            ids.push_back(window()->traceList()->summary(row).traceId);
        const QString cancelled = dir.filePath(QStringLiteral("cancelled.spanscope"));
        auto halfway = ingest::writeBundle(**store, ids, options, cancelled.toStdString());
        QVERIFY(!halfway);
        QVERIFY(QString::fromStdString(halfway.error()).contains(QLatin1String("cancelled")));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("two.spanscope")});
    }

    // A truncated bundle and an export to a folder that does not exist: each ends with its
    // message box on top (no progress dialog left over it), the status bar saying it failed,
    // and Enter closing the box.
    void failedTransfersLeaveNoDialogBehind()
    {
        QTemporaryDir dir;
        const QString good = dir.filePath(QStringLiteral("good.spanscope"));
        QSignalSpy finished(window()->bundles(), &ui::BundleTransfer::finished);
        window()->bundles()->exportTraces({window()->traceList()->summary(0).traceId}, good, false);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QFile whole(good);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        QFile truncated(dir.filePath(QStringLiteral("truncated.spanscope")));
        QVERIFY(truncated.open(QIODevice::WriteOnly));
        truncated.write(bytes.left(bytes.size() / 2));
        truncated.close();

        const auto failsCleanly = [&](const std::function<void()> &start) {
            finished.clear();
            start();
            // Counted, not waited for: a quick failure may be reported before a wait starts.
            QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
            QCOMPARE(finished.at(0).at(0).toBool(), false);
            QVERIFY(window()->findChildren<QProgressDialog *>().isEmpty());
            auto *box = window()->findChild<QMessageBox *>(QStringLiteral("transferProblem"));
            QVERIFY(box);
            QTRY_COMPARE(QApplication::activeModalWidget(), box);
            QVERIFY(window()->statusBar()->currentMessage().endsWith(QStringLiteral("failed.")));
            QTest::keyClick(box, Qt::Key_Return);
            QTRY_VERIFY(!window()->findChild<QMessageBox *>(QStringLiteral("transferProblem")));
        };
        failsCleanly([&] { window()->importFiles({truncated.fileName()}); });
        failsCleanly([&] {
            window()->bundles()->exportTraces(
                {window()->traceList()->summary(0).traceId},
                dir.filePath(QStringLiteral("no/such/dir/x.spanscope")), false);
        });
    }

    // The list says how much of the store it shows, and a filter that matches nothing says so
    // over the empty list, with a link that clears the filters.
    void countsAndTheEmptyState()
    {
        ui::TraceListPane *pane = window()->findChild<ui::TraceListPane *>();
        QVERIFY(pane);
        const QString all = QStringLiteral("%1 traces").arg(demo().traces);
        QTRY_COMPARE(pane->countLabel()->text(), all);
        window()->filterBar()->findChild<QCheckBox *>()->setChecked(true); // errors only
        QTRY_COMPARE_WITH_TIMEOUT(pane->countLabel()->text(), QStringLiteral("1 of %1").arg(all),
                                  5000);
        QVERIFY(!pane->emptyMessage()->isVisible());

        QLineEdit *traceId = nullptr;
        for (QLineEdit *field : window()->filterBar()->findChildren<QLineEdit *>()) {
            if (field->placeholderText() == QLatin1String("trace id"))
                traceId = field;
        }
        QVERIFY(traceId);
        QTest::keyClicks(traceId, QStringLiteral("0123456789abcdef0123456789abcdef"));
        QTRY_VERIFY_WITH_TIMEOUT(pane->emptyMessage()->isVisible(), 5000);
        QCOMPARE(pane->countLabel()->text(), QStringLiteral("0 of %1").arg(all));
        emit pane->emptyMessage()->linkActivated(QStringLiteral("clear"));
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), demo().traces, 5000);
        QVERIFY(!pane->emptyMessage()->isVisible());
        QCOMPARE(pane->countLabel()->text(), all);
    }

    // Attribute clauses narrow the list together; the field completes keys from the store, then
    // the values of the key typed, and marks a clause it cannot read.
    void attributeFiltersCompleteFromTheStore()
    {
        ui::AttributeFilterEdit *field = window()->filterBar()->attributeField();
        QApplication::setActiveWindow(window());
        field->setFocus();
        QTRY_VERIFY(field->hasFocus());
        QAbstractItemView *popup = field->completions()->popup();
        QTest::keyClicks(field, QStringLiteral("http.response"));
        QTRY_VERIFY_WITH_TIMEOUT(popup->isVisible(), 5000);
        QCOMPARE(field->completions()->currentCompletion(),
                 QStringLiteral("http.response.status_code"));
        QTest::keyClicks(field, QStringLiteral(".status_code>=500"));
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), 1, 5000);
        QCOMPARE(storage::toHex(window()->traceList()->summary(0).traceId), demo().failedTraceId);

        // The second clause's values come from the store, most frequent first.
        QTest::keyClicks(field, QStringLiteral(" AND http.route="));
        QTRY_VERIFY_WITH_TIMEOUT(popup->isVisible(), 5000);
        QStringList offered;
        for (int row = 0; row < popup->model()->rowCount(); ++row)
            offered << popup->model()->index(row, 0).data().toString();
        QVERIFY2(offered.contains(QStringLiteral("/checkout")),
                 qPrintable(offered.join(QLatin1Char('\n'))));
        // Choosing one completes the whole clause.
        const int checkout = int(offered.indexOf(QStringLiteral("/checkout")));
        popup->setCurrentIndex(popup->model()->index(checkout, 0));
        QTest::keyClick(popup, Qt::Key_Return);
        QCOMPARE(field->text(),
                 QStringLiteral("http.response.status_code>=500 AND http.route=/checkout"));
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), 1, 5000);
        QTest::keyClick(field, Qt::Key_Backspace); // "/checkou": no such route
        QTRY_VERIFY_WITH_TIMEOUT(
            window()->findChild<ui::TraceListPane *>()->emptyMessage()->isVisible(), 5000);

        // A clause it cannot read is marked and filters nothing.
        field->clear();
        QTest::keyClicks(field, QStringLiteral("http.response.status_code>=lots"));
        QVERIFY(field->property("invalid").toBool());
        QVERIFY(field->toolTip().contains(QStringLiteral("needs a number")));
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), demo().traces, 5000);
        field->clear();
        // Each clause may hold on a different span of the trace.
        QTest::keyClicks(field,
                         QStringLiteral("http.response.status_code!=200 AND "
                                        "http.response.status_code>201 AND "
                                        "db.system.name=postgresql"));
        QTRY_COMPARE_WITH_TIMEOUT(window()->traceList()->rowCount(), 1, 5000);
        window()->filterBar()->clear();
        QVERIFY(field->text().isEmpty());
    }

    // The preview lists each value it will mask; unticking one keeps that attribute, more keys
    // can be masked, and the note goes into the bundle with what was kept.
    void thePreviewListsWhatIsMaskedAndTheUserDecides()
    {
        storage::TraceBatch batch = oneSpanTrace(0xB7, "POST /login");
        batch.groups[0].resource.attributes = {{"service.name", {std::string("auth")}}};
        batch.groups[0].spans[0].attributes
            = {{"http.request.header.authorization", {std::string("Bearer s3cr3t-token")}},
               {"user.email", {std::string("ann@example.com")}},
               {"order.id", {std::string("ORD-1041")}}};
        QVERIFY(m_fixture.backend().writer().writeTraces(batch).committed());
        const storage::TraceId id = batch.groups[0].spans[0].traceId;

        window()->bundles()->exportTraces({id});
        ui::ExportPreviewDialog *preview = window()->findChild<ui::ExportPreviewDialog *>();
        QVERIFY(preview && preview->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy(), 5000);
        QTableWidget *rows = preview->findingsTable();
        QCOMPARE(rows->rowCount(), 2);
        const auto rowOf = [rows](const QString &key) {
            for (int row = 0; row < rows->rowCount(); ++row) {
                if (rows->item(row, ui::ExportPreviewDialog::KeyColumn)->text() == key)
                    return row;
            }
            return -1;
        };
        const int email = rowOf(QStringLiteral("user.email"));
        QVERIFY(email >= 0 && rowOf(QStringLiteral("http.request.header.authorization")) >= 0);
        QCOMPARE(rows->item(email, ui::ExportPreviewDialog::PlaceColumn)->text(),
                 QStringLiteral("POST /login"));
        QVERIFY(!rows->item(email, ui::ExportPreviewDialog::ValueColumn)
                     ->text()
                     .contains(QStringLiteral("example.com")));

        rows->item(email, ui::ExportPreviewDialog::MaskColumn)->setCheckState(Qt::Unchecked);
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy(), 5000);
        QVERIFY(preview->findChild<QLabel *>()->text().startsWith(QStringLiteral("1 value")));
        preview->moreKeys()->setText(QStringLiteral("order.id"));
        emit preview->moreKeys()->editingFinished();
        QTRY_VERIFY_WITH_TIMEOUT(!preview->isBusy(), 5000);
        QVERIFY2(preview->findChild<QLabel *>()->text().startsWith(QStringLiteral("2 values")),
                 qPrintable(preview->findChild<QLabel *>()->text()));
        preview->noteField()->setPlainText(QStringLiteral("Login fails after the token refresh."));

        QTemporaryDir dir;
        const QString bundle = dir.filePath(QStringLiteral("login.spanscope"));
        QTimer answer;
        connect(&answer, &QTimer::timeout, this, [&] {
            if (auto *files = qobject_cast<QFileDialog *>(QApplication::activeModalWidget())) {
                files->findChild<QLineEdit *>(QStringLiteral("fileNameEdit"))->setText(bundle);
                QMetaObject::invokeMethod(files, &QDialog::accept);
            }
        });
        answer.start(50);
        QSignalSpy finished(window()->bundles(), &ui::BundleTransfer::finished);
        preview->exportButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
        answer.stop();
        QCOMPARE(finished.at(0).at(0).toBool(), true);

        QFile written(bundle);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray zip = written.readAll();
        auto entries = ingest::ZipReader::read(std::string_view(zip.constData(), zip.size()));
        QVERIFY(entries);
        std::string traces, manifest;
        for (const auto &entry : *entries) {
            if (entry.name == "traces.json")
                traces = entry.data;
            if (entry.name == "manifest.json")
                manifest = entry.data;
        }
        QVERIFY(traces.find("ann@example.com") != std::string::npos); // kept
        QVERIFY(traces.find("s3cr3t") == std::string::npos);
        QVERIFY(traces.find("ORD-1041") == std::string::npos); // masked on request
        QVERIFY(manifest.find("Login fails after the token refresh.") != std::string::npos);
        QVERIFY(manifest.find("user.email") != std::string::npos);
    }
};

QTEST_MAIN(TestTraceListPage)
#include "tst_tracelist_page.moc"

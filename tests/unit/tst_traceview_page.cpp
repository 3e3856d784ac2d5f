// The trace view page over the demo data: opening a trace from the keyboard, collapse and
// expand, drag-to-zoom, search with next/previous, the exception and its editor links, span
// links across traces, the critical path, live updates of the open trace, and the trace's log
// records with their markers. Each function gets a fresh copy of the demo database.

#include "colourdistance.h"
#include "windowfixture.h"

#include <logdetailsview.h>
#include <logrowsmodel.h>
#include <servicecolour.h>
#include <spandetailsview.h>
#include <tracelogsview.h>
#include <waterfallminimap.h>

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QImage>
#include <QLineEdit>
#include <QMenu>
#include <QMouseEvent>
#include <QScopeGuard>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>
#include <QToolTip>
#include <QUrl>

using namespace spanscope;
using namespace spanscope::testing;

class TestTraceViewPage : public DemoWindowTest
{
    Q_OBJECT
private slots:

    // Enter opens a trace; Left/Right collapse and expand; the menu collapses and expands all.
    void openCollapseAndExpandFromTheKeyboard()
    {
        openFromList(demo().failedTraceId);
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
        menuAction(*window(), QStringLiteral("Collapse All"))->trigger();
        QCOMPARE(waterfall()->visibleRows().size(), size_t(1));
        menuAction(*window(), QStringLiteral("Expand All"))->trigger();
        QCOMPARE(waterfall()->visibleRows().size(), size_t(11));
        QVERIFY(window()->windowTitle().contains(QStringLiteral("POST /checkout")));
    }

    void dragOnTheBarsZoomsToThatRange()
    {
        openFromList(demo().failedTraceId);
        ui::WaterfallView *view = waterfall();
        const ui::TimeMapper before = view->timeMapper();
        const int from = waterfall()->labelWidth() + 100;
        const int to = waterfall()->labelWidth() + 300;
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
        openFromList(demo().failedTraceId);
        menuAction(*window(), QStringLiteral("Collapse All"))->trigger();
        QTest::keyClick(window(), Qt::Key_F, Qt::ControlModifier);
        QLineEdit *find = traceView()->findField();
        QTRY_VERIFY(find->hasFocus());
        QTest::keyClicks(find, QStringLiteral("postgres")); // an attribute value
        QTRY_COMPARE_WITH_TIMEOUT(waterfall()->matches().size(), size_t(1), 5000);
        QTest::keyClick(window(), Qt::Key_F3);
        const int stock = rowOfSpanNamed(*waterfall(), "SELECT stock");
        QCOMPARE(waterfall()->selectedRow(), stock);
        QVERIFY(
            std::find(waterfall()->visibleRows().begin(), waterfall()->visibleRows().end(), stock)
            != waterfall()->visibleRows().end());
        QVERIFY(traceView()->details()->toPlainText().contains(QStringLiteral("postgresql")));

        find->clear();
        QTest::keyClicks(find, QStringLiteral("checkout"));
        QTRY_VERIFY_WITH_TIMEOUT(waterfall()->matches().size() > 2, 5000);
        QTest::keyClick(window(), Qt::Key_F3);
        const auto &matches = waterfall()->matches();
        const auto first = std::find(matches.begin(), matches.end(), waterfall()->selectedRow());
        QVERIFY(first != matches.end());
        QTest::keyClick(window(), Qt::Key_F3); // the next match, wrapping at the end
        const auto second = first + 1 == matches.end() ? matches.begin() : first + 1;
        QCOMPARE(waterfall()->selectedRow(), *second);
        QTest::keyClick(window(), Qt::Key_F3, Qt::ShiftModifier);
        QCOMPARE(waterfall()->selectedRow(), *first);
        find->clear();
        QTRY_VERIFY_WITH_TIMEOUT(waterfall()->matches().empty(), 5000);
    }

    // The Python exception is shown first, and its frames open the configured editor.
    void exceptionFramesOpenTheEditor()
    {
        openFromList(demo().failedTraceId);
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
        QVERIFY(window()->statusBar()->currentMessage().contains(
            QStringLiteral("Opening /srv/checkout/app/orders.py:88")));
    }

    // The e-mail worker's span links to an order's confirmation: following it opens that trace
    // with the linked span selected.
    void followingASpanLinkOpensTheLinkedSpan()
    {
        std::string worker;
        for (int row = 0; row < window()->traceList()->rowCount(); ++row) {
            if (window()->traceList()->summary(row).rootService == "notifications")
                worker = storage::toHex(window()->traceList()->summary(row).traceId);
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
        openFromList(demo().failedTraceId);
        QTest::keyClick(window(), Qt::Key_K, Qt::ControlModifier);
        QVERIFY(waterfall()->showsCriticalPath());
        // The Redis call ran while the stock check did, which took longer: not on the path.
        const QRect bar = waterfall()->barRect(rowOfSpanNamed(*waterfall(), "HGETALL"));
        const QImage image = waterfall()->viewport()->grab().toImage();
        const QColor shown = image.pixelColor(bar.center());
        QTest::keyClick(window(), Qt::Key_K, Qt::ControlModifier);
        QVERIFY(!waterfall()->showsCriticalPath());
        const QColor normal = waterfall()->viewport()->grab().toImage().pixelColor(bar.center());
        QVERIFY2(shown.saturation() < normal.saturation(),
                 qPrintable(shown.name() + QLatin1String(" vs ") + normal.name()));
    }

    // Spans arriving for the open trace appear in place; the selection stays.
    void theOpenTraceUpdatesInPlace()
    {
        openFromList(demo().failedTraceId);
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
        QVERIFY(m_fixture.backend().writer().writeTraces(std::move(batch)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(waterfall()->trace()->spans.size(), size_t(12), 5000);
        QVERIFY(rowOfSpanNamed(*waterfall(), "fraud check (late)") >= 0);
        const int selected = waterfall()->layout()->span(waterfall()->selectedRow());
        QCOMPARE(waterfall()->trace()->spans[selected].span.name, selectedName);
    }

    // Under the waterfall: the trace's records, narrowed to the selected span on request, and a
    // marker per record on its span's row; a click on a marker picks the record and back.
    void traceLogsAndTheirMarkers()
    {
        openFromList(demo().failedTraceId);
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

    // A theme switch redraws the open span at once: links in the new palette's colour, the
    // exception block tinted over the new background, not the light theme's pink.
    void theDetailsFollowTheThemeLive()
    {
        openFromList(demo().failedTraceId);
        waterfall()->selectRow(rowOfSpanNamed(*waterfall(), "process_payment"));
        ui::SpanDetailsView *details = traceView()->details();
        const auto guard = qScopeGuard([this] { window()->setTheme(ui::Theme::System); });
        for (const ui::Theme theme : {ui::Theme::Dark, ui::Theme::Light}) {
            window()->setTheme(theme);
            const QPalette palette = QApplication::palette();
            // The widgets hear of the new palette from the event loop.
            QTRY_VERIFY(details->toHtml().contains(palette.color(QPalette::Link).name(),
                                                   Qt::CaseInsensitive));
            const QString html = details->toHtml();
            const int block = html.indexOf(QStringLiteral("background-color:"));
            QVERIFY(block > 0);
            const QColor background(html.mid(block + 17, 7));
            QVERIFY(background.isValid());
            // The block keeps to the page's lightness: dark on dark, light on light.
            QVERIFY2(std::abs(background.lightness() - palette.color(QPalette::Base).lightness())
                         < 40,
                     qPrintable(background.name()));
        }
    }

    // However a trace is opened (the list, a followed link, Back), the list highlights it; Back
    // and Forward (Alt+Left / Alt+Right, the mouse's side buttons) return to each trace with
    // the span that was selected.
    void theListFollowsTheOpenTraceAndBackReturns()
    {
        std::string worker;
        for (int row = 0; row < window()->traceList()->rowCount(); ++row) {
            if (window()->traceList()->summary(row).rootService == "notifications")
                worker = storage::toHex(window()->traceList()->summary(row).traceId);
        }
        openFromList(worker);
        const int consumer = rowOfSpanNamed(*waterfall(), "order-emails process");
        waterfall()->selectRow(consumer);
        const storage::SpanLink link
            = waterfall()->trace()->spans[waterfall()->layout()->span(consumer)].span.links.at(0);
        QSignalSpy opened(traceView(), &ui::TraceView::traceOpened);
        traceView()->openSpan(link.traceId, link.spanId);
        QVERIFY(opened.wait(10000));
        const auto listed = [this] {
            const QModelIndex current = window()->traceTable()->currentIndex();
            return current.isValid()
                ? storage::toHex(window()->traceList()->summary(current.row()).traceId)
                : std::string();
        };
        QCOMPARE(listed(), storage::toHex(link.traceId));
        QCOMPARE(window()->traceTable()->selectionModel()->selectedRows().size(), 1);

        window()->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window()));
        QTest::keyClick(window(), Qt::Key_Left, Qt::AltModifier);
        QVERIFY(opened.wait(10000));
        QCOMPARE(storage::toHex(*traceView()->traceId()), worker);
        QCOMPARE(waterfall()->selectedRow(), consumer);
        QCOMPARE(listed(), worker);

        QTest::keyClick(window(), Qt::Key_Right, Qt::AltModifier);
        QVERIFY(opened.wait(10000));
        QCOMPARE(*traceView()->traceId(), link.traceId);
        const int linked = waterfall()->layout()->span(waterfall()->selectedRow());
        QCOMPARE(waterfall()->trace()->spans[linked].span.spanId, link.spanId);

        // The mouse's back button, pressed over the waterfall.
        QTest::mouseClick(waterfall()->viewport(), Qt::BackButton, {}, QPoint(50, 50));
        QVERIFY(opened.wait(10000));
        QCOMPARE(storage::toHex(*traceView()->traceId()), worker);
        QVERIFY(!traceView()->history().canGoBack());
        QVERIFY(traceView()->history().canGoForward());
    }

    // + and - keep the selected span in sight; a span the zoom leaves outside the time range is
    // an arrow at that edge in its colour, not a sliver at the border; the minimap frames the
    // time in view over its whole height and moves time, not rows.
    void zoomKeepsTheSelectionAndMarksSpansOutOfView()
    {
        openFromList(demo().largeTraceId);
        ui::WaterfallView *view = waterfall();
        const int late = rowOfSpanNamed(*view, "index batch 80");
        const int early = rowOfSpanNamed(*view, "index batch 0");
        QVERIFY(late > 0 && early > 0);
        view->selectRow(late);
        view->setFocus();
        for (int i = 0; i < 6; ++i)
            QTest::keyClick(view, Qt::Key_Plus);
        QVERIFY(view->timeMapper().viewDuration() < view->layout()->durationNs() / 32);
        const QRect bar = view->barRect(late);
        QVERIFY2(!bar.isEmpty() && bar.left() >= waterfall()->labelWidth()
                     && bar.right() <= view->viewport()->width(),
                 "the selected span left the view");

        // The first batch ran long before: no bar, an arrow at the left edge.
        QVERIFY(view->barRect(early).isEmpty());
        view->scrollToPosition(0);
        const QRect arrow = view->edgeMarkerRect(early);
        QVERIFY(!arrow.isEmpty());
        QVERIFY(arrow.left() < waterfall()->labelWidth() + 10);
        const QImage image = view->viewport()->grab().toImage();
        const QPoint inside(arrow.right() - 1, arrow.center().y());
        QCOMPARE(image.pixelColor(inside).rgb(), ui::serviceColour("inventory").rgb());

        // A click on the minimap moves the time range there and leaves the rows alone.
        ui::WaterfallMinimap *minimap = traceView()->minimap();
        const QRect frame = minimap->windowRect();
        QCOMPARE(frame.height(), ui::WaterfallMinimap::StripHeight);
        QVERIFY(frame.width() >= ui::WaterfallMinimap::MinimumWindowWidth);
        const int scroll = view->verticalScrollBar()->value();
        const QPoint nearStart(frame.left() / 4, frame.center().y());
        QTest::mouseClick(minimap, Qt::LeftButton, {}, nearStart);
        QCOMPARE(view->verticalScrollBar()->value(), scroll);
        QVERIFY(minimap->windowRect().center().x() < frame.center().x());
        QVERIFY(!view->barRect(early).isEmpty() || !view->edgeMarkerRect(early).isEmpty());
    }

    // The failed order's four services, as painted in the light and the dark theme: each bar's
    // colour stands apart from the others and from the page behind it.
    void visibleServicesAreColouredApart()
    {
        openFromList(demo().failedTraceId);
        const auto guard = qScopeGuard([this] { window()->setTheme(ui::Theme::System); });
        for (const ui::Theme theme : {ui::Theme::Light, ui::Theme::Dark}) {
            window()->setTheme(theme);
            QTRY_COMPARE(waterfall()->palette().color(QPalette::Base),
                         QApplication::palette().color(QPalette::Base));
            const QImage image = waterfall()->viewport()->grab().toImage();
            std::map<std::string, QColor> painted;
            const auto &trace = waterfall()->trace();
            for (int i = 0; i < int(trace->spans.size()); ++i) {
                const auto &stored = trace->spans[i];
                // An error bar is framed in red; inside, it keeps its service's colour.
                const std::string service = trace->resources[stored.resource].serviceName();
                const QRect bar = waterfall()->barRect(waterfall()->layout()->rowOfSpan(i));
                if (!bar.isEmpty() && !painted.count(service))
                    painted[service] = image.pixelColor(bar.center());
            }
            QCOMPARE(painted.size(), std::size_t(4));
            const QColor base = QApplication::palette().color(QPalette::Base);
            for (auto a = painted.begin(); a != painted.end(); ++a) {
                QVERIFY2(deltaE(a->second, base) >= 15, a->first.c_str());
                for (auto b = std::next(a); b != painted.end(); ++b)
                    QVERIFY2(deltaE(a->second, b->second) >= 25,
                             qPrintable(QString::fromStdString(a->first + " " + b->first)));
            }
        }
    }

    // Nothing takes room it has no use for: no minimap before a trace is open, and a trace
    // without log records keeps only the logs' header line (the waterfall gets the rest).
    void emptyPanesGiveTheirRoomAway()
    {
        QVERIFY(!traceView()->minimap()->isVisible());
        openFromList(demo().largeTraceId); // the batch job writes no log records
        QVERIFY(traceView()->minimap()->isVisible());
        QVERIFY(traceView()->logs()->isCollapsed());
        QVERIFY(!traceView()->logDetails()->isVisible());
        QTRY_VERIFY(traceView()->logs()->height() < 40);
        openFromList(demo().failedTraceId);
        QVERIFY(!traceView()->logs()->isCollapsed());
        QVERIFY(traceView()->logDetails()->isVisible());
        QCOMPARE(traceView()->logs()->shownCount(), 3);
    }

    // Find reads status messages and exceptions too, opens collapsed parents of what it finds,
    // ends with Esc and stays with its trace; E and F8 walk the spans in error.
    void findAndErrorsFromTheKeyboard()
    {
        openFromList(demo().failedTraceId);
        menuAction(*window(), QStringLiteral("Collapse All"))->trigger();
        QCOMPARE(waterfall()->visibleRows().size(), std::size_t(1));
        QLineEdit *find = traceView()->findField();
        find->setFocus();
        // In the exception's stack trace only (an event attribute of the Charge span).
        QTest::keyClicks(find, QStringLiteral("PaymentGrpc$Handler"));
        QTRY_COMPARE_WITH_TIMEOUT(waterfall()->matches().size(), std::size_t(1), 5000);
        const int charge = rowOfSpanNamed(*waterfall(), "PaymentService/Charge");
        QCOMPARE(waterfall()->matches().front(), charge);
        // Found means shown: its collapsed ancestors opened without F3.
        QVERIFY(
            std::find(waterfall()->visibleRows().begin(), waterfall()->visibleRows().end(), charge)
            != waterfall()->visibleRows().end());
        // A status message.
        find->clear();
        QTest::keyClicks(find, QStringLiteral("502 Bad Gateway"));
        QTRY_VERIFY_WITH_TIMEOUT(waterfall()->matches().size() >= 3, 5000);
        // Esc clears and hands the keyboard back to the waterfall.
        QTest::keyClick(find, Qt::Key_Escape);
        QVERIFY(find->text().isEmpty());
        QVERIFY(waterfall()->hasFocus());
        QTRY_VERIFY_WITH_TIMEOUT(waterfall()->matches().empty(), 5000);

        // E walks forward through the spans in error and wraps; Shift+E walks back.
        std::vector<int> errors;
        for (int row = 0; row < waterfall()->layout()->rowCount(); ++row) {
            if (waterfall()->layout()->flags(row) & ui::WaterfallLayout::Error)
                errors.push_back(row);
        }
        QCOMPARE(errors.size(), std::size_t(6));
        waterfall()->selectRow(0);
        QTest::keyClick(waterfall(), Qt::Key_E);
        QCOMPARE(waterfall()->selectedRow(), errors[1]);
        QTest::keyClick(waterfall(), Qt::Key_E, Qt::ShiftModifier);
        QCOMPARE(waterfall()->selectedRow(), errors[0]);
        QTest::keyClick(waterfall(), Qt::Key_E, Qt::ShiftModifier);
        QCOMPARE(waterfall()->selectedRow(), errors.back());
        menuAction(*window(), QStringLiteral("Next Error"))->trigger();
        QCOMPARE(waterfall()->selectedRow(), errors[0]);

        // The text typed for one trace does not follow to the next.
        QTest::keyClicks(find, QStringLiteral("checkout"));
        openFromList(demo().largeTraceId);
        QVERIFY(find->text().isEmpty());
        QVERIFY(waterfall()->matches().empty());
    }

    // The span-name column's border drags to widen it (the bars follow), and every row's
    // tooltip gives the whole name with its duration, service and status.
    void theNameColumnResizesAndRowsExplainThemselves()
    {
        openFromList(demo().failedTraceId);
        ui::WaterfallView *view = waterfall();
        const int before = view->labelWidth();
        QSignalSpy changed(view, &ui::WaterfallView::labelWidthChanged);
        const int y = ui::WaterfallView::AxisHeight + 5;
        QTest::mousePress(view->viewport(), Qt::LeftButton, {}, QPoint(before + 1, y));
        QMouseEvent move(QEvent::MouseMove, QPointF(before + 150, y),
                         view->viewport()->mapToGlobal(QPointF(before + 150, y)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(view->viewport(), &move);
        QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, QPoint(before + 150, y));
        QCOMPARE(view->labelWidth(), before + 149);
        QCOMPARE(changed.count(), 1);
        QVERIFY(std::abs(view->barRect(0).left() - view->labelWidth()) <= 1);

        const int charge = rowOfSpanNamed(*view, "PaymentService/Charge");
        const QRect bar = view->barRect(charge);
        QHelpEvent help(QEvent::ToolTip, QPoint(20, bar.center().y()),
                        view->viewport()->mapToGlobal(QPoint(20, bar.center().y())));
        QApplication::sendEvent(view->viewport(), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(QStringLiteral("PaymentService/Charge"))
                     && QToolTip::text().contains(QStringLiteral("90 ms · payments · error")),
                 qPrintable(QToolTip::text()));
        QToolTip::hideText();
    }

    // A right-click on a row selects it and offers what is done with one span.
    void aRowsMenuActsOnItsSpan()
    {
        openFromList(demo().failedTraceId);
        ui::WaterfallView *view = waterfall();
        const int get = rowOfSpanNamed(*view, "GET");
        QSignalSpy asked(view, &ui::WaterfallView::rowMenuRequested);
        const QPoint at(40, view->barRect(get).center().y());
        QContextMenuEvent click(QContextMenuEvent::Mouse, at, view->viewport()->mapToGlobal(at));
        QApplication::sendEvent(view->viewport(), &click);
        QCOMPARE(asked.count(), 1);
        QCOMPARE(asked.at(0).at(0).toInt(), get);
        QCOMPARE(view->selectedRow(), get);
        QTRY_VERIFY(QApplication::activePopupWidget()); // the menu it opened
        QApplication::activePopupWidget()->close();

        std::unique_ptr<QMenu> menu(traceView()->rowMenu(get));
        const auto action = [&menu](const QString &text) -> QAction * {
            for (QAction *item : menu->actions()) {
                if (item->text().remove(QLatin1Char('&')) == text)
                    return item;
            }
            return nullptr;
        };
        action(QStringLiteral("Copy Span Name"))->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("GET"));
        const std::size_t shown = view->visibleRows().size();
        action(QStringLiteral("Collapse Subtree"))->trigger();
        QCOMPARE(view->visibleRows().size(), shown - 2); // GET /stock and SELECT stock
        action(QStringLiteral("Find Spans Named Like This"))->trigger();
        QCOMPARE(traceView()->findField()->text(), QStringLiteral("GET"));
        QTRY_VERIFY_WITH_TIMEOUT(!view->matches().empty(), 5000);
        QVERIFY(std::find(view->matches().begin(), view->matches().end(), get)
                != view->matches().end());
        action(QStringLiteral("Show Critical Path"))->trigger();
        QVERIFY(view->showsCriticalPath());
    }
};

QTEST_MAIN(TestTraceViewPage)
#include "tst_traceview_page.moc"

// The trace's Statistics, Insights and Spans tabs beside the waterfall, over the demo data: the
// order history's N+1 and sequential calls are listed, a finding shows its spans in the waterfall,
// and the statistics group, sort and lead back to the spans too.

#include "windowfixture.h"

#include <flamegraphview.h>
#include <insightgroups.h>
#include <insightpreferences.h>
#include <insightsettingsdialog.h>
#include <insightspane.h>
#include <sortkeyitem.h>
#include <spantablemodel.h>
#include <traceinsightsview.h>
#include <traceopener.h>
#include <tracespantable.h>
#include <tracestatisticsview.h>
#include <tracestore.h>
#include <traceview.h>
#include <waterfallview.h>

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace spanscope;
using namespace spanscope::testing;

class TestTraceAnalysisPage : public DemoWindowTest
{
    Q_OBJECT
private slots:
    void insightsShowTheirSpans()
    {
        openFromList(demo().historyTraceId);
        QTabWidget *views = traceView()->views();
        // The analysis follows the waterfall.
        QTRY_COMPARE(views->tabText(2).remove(QLatin1Char('&')), QStringLiteral("Insights (2)"));
        views->setCurrentWidget(traceView()->insights());
        QTableWidget *table = traceView()->insights()->table();
        QCOMPARE(table->rowCount(), 2);
        int nPlusOne = -1;
        for (int row = 0; row < table->rowCount(); ++row) {
            if (table->item(row, ui::TraceInsightsView::KindColumn)->text()
                == QLatin1String("N+1 queries"))
                nPlusOne = row;
        }
        QVERIFY(nPlusOne >= 0);
        QCOMPARE(table->item(nPlusOne, ui::TraceInsightsView::CountColumn)->text(),
                 QStringLiteral("12"));
        QCOMPARE(table->item(nPlusOne, ui::TraceInsightsView::TimeColumn)->text(),
                 QStringLiteral("36 ms"));
        QVERIFY(table->item(nPlusOne, ui::TraceInsightsView::PatternColumn)
                    ->text()
                    .startsWith(QStringLiteral("SELECT order_lines.sku")));
        QVERIFY(table->item(nPlusOne, ui::TraceInsightsView::KindColumn)
                    ->toolTip()
                    .contains(QStringLiteral("one query")));

        // Enter on the finding shows its twelve spans in the waterfall, the first selected.
        table->setFocus();
        table->setCurrentCell(nPlusOne, ui::TraceInsightsView::PatternColumn);
        QTest::keyClick(table->viewport(), Qt::Key_Return);
        QCOMPARE(views->currentWidget(), waterfall());
        QCOMPARE(waterfall()->matches().size(), std::size_t(12));
        QCOMPARE(waterfall()->selectedRow(), waterfall()->matches().front());
        const int span = waterfall()->layout()->span(waterfall()->selectedRow());
        QVERIFY(waterfall()->trace()->spans[span].span.attributes.size() >= 3);
    }

    // The twelve lazy loads fold into one row flagged N+1; the calls one after another are
    // each marked; View > Fold Repeated Spans unfolds and folds them all.
    void theNPlusOneIsFoldedAndFlagged()
    {
        openFromList(demo().historyTraceId);
        QTRY_COMPARE(traceView()->views()->tabText(2).remove(QLatin1Char('&')),
                     QStringLiteral("Insights (2)"));
        ui::WaterfallView *view = waterfall();
        // The root, the orders query, the folded lazy loads and the three calls.
        QCOMPARE(view->visibleRows().size(), std::size_t(6));
        const int folded = view->visibleRows()[2];
        const int run = view->foldedRunAt(folded);
        QVERIFY(run >= 0);
        QCOMPARE(view->layout()->runs()[run].count, 12);
        QVERIFY(view->layout()->runs()[run].pattern.starts_with("SELECT order_lines.sku"));
        QCOMPARE(view->layout()->runs()[run].totalNs, 36'000'000);
        // What the view was given, found again here.
        const auto insights
            = analysis::findInsights(*view->trace(), analysis::SpanTree(*view->trace()));
        QVERIFY(view->insightAt(folded) >= 0);
        QCOMPARE(insights[view->insightAt(folded)].kind, analysis::InsightKind::NPlusOneDb);
        // The orders query and the three calls, one after another.
        for (const int position : {1, 3, 4, 5}) {
            const int call = view->insightAt(view->visibleRows()[position]);
            QVERIFY(call >= 0);
            QCOMPARE(insights[call].kind, analysis::InsightKind::SequentialCalls);
        }
        QCOMPARE(view->insightAt(view->visibleRows()[0]), -1);

        QAction *fold = testing::menuAction(*window(), QStringLiteral("Fold Repeated Spans"));
        QVERIFY(fold && fold->isChecked());
        fold->trigger();
        QCOMPARE(view->visibleRows().size(), std::size_t(17));
        fold->trigger();
        QCOMPARE(view->visibleRows().size(), std::size_t(6));
    }

    // The flame graph merges the thirteen queries of the same path into one frame; a click
    // zooms to it, Escape zooms out, Enter shows its spans in the waterfall.
    void flameGraphZoomsAndLeadsToSpans()
    {
        openFromList(demo().historyTraceId);
        ui::FlameGraphView *flame = traceView()->flameGraph();
        QTRY_VERIFY(flame->graph() != nullptr);
        traceView()->views()->setCurrentWidget(flame);
        const analysis::FlameGraph &graph = *flame->graph();
        int queries = -1;
        for (int frame = 1; frame < graph.size(); ++frame) {
            if (graph.names()[graph.frame(frame).name] == "SELECT shop")
                queries = frame;
        }
        QVERIFY(queries > 0);
        QCOMPARE(graph.frame(queries).count, 13);
        QCOMPARE(graph.frame(queries).depth, 2);
        const QRectF root = flame->frameRect(graph.frame(queries).parent);
        const QRectF shown = flame->frameRect(queries);
        QVERIFY(root.width() >= flame->viewport()->width() - 1);
        QVERIFY(shown.width() > 0 && shown.width() < root.width());
        // As wide as its share of the root's self time and below.
        const double share = double(graph.frame(queries).totalNs)
            / double(graph.frame(graph.frame(queries).parent).totalNs);
        QVERIFY(std::abs(shown.width() - share * root.width()) < 1.0);

        QTest::mouseClick(flame->viewport(), Qt::LeftButton, {}, shown.center().toPoint());
        QCOMPARE(flame->zoomed(), queries);
        QVERIFY(flame->frameRect(queries).width() >= flame->viewport()->width() - 1);
        // The same trace analysed again (as when more of it arrives) keeps the zoom.
        flame->setAnalysis(
            std::make_shared<const ui::TraceAnalysis>(ui::TraceAnalysis::of(waterfall()->trace())));
        QCOMPARE(flame->graph()->names()[flame->graph()->frame(flame->zoomed()).name],
                 std::string("SELECT shop"));
        QTest::keyClick(flame, Qt::Key_Escape);
        QCOMPARE(flame->zoomed(), flame->graph()->frame(queries).parent);
        QTest::keyClick(flame, Qt::Key_Home);
        QCOMPARE(flame->zoomed(), 0);

        // The waterfall's selection is the flame graph's current frame, and Enter shows its
        // spans there.
        waterfall()->selectRow(waterfall()->layout()->rowOfSpan(graph.frame(queries).spans[3]));
        QCOMPARE(flame->current(), queries);
        flame->setFocus();
        QTest::keyClick(flame, Qt::Key_Return);
        QCOMPARE(traceView()->views()->currentWidget(), waterfall());
        QCOMPARE(waterfall()->matches().size(), std::size_t(13));
    }

    // A trace with thousands of findings fills only the first MaxAnalysisRows rows on the GUI
    // thread, and says so.
    void aHugeListIsCut()
    {
        auto analysis = std::make_shared<ui::TraceAnalysis>();
        analysis->trace = std::make_shared<storage::TraceData>();
        for (int i = 0; i < ui::MaxAnalysisRows + 500; ++i) {
            analysis::Insight insight;
            insight.pattern = "SELECT " + std::to_string(i);
            insight.spans = {0};
            analysis->insights.push_back(insight);
        }
        ui::TraceInsightsView view;
        view.show();
        view.setAnalysis(analysis);
        QCOMPARE(view.table()->rowCount(), ui::MaxAnalysisRows);
        QLabel *more = nullptr;
        for (QLabel *label : view.findChildren<QLabel *>()) {
            if (label->isVisible() && label->text().contains(QStringLiteral("2,500")))
                more = label;
        }
        QVERIFY(more);
    }

    void aCleanTraceSaysSo()
    {
        openFromList(demo().historyTraceId);
        QTRY_COMPARE(traceView()->insights()->table()->rowCount(), 2);
        // Another trace: the last one's findings leave at once, and a clean trace says so.
        openFromList(demo().failedTraceId);
        QCOMPARE(traceView()->insights()->table()->rowCount(), 0);
        traceView()->views()->setCurrentWidget(traceView()->insights());
        QTRY_VERIFY(!traceView()->insights()->table()->isVisible());
        QCOMPARE(traceView()->views()->tabText(2).remove(QLatin1Char('&')),
                 QStringLiteral("Insights"));
        traceView()->views()->setCurrentWidget(waterfall());
    }

    void statisticsGroupSortAndLeadToSpans()
    {
        openFromList(demo().historyTraceId);
        ui::TraceStatisticsView *statistics = traceView()->statistics();
        traceView()->views()->setCurrentWidget(statistics);
        QTableWidget *table = statistics->table();
        QTRY_COMPARE(table->rowCount(), 3);
        // Biggest self time first: the three sequential GETs (195 ms of 260).
        QCOMPARE(table->item(0, ui::TraceStatisticsView::OperationColumn)->text(),
                 QStringLiteral("GET"));
        QCOMPARE(table->item(0, ui::TraceStatisticsView::CountColumn)->text(), QStringLiteral("3"));
        QCOMPARE(table->item(0, ui::TraceStatisticsView::SelfColumn)->text(),
                 QStringLiteral("195 ms"));
        // Sorting by count puts the thirteen queries first, numerically.
        table->sortItems(ui::TraceStatisticsView::CountColumn, Qt::DescendingOrder);
        QCOMPARE(table->item(0, ui::TraceStatisticsView::OperationColumn)->text(),
                 QStringLiteral("SELECT shop"));
        QCOMPARE(table->item(0, ui::TraceStatisticsView::CountColumn)->text(),
                 QStringLiteral("13"));
        // By service: one row, the operation column hidden.
        statistics->grouping()->setCurrentIndex(2);
        QCOMPARE(table->rowCount(), 1);
        QVERIFY(table->isColumnHidden(ui::TraceStatisticsView::OperationColumn));
        QCOMPARE(table->item(0, ui::TraceStatisticsView::CountColumn)->text(),
                 QStringLiteral("17"));
        statistics->grouping()->setCurrentIndex(0);
        table->setFocus();
        table->setCurrentCell(0, ui::TraceStatisticsView::OperationColumn);
        QTest::keyClick(table->viewport(), Qt::Key_Return);
        QCOMPARE(traceView()->views()->currentWidget(), waterfall());
        QCOMPARE(waterfall()->matches().size(), std::size_t(3));
    }

    // Every span flat: the first click on Duration sorts longest first, the filter narrows by
    // name, and Enter shows the span in the waterfall.
    void spanTableSortsFiltersAndOpens()
    {
        openFromList(demo().historyTraceId);
        ui::TraceSpanTable *spans = traceView()->spanTable();
        traceView()->views()->setCurrentWidget(spans);
        QTableView *table = spans->table();
        QTRY_COMPARE(table->model()->rowCount(), 17);
        QCOMPARE(table->model()->index(0, ui::SpanTableModel::NameColumn).data().toString(),
                 QStringLiteral("GET /orders/history")); // in start order
        QHeaderView *header = table->horizontalHeader();
        const int x = header->sectionViewportPosition(ui::SpanTableModel::DurationColumn) + 5;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, 5));
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(table->model()->index(1, ui::SpanTableModel::DurationColumn).data().toString(),
                 QStringLiteral("65 ms")); // after the 260 ms root
        QTest::keyClicks(spans->filter(), QStringLiteral("select"));
        QCOMPARE(table->model()->rowCount(), 13);
        table->setFocus();
        table->setCurrentIndex(table->model()->index(0, ui::SpanTableModel::NameColumn));
        const int span = table->currentIndex().data(ui::SpanTableModel::SpanRole).toInt();
        QTest::keyClick(table->viewport(), Qt::Key_Return);
        QCOMPARE(traceView()->views()->currentWidget(), waterfall());
        QCOMPARE(waterfall()->layout()->span(waterfall()->selectedRow()), span);
        spans->filter()->clear();
    }

    // The Insights tab across traces: the demo's two problems, new at the first look and not
    // at the next; Enter opens the trace at the span involved.
    void insightsAcrossTraces()
    {
        ui::InsightsPane *pane = window()->insightsPane();
        window()->tabs()->setCurrentWidget(pane);
        QTableWidget *table = pane->table();
        QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 2, 5000);
        QTRY_VERIFY(pane->summary()->text().startsWith(
            QStringLiteral("2 problems in the newest 12 traces")));
        int nPlusOne = -1;
        for (int row = 0; row < table->rowCount(); ++row) {
            if (table->item(row, ui::InsightsPane::KindColumn)
                    ->text()
                    .startsWith(QStringLiteral("N+1")))
                nPlusOne = row;
        }
        QVERIFY(nPlusOne >= 0);
        QCOMPARE(table->item(nPlusOne, ui::InsightsPane::TracesColumn)->text(),
                 QStringLiteral("1"));
        QCOMPARE(table->item(nPlusOne, ui::InsightsPane::WhereColumn)->text(),
                 QStringLiteral("checkout: GET /orders/history"));
        table->setFocus();
        table->setCurrentCell(nPlusOne, ui::InsightsPane::PatternColumn);
        QTest::keyClick(table->viewport(), Qt::Key_Return);
        QTRY_VERIFY(waterfall()->trace()
                    && storage::toHex(waterfall()->trace()->summary.traceId)
                        == demo().historyTraceId);
        QTRY_VERIFY(waterfall()->selectedRow() >= 0);
        const int span = waterfall()->layout()->span(waterfall()->selectedRow());
        QCOMPARE(waterfall()->trace()->spans[span].span.name, std::string("SELECT shop"));

        // Seen once, no longer new.
        window()->tabs()->setCurrentIndex(0);
        window()->tabs()->setCurrentWidget(pane);
        QTRY_VERIFY(pane->summary()->text().contains(QStringLiteral(", 0 new since")));
        QVERIFY(
            !table->item(0, ui::InsightsPane::KindColumn)->text().contains(QStringLiteral("new")));
        window()->tabs()->setCurrentIndex(0);
    }

    // The findings across traces are kept per trace: a second read runs no detector, new
    // thresholds run them all again, and ignored fingerprints are left out and counted.
    void insightsAcrossAreCached()
    {
        auto store
            = storage::TraceStore::open(m_fixture.backend().addresses().database.toStdString());
        QVERIFY(store);
        analysis::InsightCache cache;
        analysis::InsightReading reading;
        reading.cache = &cache;
        storage::TraceFilter newest;
        newest.limit = 200;
        const auto first = analysis::insightsAcross(**store, newest, reading);
        QVERIFY(first);
        QCOMPARE(first->traces, demo().traces);
        QCOMPARE(cache.hits(), 0);
        QCOMPARE(first->groups.size(), std::size_t(2));
        const auto again = analysis::insightsAcross(**store, newest, reading);
        QCOMPARE(cache.hits(), demo().traces);
        QCOMPARE(again->groups.size(), std::size_t(2));

        reading.ignored.insert(first->groups.front().example.fingerprint);
        const auto ignoring = analysis::insightsAcross(**store, newest, reading);
        QCOMPARE(cache.hits(), demo().traces);
        QCOMPARE(ignoring->groups.size(), std::size_t(1));
        QCOMPARE(ignoring->ignored, 1);

        reading.thresholds.sequentialSavingNs = 10'000'000'000; // nothing saves ten seconds
        reading.ignored.clear();
        const auto stricter = analysis::insightsAcross(**store, newest, reading);
        QCOMPARE(cache.hits(), 0);
        QCOMPARE(stricter->groups.size(), std::size_t(1));
        QCOMPARE(stricter->groups.front().example.kind, analysis::InsightKind::NPlusOneDb);
    }

    // Ignoring the N+1 (a finding's row menu) leaves it out of the trace's Insights, the
    // waterfall's marks and the Insights tab, and is kept in the settings; stopping brings it
    // back. Runs last: it changes what the window finds.
    void ignoringAProblemHidesItEverywhere()
    {
        openFromList(demo().historyTraceId);
        QTabWidget *views = traceView()->views();
        QTRY_COMPARE(views->tabText(2).remove(QLatin1Char('&')), QStringLiteral("Insights (2)"));
        const auto &found = traceView()->insights()->analysis()->insights;
        const auto nPlusOne = std::find_if(found.begin(), found.end(), [](const auto &insight) {
            return insight.kind == analysis::InsightKind::NPlusOneDb;
        });
        QVERIFY(nPlusOne != found.end());
        const analysis::Insight ignored = *nPlusOne;
        window()->ignoreInsight(ignored);
        QTRY_COMPARE(views->tabText(2).remove(QLatin1Char('&')), QStringLiteral("Insights (1)"));
        QCOMPARE(traceView()->insights()->table()->rowCount(), 1);
        QCOMPARE(
            traceView()->insights()->table()->item(0, ui::TraceInsightsView::KindColumn)->text(),
            QStringLiteral("Sequential calls"));
        for (const int row : waterfall()->visibleRows()) {
            const int insight = waterfall()->insightAt(row);
            QVERIFY(insight < 0
                    || traceView()->insights()->analysis()->insights[insight].kind
                        != analysis::InsightKind::NPlusOneDb);
        }
        const ui::InsightPreferences stored = ui::InsightPreferences::load(QSettings());
        QCOMPARE(stored.ignored.size(), std::size_t(1));
        QVERIFY(stored.ignored.contains(ignored.fingerprint));
        QVERIFY(stored.ignored.at(ignored.fingerprint)
                    .startsWith(QStringLiteral("N+1 queries: SELECT")));

        ui::InsightsPane *pane = window()->insightsPane();
        window()->tabs()->setCurrentWidget(pane);
        QTRY_COMPARE(pane->table()->rowCount(), 1);
        QTRY_VERIFY(pane->summary()->text().contains(QStringLiteral("1 finding ignored")));

        // Edit > Insight Settings: Stop Ignoring, OK.
        ui::InsightSettingsDialog *dialog = window()->showInsightSettings();
        QCOMPARE(dialog->ignoredList()->count(), 1);
        dialog->ignoredList()->item(0)->setSelected(true);
        QTest::mouseClick(dialog->findChild<QPushButton *>(), Qt::LeftButton); // Stop Ignoring
        QCOMPARE(dialog->ignoredList()->count(), 0);
        dialog->accept();
        QTRY_COMPARE(pane->table()->rowCount(), 2);
        QVERIFY(ui::InsightPreferences::load(QSettings()).ignored.empty());
        window()->tabs()->setCurrentIndex(0);
        QTRY_COMPARE(views->tabText(2).remove(QLatin1Char('&')), QStringLiteral("Insights (2)"));
    }
};

QTEST_MAIN(TestTraceAnalysisPage)
#include "tst_traceanalysis_page.moc"

// The Compare window over the demo data: opened from a two-row selection in the trace list
// (Ctrl+D), the earlier trace as A; one time axis for both waterfalls that zooms as one; a node
// of the merged tree highlights its spans in both; one selected trace is compared with the one
// before it of its root operation.

#include "windowfixture.h"

#include <comparewindow.h>
#include <runcomparewindow.h>
#include <waterfallview.h>

#include <QDateTime>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace spanscope;
using namespace spanscope::testing;
using analysis::TraceComparison;

class TestComparePage : public DemoWindowTest
{
    Q_OBJECT
private:
    // Selects these list rows (by trace id) as a user would with Ctrl+click.
    void selectTraces(const std::vector<std::string> &hexes)
    {
        QTableView *table = window()->traceTable();
        table->clearSelection();
        for (int row = 0; row < window()->traceList()->rowCount(); ++row) {
            const std::string hex = storage::toHex(window()->traceList()->summary(row).traceId);
            if (std::find(hexes.begin(), hexes.end(), hex) != hexes.end())
                table->selectionModel()->select(table->model()->index(row, 0),
                                                QItemSelectionModel::Select
                                                    | QItemSelectionModel::Rows);
        }
    }

private slots:
    void twoSelectedTracesOnOneAxis()
    {
        // Two checkouts that went well, the later one first in the list.
        std::vector<std::string> checkouts;
        for (int row = 0; row < window()->traceList()->rowCount(); ++row) {
            const auto &summary = window()->traceList()->summary(row);
            if (summary.rootName == "POST /checkout" && summary.errorCount == 0)
                checkouts.push_back(storage::toHex(summary.traceId));
        }
        QVERIFY(checkouts.size() >= 2);
        selectTraces({checkouts[0], checkouts[1]});
        window()->traceTable()->setFocus();
        QTest::keyClick(window()->traceTable(), Qt::Key_D, Qt::ControlModifier);
        auto *compare = window()->findChild<ui::CompareWindow *>();
        QVERIFY(compare);
        QTRY_VERIFY(compare->comparison() != nullptr);
        QVERIFY(compare->isVisible());
        // The earlier is A: the list shows the newest first.
        QCOMPARE(storage::toHex(compare->waterfall(0)->trace()->summary.traceId), checkouts[1]);
        QCOMPARE(storage::toHex(compare->waterfall(1)->trace()->summary.traceId), checkouts[0]);
        QVERIFY(compare->summary()->text().contains(QStringLiteral("the same")));
        QTreeWidget *tree = compare->tree();
        QCOMPARE(tree->topLevelItemCount(), 1);
        QCOMPARE(tree->topLevelItem(0)->text(ui::CompareWindow::SpanColumn),
                 QStringLiteral("web-frontend: POST /checkout"));
        QCOMPARE(tree->topLevelItem(0)->text(ui::CompareWindow::CountColumn),
                 QStringLiteral("1 → 1"));

        // One axis: zooming one waterfall zooms the other to the same window.
        ui::WaterfallView *a = compare->waterfall(0);
        ui::WaterfallView *b = compare->waterfall(1);
        QCOMPARE(a->timeMapper().viewDuration(), b->timeMapper().viewDuration());
        a->showRange(20'000'000, 60'000'000);
        QCOMPARE(b->timeMapper().viewStart(), std::int64_t(20'000'000));
        QCOMPARE(b->timeMapper().viewEnd(), std::int64_t(60'000'000));
        b->showRange(0, 10'000'000);
        QCOMPARE(a->timeMapper().viewEnd(), std::int64_t(10'000'000));
        compare->close();
    }

    // The failed checkout alone: compared with the checkout before it; the confirmation it never
    // sent is a removed node whose span shows in A only, the charge's error is told.
    void oneTraceAgainstTheOneBefore()
    {
        selectTraces({demo().failedTraceId});
        ui::CompareWindow *compare = window()->compareSelectedTraces();
        QVERIFY(compare);
        QTRY_VERIFY(compare->comparison() != nullptr);
        QCOMPARE(storage::toHex(compare->waterfall(1)->trace()->summary.traceId),
                 demo().failedTraceId);
        QCOMPARE(compare->waterfall(0)->trace()->summary.rootName, std::string("POST /checkout"));
        QTreeWidget *tree = compare->tree();
        const auto found = tree->findItems(QStringLiteral("checkout: send_confirmation"),
                                           Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found[0]->text(ui::CompareWindow::ChangeColumn), QStringLiteral("removed"));
        tree->setCurrentItem(found[0]);
        QCOMPARE(compare->waterfall(0)->matches().size(), std::size_t(1));
        QVERIFY(compare->waterfall(1)->matches().empty());
        QVERIFY(compare->differences()->toPlainText().contains(QStringLiteral("Only in A")));
        const int node = compare->nodeOf(found[0]);
        QCOMPARE(compare->comparison()->node(node).change, TraceComparison::Change::Removed);
        const auto charge = tree->findItems(QStringLiteral("payments: PaymentService/Charge"),
                                            Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(charge.size(), 1);
        QVERIFY(charge[0]
                    ->text(ui::CompareWindow::ChangeColumn)
                    .contains(QStringLiteral("errors 0 → 1")));
        // The charge's status and exception differ.
        tree->setCurrentItem(charge[0]);
        const QString differences = compare->differences()->toPlainText();
        QVERIFY2(differences.contains(QStringLiteral("status")), qPrintable(differences));
        QVERIFY(differences.contains(QStringLiteral("card declined")));
        QVERIFY(differences.contains(QStringLiteral("exception")));
        compare->close();
    }

    // View > Compare Runs over the demo split in two at the median start: the checkout is in
    // both runs, and Enter on it opens its typical pair with the baseline's trace as A.
    void runsCompareByEndpointAndOpenTheirTypicalPair()
    {
        std::vector<std::int64_t> starts;
        for (int row = 0; row < window()->traceList()->rowCount(); ++row)
            starts.push_back(window()->traceList()->summary(row).startNs);
        std::sort(starts.begin(), starts.end());
        const std::int64_t middle = starts[starts.size() / 2];
        const QString at = QDateTime::fromMSecsSinceEpoch(middle / 1'000'000, Qt::UTC)
                               .toString(Qt::ISODateWithMs);
        ui::RunCompareWindow *runs = window()->showRunComparison();
        QSignalSpy compared(runs, &ui::RunCompareWindow::compared);
        runs->baseline()->setText(QStringLiteral("until=") + at);
        runs->candidate()->setText(QStringLiteral("since=") + at);
        QTest::keyClick(runs->candidate(), Qt::Key_Return);
        QVERIFY(compared.wait(10000));
        QTableWidget *table = runs->table();
        QVERIFY(table->rowCount() >= 2);
        int checkout = -1;
        for (int row = 0; row < table->rowCount(); ++row) {
            if (table->item(row, ui::RunCompareWindow::EndpointColumn)->text()
                == QLatin1String("web-frontend: POST /checkout"))
                checkout = row;
        }
        QVERIFY(checkout >= 0);
        const QStringList counts = table->item(checkout, ui::RunCompareWindow::TracesColumn)
                                       ->text()
                                       .split(QStringLiteral(" → "));
        QCOMPARE(counts.size(), 2);
        QVERIFY(counts[0].toInt() > 0 && counts[1].toInt() > 0);

        QSignalSpy chosen(runs, &ui::RunCompareWindow::tracesChosen);
        table->setFocus();
        table->setCurrentCell(checkout, ui::RunCompareWindow::EndpointColumn);
        QTest::keyClick(table->viewport(), Qt::Key_Return);
        QCOMPARE(chosen.size(), 1);
        ui::CompareWindow *pair = nullptr;
        QTRY_VERIFY((pair = window()->findChild<ui::CompareWindow *>()) != nullptr);
        QTRY_VERIFY(pair->comparison() != nullptr);
        QVERIFY(pair->waterfall(0)->trace()->summary.startNs < middle); // the baseline's
        QVERIFY(pair->waterfall(1)->trace()->summary.startNs >= middle);
        pair->close();

        runs->baseline()->setText(QStringLiteral("version=1"));
        runs->compare();
        QVERIFY(compared.wait(10000));
        QVERIFY(runs->summary()->text().startsWith(QStringLiteral("Not a selector")));
        runs->close();
    }

    void nothingSelectedSaysWhat()
    {
        window()->traceTable()->clearSelection();
        QVERIFY(window()->compareSelectedTraces() == nullptr);
    }
};

QTEST_MAIN(TestComparePage)
#include "tst_compare_page.moc"

// The Compare window over the demo data: opened from a two-row selection in the trace list
// (Ctrl+D), the earlier trace as A; one time axis for both waterfalls that zooms as one; a node
// of the merged tree highlights its spans in both; one selected trace is compared with the one
// before it of its root operation.

#include "windowfixture.h"

#include <comparewindow.h>
#include <waterfallview.h>

#include <QItemSelectionModel>
#include <QLabel>
#include <QTableView>
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

    void nothingSelectedSaysWhat()
    {
        window()->traceTable()->clearSelection();
        QVERIFY(window()->compareSelectedTraces() == nullptr);
    }
};

QTEST_MAIN(TestComparePage)
#include "tst_compare_page.moc"

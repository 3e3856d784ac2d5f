// The Logs page over the demo data: every record listed, the severity filter, and Enter on a
// record opening the span that wrote it.

#include "windowfixture.h"

#include <attributefilteredit.h>
#include <logdetailsview.h>
#include <logfilterbar.h>
#include <loglistmodel.h>
#include <logspane.h>

#include <QAbstractItemModelTester>
#include <QAbstractItemView>
#include <QApplication>
#include <QComboBox>
#include <QCompleter>
#include <QTabWidget>

using namespace spanscope;
using namespace spanscope::testing;

class TestLogsPage : public DemoWindowTest
{
    Q_OBJECT
private slots:

    // The Logs tab lists every record; Enter on one shows the span that wrote it.
    void logsTabOpensTheSpanOfARecord()
    {
        ui::LogsPane *logs = window()->logsPane();
        window()->tabs()->setCurrentWidget(logs);
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
                                         == demo().failedTraceId
                                     && waterfall()->selectedRow() >= 0,
                                 5000);
        QTRY_COMPARE(waterfall()->selectedRow(),
                     rowOfSpanNamed(*waterfall(), "PaymentService/Charge"));
        logs->filterBar()->clear();
        QTRY_VERIFY_WITH_TIMEOUT(logs->model()->rowCount() >= 20, 5000);
        window()->tabs()->setCurrentIndex(0);
    }

    // The Logs tab filters by record attributes too, completing the keys of log records.
    void logsFilterByAttributes()
    {
        ui::LogsPane *logs = window()->logsPane();
        window()->tabs()->setCurrentWidget(logs);
        QTRY_VERIFY_WITH_TIMEOUT(logs->model()->rowCount() >= 20, 5000);
        const int all = logs->model()->rowCount();
        ui::AttributeFilterEdit *field = logs->filterBar()->attributeField();
        QApplication::setActiveWindow(window());
        field->setFocus();
        QTRY_VERIFY(field->hasFocus());
        QTest::keyClicks(field, QStringLiteral("code.func"));
        QAbstractItemView *popup = field->completions()->popup();
        QTRY_VERIFY_WITH_TIMEOUT(popup->isVisible(), 5000);
        QCOMPARE(field->completions()->currentCompletion(), QStringLiteral("code.function.name"));
        QTest::keyClicks(field, QStringLiteral("tion.name=PaymentService.charge"));
        QTRY_COMPARE_WITH_TIMEOUT(logs->model()->rowCount(), 1, 5000);
        QVERIFY(logs->model()->lineText(0).contains(QStringLiteral("charge failed")));
        logs->filterBar()->clear();
        QTRY_COMPARE_WITH_TIMEOUT(logs->model()->rowCount(), all, 5000);
        window()->tabs()->setCurrentIndex(0);
    }
};

QTEST_MAIN(TestLogsPage)
#include "tst_logs_page.moc"

// Sampling from the window over the real server: the status bar shows an active policy with what
// it dropped; the panel edits one policy in a form, tables and JSON, applies and saves it,
// counts what each rule decided and previews a candidate on the stored traces.

#include "serverwindow.h"

#include "windowfixture.h"
#include <demotraffic.h>
#include <samplingpanel.h>
#include <samplingruleseditor.h>
#include <statuspanel.h>
#include <tracelistmodel.h>

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTableWidget>

using namespace spanscope;
using namespace spanscope::testing;

class TestSamplingPage : public ServerWindowTest
{
    Q_OBJECT
private slots:

    // A policy other than "keep everything" shows in the status bar with what it dropped.
    void statusBarShowsAnActiveSamplingPolicy()
    {
        const auto samplingLabel = [this]() -> QLabel * {
            for (QLabel *label : window()->statusPanel()->findChildren<QLabel *>()) {
                if (label->text().startsWith(QLatin1String("Sampling")))
                    return label;
            }
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!samplingLabel() || !samplingLabel()->isVisible(), 3000);
        ingest::SamplingPolicy dropAll;
        dropAll.ratio = 0;
        m_fixture.backend().setSamplingPolicy(dropAll);
        QVERIFY(m_fixture.server().sampling().writeTraces(oneSpanTrace(0x5a, "GET /")).committed());
        QTRY_VERIFY_WITH_TIMEOUT(
            samplingLabel() && samplingLabel()->isVisible()
                && samplingLabel()->text().contains(QStringLiteral("1 spans dropped")),
            5000);
        QVERIFY(samplingLabel()->toolTip().contains(QStringLiteral("ratio 0 %")));
        m_fixture.backend().setSamplingPolicy({});
        QTRY_VERIFY_WITH_TIMEOUT(!samplingLabel()->isVisible(), 5000);
    }

    // View > Sampling: the form and the JSON edit one policy; Apply makes it live and saves
    // it; the counters show what each rule did.
    void samplingPanelEditsAppliesAndCounts()
    {
        // Stored traces for the preview, written past the policy as an import would be.
        const auto demo = ingest::writeDemoTraffic(m_fixture.server().writer(), 200);
        QVERIFY(demo);
        QTest::keyClick(window(), Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
        auto *panel = window()->findChild<ui::SamplingPanel *>();
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
        QCOMPARE(m_fixture.server().sampling().policy().ratio, 0.0);
        QCOMPARE(m_fixture.server().sampling().policy().remote.services.size(), size_t(1));
        QCOMPARE(m_fixture.server().sampling().policy().dropRules.size(), size_t(1));
        QVERIFY(QSettings()
                    .value(QStringLiteral("sampling/policy"))
                    .toString()
                    .contains(QStringLiteral("GET /healthz")));
        QVERIFY(window()->statusBar()->currentMessage().startsWith(
            QStringLiteral("Sampling policy applied: ratio 0 %")));

        QVERIFY(m_fixture.server()
                    .sampling()
                    .writeTraces(oneSpanTrace(0x77, "GET /orders"))
                    .committed());
        QTableWidget *counters = panel->countersTable();
        QTRY_VERIFY_WITH_TIMEOUT(counters->rowCount() > 0 && counters->item(0, 2)
                                     && counters->item(0, 2)->text() == QLatin1String("1"),
                                 5000);
        QCOMPARE(counters->item(0, 0)->text(), QStringLiteral("ratio"));
        QCOMPARE(counters->rowCount(), 5); // ratio, rate limit, errors, slow, the drop rule
        QVERIFY(panel->pollsLabel()->text().contains(QStringLiteral("not served")));

        // Preview a candidate on the stored traces: counts, and greyed rows in the list.
        ui::TraceListModel *list = window()->traceList();
        list->setFilter({});
        QTRY_VERIFY_WITH_TIMEOUT(list->rowCount() >= demo->traces, 5000);
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
        QVERIFY(m_fixture.server().sampling().policy().keepsEverything());
        panel->close();
        window()->activateWindow(); // shortcuts go to the active window
        QVERIFY(QTest::qWaitForWindowActive(window()));
    }

    // A preview greys rows only while the panel that explains it is open, and says so above
    // the list; closing the panel, or the banner's link, ends it.
    void aPreviewLastsOnlyWhileThePanelIsOpen()
    {
        const auto demo = ingest::writeDemoTraffic(m_fixture.server().writer(), 200);
        QVERIFY(demo);
        ui::TraceListModel *list = window()->traceList();
        QTRY_VERIFY_WITH_TIMEOUT(list->rowCount() >= demo->traces, 5000);
        const auto greyed = [list] {
            int rows = 0;
            for (int row = 0; row < list->rowCount(); ++row)
                rows += list->data(list->index(row, 0), Qt::ForegroundRole).isValid() ? 1 : 0;
            return rows;
        };
        auto *banner = window()->findChild<QLabel *>(QStringLiteral("previewBanner"));
        QVERIFY(banner && !banner->isVisible());
        ui::SamplingPanel *panel = window()->showSamplingPanel();
        const auto startPreview = [&] {
            panel->jsonEditor()->setPlainText(
                QStringLiteral(R"({"dropRules": [{"field": "name", "value": "GET /healthz"}]})"));
            panel->preview();
            QTRY_COMPARE_WITH_TIMEOUT(greyed(), 1, 5000);
            QVERIFY(banner->isVisible());
            QVERIFY2(banner->text().contains(QStringLiteral("1 of the stored")),
                     qPrintable(banner->text()));
        };
        startPreview();
        panel->close(); // without Apply
        QCOMPARE(greyed(), 0);
        QVERIFY(!banner->isVisible());
        QVERIFY(m_fixture.server().sampling().policy().keepsEverything());

        panel = window()->showSamplingPanel();
        startPreview();
        emit banner->linkActivated(QStringLiteral("clear"));
        QCOMPARE(greyed(), 0);
        QVERIFY(!banner->isVisible());
        panel->close();
    }
};

QTEST_MAIN(TestSamplingPage)
#include "tst_sampling_page.moc"

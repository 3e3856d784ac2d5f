// The Metrics tab on the demo's metrics in a real store: instruments grouped by service and
// searchable, a histogram's percentile lines and heatmap, split by an attribute, and an
// exemplar that opens its span when clicked or chosen with the keyboard.

#include "freshdatabase.h"

#include <demotraffic.h>
#include <metrics/metricchart.h>
#include <metrics/metricspage.h>

#include <QLineEdit>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace spanscope;

class TestMetricsPage : public QObject
{
    Q_OBJECT

    FreshDatabase m_db;

    static bool chartOf(ui::MetricsPage &page, const char *unit, std::size_t lines)
    {
        return QTest::qWaitFor([&] {
            const auto &chart = page.chart()->chart();
            return chart.unit == unit && chart.lines.size() == lines;
        });
    }

private slots:
    void init()
    {
        m_db.open();
        QVERIFY(ingest::writeDemoTraffic(m_db.writer(), 50));
    }
    void cleanup() { m_db.close(); }

    void instrumentsAreGroupedAndSearchable()
    {
        ui::MetricsPage page(m_db.path());
        page.resize(1000, 500);
        page.show();
        QTRY_VERIFY(page.instruments()->topLevelItemCount() >= 4);
        QTreeWidgetItem *checkout
            = page.instruments()->findItems(QStringLiteral("checkout"), Qt::MatchExactly)[0];
        QCOMPARE(checkout->childCount(), 3);
        page.search()->setText(QStringLiteral("MEMORY"));
        int shown = 0;
        for (int s = 0; s < page.instruments()->topLevelItemCount(); ++s) {
            QTreeWidgetItem *service = page.instruments()->topLevelItem(s);
            for (int i = 0; i < service->childCount(); ++i) {
                if (!service->child(i)->isHidden()) {
                    QCOMPARE(service->child(i)->text(0), QStringLiteral("process.memory.usage"));
                    ++shown;
                }
            }
        }
        QCOMPARE(shown, page.instruments()->topLevelItemCount()); // one gauge per service

        // Live: a new service's metric appears once the backend says new data was committed.
        storage::ScopedMetrics group;
        group.resource.attributes = {{"service.name", {std::string("late")}}};
        storage::Metric gauge{"late.gauge",
                              "",
                              "",
                              storage::MetricKind::Gauge,
                              storage::Temporality::Unspecified,
                              false,
                              {storage::MetricPoint{}}};
        gauge.points[0].timeUnixNano = 1;
        group.metrics.push_back(gauge);
        storage::MetricBatch batch;
        batch.groups.push_back(group);
        QVERIFY(m_db.writer().writeMetrics(batch).committed());
        page.search()->clear();
        page.refreshSoon();
        QTRY_VERIFY(
            !page.instruments()->findItems(QStringLiteral("late"), Qt::MatchExactly).isEmpty());
    }

    void aHistogramShowsPercentilesBucketsAndExemplarsThatOpenTheirSpan()
    {
        ui::MetricsPage page(m_db.path());
        page.resize(1000, 500);
        page.show();
        QTRY_VERIFY(page.selectInstrument(QStringLiteral("checkout"),
                                          QStringLiteral("http.server.request.duration")));
        QVERIFY(chartOf(page, "s", 3));
        ui::MetricChart *chart = page.chart();
        QCOMPARE(chart->chart().lines[0].label, std::string("p50"));
        QCOMPARE(chart->chart().lines[2].label, std::string("p99"));
        QVERIFY(!chart->chart().heatBounds.empty());
        const auto diamond = chart->exemplarPosition(0);
        QVERIFY(diamond);

        QSignalSpy opened(&page, &ui::MetricsPage::openSpan);
        QTest::mouseClick(chart, Qt::LeftButton, {}, diamond->toPoint());
        QCOMPARE(opened.count(), 1);
        const auto traceId = opened[0][0].value<storage::TraceId>();
        QVERIFY(storage::isValid(traceId));
        // The keyboard way: a cursor on the chart, Enter opens the exemplar nearest it.
        chart->setFocus();
        QTest::keyClick(chart, Qt::Key_Right);
        QTest::keyClick(chart, Qt::Key_Return);
        QCOMPARE(opened.count(), 2);

        // Split by the route: a p90 line per route.
        QToolButton *split = page.splitButton();
        QVERIFY(split->isEnabled());
        const auto actions = split->menu()->actions();
        QCOMPARE(actions.size(), 1);
        QCOMPARE(actions[0]->text(), QStringLiteral("http.route"));
        actions[0]->trigger();
        QVERIFY(chartOf(page, "s", 2));
        QCOMPARE(chart->chart().lines[0].label.rfind("p90 · http.route=", 0), 0u);
        QCOMPARE(split->text(), QStringLiteral("Split by http.route"));
    }

    void aCounterIsChartedAsARate()
    {
        ui::MetricsPage page(m_db.path());
        page.resize(1000, 500);
        page.show();
        QTRY_VERIFY(page.selectInstrument(QStringLiteral("checkout"),
                                          QStringLiteral("http.server.requests")));
        QVERIFY(chartOf(page, "{request}/s", 1));
        QCOMPARE(page.chart()->chart().measure, analysis::ChartMeasure::Rate);
        QVERIFY(page.chart()->chart().heat.empty());
    }
};

QTEST_MAIN(TestMetricsPage)
#include "tst_metrics_page.moc"

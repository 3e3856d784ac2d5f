// The Services tab on the demo's spans in a real store: RED rows by impact with their
// operations and sparklines, the map's nodes and edges, and what a row, a map node and a
// sparkline bar ask the window to show.

#include "freshdatabase.h"

#include <demotraffic.h>
#include <services/servicemapview.h>
#include <services/servicespage.h>
#include <services/tracemapview.h>

#include <QSignalSpy>

#include <QTest>
#include <QTreeWidget>
#include <set>

using namespace spanscope;

class TestServicesPage : public QObject
{
    Q_OBJECT

    FreshDatabase m_db;
    ingest::DemoSummary m_demo;

private slots:
    void init()
    {
        m_db.open();
        auto written = ingest::writeDemoTraffic(m_db.writer(), 50);
        QVERIFY(written);
        m_demo = *written;
    }
    void cleanup() { m_db.close(); }

    void rowsMapAndActions()
    {
        ui::ServicesPage page(m_db.path());
        page.resize(1300, 600);
        page.show();
        QTRY_VERIFY(page.table()->topLevelItemCount() >= 8);
        QTreeWidget *table = page.table();
        QTreeWidgetItem *checkout
            = table->findItems(QStringLiteral("checkout"), Qt::MatchExactly)[0];
        QCOMPARE(checkout->text(ui::ServicesPage::RequestsColumn), QStringLiteral("9"));
        QCOMPARE(checkout->text(ui::ServicesPage::ErrorsColumn), QStringLiteral("11.1%"));
        QCOMPARE(checkout->child(0)->text(ui::ServicesPage::NameColumn),
                 QStringLiteral("POST /api/orders"));
        const QVariantList counts
            = checkout->data(ui::ServicesPage::RequestsOverTimeColumn, Qt::UserRole + 20).toList();
        QCOMPARE(counts.size(), ui::ServicesPage::Buckets);
        double total = 0;
        for (const QVariant &n : counts)
            total += n.toDouble();
        QCOMPARE(total, 9.0);
        QVERIFY(!table->findItems(QStringLiteral("postgresql  (database)"), Qt::MatchExactly)
                     .isEmpty());

        // The map: the frontend calls the checkout, which calls the inventory over HTTP.
        ui::ServiceMapView *map = page.map();
        const auto &layout = map->layout();
        const auto nodeOf = [&](const char *name) {
            for (int i = 0; i < static_cast<int>(layout.nodes.size()); ++i) {
                if (layout.nodes[i].name == name)
                    return i;
            }
            return -1;
        };
        QVERIFY(nodeOf("web-frontend") >= 0 && nodeOf("checkout") >= 0);
        QVERIFY(layout.nodes[nodeOf("web-frontend")].layer
                < layout.nodes[nodeOf("checkout")].layer);
        QVERIFY(layout.nodes[nodeOf("checkout")].layer < layout.nodes[nodeOf("inventory")].layer);
        QCOMPARE(layout.nodes[nodeOf("redis")].kind, storage::NodeKind::Cache);

        QSignalSpy traces(&page, &ui::ServicesPage::showTraces);
        QTest::mouseClick(map, Qt::LeftButton, {}, map->nodeCentre(nodeOf("checkout")).toPoint());
        QCOMPARE(traces.count(), 1);
        QCOMPARE(traces[0][0].toString(), QStringLiteral("checkout"));
        table->setFocus();
        table->setCurrentItem(checkout->child(0));
        QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(traces.count(), 2);
        QCOMPARE(traces[1][1].toString(), QStringLiteral("POST /api/orders"));

        // A bar of the sparkline opens the slowest trace of its moment.
        QSignalSpy opened(&page, &ui::ServicesPage::openTrace);
        int bucket = 0;
        while (counts[bucket].toDouble() == 0)
            ++bucket;
        page.openBucket(checkout->child(0), bucket);
        QTRY_COMPARE(opened.count(), 1);
    }

    // The trace view's own map: the failed order's four services, its database and cache.
    void aTraceHasItsOwnMap()
    {
        ui::TraceMapView view(m_db.path());
        view.resize(900, 400);
        view.show();
        storage::TraceId failed;
        QVERIFY(storage::fromHex(m_demo.failedTraceId, failed));
        view.setTrace(failed);
        QTRY_VERIFY(!view.map()->layout().nodes.empty());
        std::set<std::string> names;
        for (const auto &node : view.map()->layout().nodes)
            names.insert(node.name);
        QCOMPARE(names,
                 (std::set<std::string>{"checkout", "inventory", "payments", "postgresql", "redis",
                                        "web-frontend"}));
        for (const storage::ServiceEdge &edge : view.map()->edges())
            QCOMPARE(edge.calls, 1u); // one order
        QSignalSpy activated(&view, &ui::TraceMapView::serviceActivated);
        const auto &nodes = view.map()->layout().nodes;
        const int frontend
            = static_cast<int>(std::find_if(nodes.begin(), nodes.end(),
                                            [](const auto &n) { return n.name == "web-frontend"; })
                               - nodes.begin());
        QTest::mouseClick(view.map(), Qt::LeftButton, {},
                          view.map()->nodeCentre(frontend).toPoint());
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated[0][0].toString(), QStringLiteral("web-frontend"));
    }

    // Nothing to draw, one node, and a cycle: laid out without harm.
    void oddGraphsLayOut()
    {
        const QFontMetricsF metrics(QFont{});
        QVERIFY(ui::layoutServiceMap({}, {}, metrics).nodes.empty());
        QCOMPARE(ui::layoutServiceMap({}, {"alone"}, metrics).nodes.size(), std::size_t(1));
        std::vector<storage::ServiceEdge> cycle(3);
        cycle[0].from = "a", cycle[0].to = "b";
        cycle[1].from = "b", cycle[1].to = "c";
        cycle[2].from = "c", cycle[2].to = "a";
        const auto layout = ui::layoutServiceMap(cycle, {}, metrics);
        QCOMPARE(layout.nodes.size(), std::size_t(3));
        QCOMPARE(layout.nodes[0].name, std::string("a")); // in the order first seen
        QCOMPARE(layout.nodes[0].layer, 0);
        QCOMPARE(layout.nodes[1].layer, 1);
        QCOMPARE(layout.nodes[2].layer, 2);
    }
};

QTEST_MAIN(TestServicesPage)
#include "tst_services_page.moc"

// The waterfall, drawn offscreen: bars start and end where their times say (checked in pixels),
// errors are red, collapse and zoom work from the keyboard, and only rows in view are painted.

#include <servicecolour.h>
#include <waterfallview.h>

#include <QImage>
#include <QScrollBar>
#include <QTest>

using namespace spanscope;
using ui::WaterfallLayout;
using ui::WaterfallView;

namespace {

// Root 0-1000 ms (checkout), child 250-750 ms (payments, in error), grandchild 300-400 ms.
std::shared_ptr<storage::TraceData> sampleTrace()
{
    auto data = std::make_shared<storage::TraceData>();
    for (const char *service : {"checkout", "payments"}) {
        storage::Resource resource;
        resource.attributes = {{"service.name", {std::string(service)}}};
        data->resources.push_back(resource);
    }
    data->scopes.resize(1);
    const std::uint64_t origin = 1'700'000'000'000'000'000ull;
    data->summary.startNs = static_cast<std::int64_t>(origin);
    const auto add = [&](int id, int parent, std::uint64_t fromMs, std::uint64_t toMs, int resource,
                         bool error) {
        storage::StoredSpan stored;
        stored.span.spanId[7] = static_cast<std::uint8_t>(id);
        if (parent)
            stored.span.parentSpanId[7] = static_cast<std::uint8_t>(parent);
        stored.span.name = "span " + std::to_string(id);
        stored.span.startUnixNano = origin + fromMs * 1'000'000;
        stored.span.endUnixNano = origin + toMs * 1'000'000;
        stored.span.statusCode = error ? storage::StatusCode::Error : storage::StatusCode::Unset;
        stored.resource = resource;
        data->spans.push_back(stored);
    };
    add(1, 0, 0, 1000, 0, false);
    add(2, 1, 250, 750, 1, true);
    add(3, 2, 300, 400, 1, false);
    return data;
}

struct Shown
{
    std::shared_ptr<storage::TraceData> trace = sampleTrace();
    std::shared_ptr<WaterfallLayout> layout
        = std::make_shared<WaterfallLayout>(WaterfallLayout::build(*trace));
    WaterfallView view;

    Shown()
    {
        view.resize(1000 + 2 * view.frameWidth(), 300);
        view.setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        view.show();
        view.setTrace(trace, layout);
    }
    QImage image() { return view.viewport()->grab().toImage(); }
};

} // namespace

class TestWaterfallView : public QObject
{
    Q_OBJECT
private slots:
    void barsSitWhereTheirTimesSay()
    {
        Shown shown;
        QVERIFY(QTest::qWaitForWindowExposed(&shown.view));
        const int timeline = shown.view.viewport()->width() - shown.view.labelWidth();
        const QRect child = shown.view.barRect(1);
        QVERIFY(std::abs(child.left() - (shown.view.labelWidth() + timeline / 4)) <= 1);
        QVERIFY(std::abs(child.right() + 1 - (shown.view.labelWidth() + timeline * 3 / 4)) <= 1);

        // The pixels agree: the error span keeps its service's colour inside, framed in red
        // with a red end cap, and nothing red lies outside its bar.
        const QImage image = shown.image();
        const QColor red(220, 50, 47);
        const int y = child.center().y();
        QCOMPARE(image.pixelColor(child.center().x(), y).rgb(),
                 ui::serviceColour("payments").rgb());
        QCOMPARE(image.pixelColor(child.left() + 1, y).rgb(), red.rgb());
        QCOMPARE(image.pixelColor(child.right() - 1, y).rgb(), red.rgb());
        QVERIFY(image.pixelColor(child.left() - 3, y).rgb() != red.rgb());
        // Its name carries the red mark at the end of the name column.
        const QColor mark = image.pixelColor(shown.view.labelWidth() - 10, y);
        QCOMPARE(mark.rgb(), red.rgb());
        // The root is drawn in its service's colour across the whole timeline.
        const QRect root = shown.view.barRect(0);
        QCOMPARE(image.pixelColor(root.center().x(), root.top() + 2).rgb(),
                 ui::serviceColour("checkout").rgb());
    }

    void keyboardCollapseSelectAndZoom()
    {
        Shown shown;
        QVERIFY(QTest::qWaitForWindowExposed(&shown.view));
        shown.view.setFocus();
        QTest::keyClick(&shown.view, Qt::Key_Down); // selects the root
        QCOMPARE(shown.view.selectedRow(), 0);
        QTest::keyClick(&shown.view, Qt::Key_Left); // collapses it
        QCOMPARE(shown.view.visibleRows().size(), size_t(1));
        QVERIFY(shown.view.barRect(1).isNull());
        QTest::keyClick(&shown.view, Qt::Key_Right);
        QCOMPARE(shown.view.visibleRows().size(), size_t(3));
        QTest::keyClick(&shown.view, Qt::Key_Down);
        QCOMPARE(shown.view.selectedRow(), 1);

        const std::int64_t before = shown.view.timeMapper().viewDuration();
        QTest::keyClick(&shown.view, Qt::Key_Plus);
        QCOMPARE(shown.view.timeMapper().viewDuration(), before / 2);
        const std::int64_t start = shown.view.timeMapper().viewStart();
        QTest::keyClick(&shown.view, Qt::Key_Right, Qt::ShiftModifier); // pans later
        QCOMPARE(shown.view.timeMapper().viewStart(), start + before / 8);
        QCOMPARE(shown.view.visibleRows().size(), size_t(3)); // and does not expand or collapse
        QTest::keyClick(&shown.view, Qt::Key_Left, Qt::ShiftModifier);
        QCOMPARE(shown.view.timeMapper().viewStart(), start);
        QTest::keyClick(&shown.view, Qt::Key_0);
        QCOMPARE(shown.view.timeMapper().viewDuration(), before);
    }

    void foldedRunShowsEveryCallOnOneRow()
    {
        // Under the root (0-1000 ms), eight queries of 50 ms each, one every 100 ms from 100 ms.
        auto data = sampleTrace();
        data->spans.resize(1);
        for (int i = 0; i < 8; ++i) {
            storage::StoredSpan query;
            query.span.spanId[7] = static_cast<std::uint8_t>(10 + i);
            query.span.parentSpanId[7] = 1;
            query.span.name = "SELECT shop";
            query.span.kind = storage::SpanKind::Client;
            query.span.attributes
                = {{"db.system", {std::string("sqlite")}},
                   {"db.statement", {"SELECT * FROM items WHERE id = " + std::to_string(i)}}};
            query.span.startUnixNano
                = data->spans[0].span.startUnixNano + (100 + i * 100) * 1'000'000ull;
            query.span.endUnixNano = query.span.startUnixNano + 50'000'000;
            query.resource = 1;
            data->spans.push_back(query);
        }
        auto layout = std::make_shared<WaterfallLayout>(WaterfallLayout::build(*data));
        WaterfallView view;
        view.resize(1000 + 2 * view.frameWidth(), 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setTrace(data, layout);
        QCOMPARE(view.visibleRows().size(), size_t(2));
        QCOMPARE(view.foldedRunAt(1), 0);

        // Each query is drawn where it ran, with the gaps between them left open.
        const int timeline = view.viewport()->width() - view.labelWidth();
        const auto xAt = [&](int ms) {
            return view.labelWidth() + timeline * ms / 1000;
        };
        const int y
            = WaterfallView::AxisHeight + WaterfallView::RowHeight + WaterfallView::RowHeight / 2;
        const QRgb payments = ui::serviceColour("payments").rgb();
        QImage image = view.viewport()->grab().toImage();
        // (The first three carry the run's count and time, on a plate, as there is no room beside.)
        for (int i = 3; i < 8; ++i) {
            QCOMPARE(image.pixelColor(xAt(125 + i * 100), y).rgb(), payments);
            QVERIFY(image.pixelColor(xAt(175 + i * 100), y).rgb() != payments);
        }

        // The finding's badge sits at the end of the folded row's name column.
        analysis::Insight found;
        found.kind = analysis::InsightKind::NPlusOneDb;
        found.message = "8 queries";
        for (int span = 1; span <= 8; ++span)
            found.spans.push_back(span);
        view.setInsights({found});
        QCOMPARE(view.insightAt(1), 0);
        QCOMPARE(view.insightAt(0), -1);
        image = view.viewport()->grab().toImage();
        int orange = 0;
        for (int x = view.labelWidth() / 2; x < view.labelWidth(); ++x)
            orange += image.pixelColor(x, y).rgb() == QColor(230, 110, 0).rgb() ? 1 : 0;
        QVERIFY(orange > 10);

        // Enter unfolds the run; Left on one of its rows folds it again, selecting its row.
        view.setFocus();
        view.selectRow(1);
        QTest::keyClick(&view, Qt::Key_Return);
        QCOMPARE(view.visibleRows().size(), size_t(9));
        view.selectRow(4);
        QTest::keyClick(&view, Qt::Key_Left);
        QCOMPARE(view.visibleRows().size(), size_t(2));
        QCOMPARE(view.selectedRow(), 1);
        // Selecting a span of the folded run shows it; folding off and on again folds every run.
        view.selectRow(6);
        QCOMPARE(view.visibleRows().size(), size_t(9));
        view.setFolding(true);
        QCOMPARE(view.visibleRows().size(), size_t(2));
        QCOMPARE(view.selectedRow(), 1);
        view.setFolding(false);
        QCOMPARE(view.visibleRows().size(), size_t(9));
    }

    void zoomToARangeMovesTheBars()
    {
        Shown shown;
        QVERIFY(QTest::qWaitForWindowExposed(&shown.view));
        shown.view.showRange(250'000'000, 750'000'000); // exactly the child's extent
        const QRect child = shown.view.barRect(1);
        QVERIFY(child.left() <= shown.view.labelWidth() + 1);
        QVERIFY(child.right() >= shown.view.viewport()->width() - 2);
        const QRect grandchild = shown.view.barRect(2); // 300-400 ms of 250-750 ms: 10 % to 30 %
        const int timeline = shown.view.viewport()->width() - shown.view.labelWidth();
        QVERIFY(std::abs(grandchild.left() - (shown.view.labelWidth() + timeline / 10)) <= 1);
        QVERIFY(std::abs(grandchild.right() + 1 - (shown.view.labelWidth() + timeline * 3 / 10))
                <= 1);
    }

    void millionRowsScrollWithoutPaintingThemAll()
    {
        auto data = std::make_shared<storage::TraceData>();
        data->resources.resize(1);
        data->scopes.resize(1);
        const int spans = 200'000;
        data->spans.resize(spans);
        for (int i = 0; i < spans; ++i) {
            storage::Span &span = data->spans[i].span;
            std::memcpy(span.spanId.data(), &i, sizeof i);
            span.spanId[7] = 1;
            span.startUnixNano = static_cast<std::uint64_t>(i) * 1000;
            span.endUnixNano = span.startUnixNano + 500;
        }
        auto layout = std::make_shared<WaterfallLayout>(WaterfallLayout::build(*data));
        WaterfallView view;
        view.setFolding(false); // the spans are alike: folded they would be one row
        view.resize(900, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setTrace(data, layout);
        view.verticalScrollBar()->setValue(view.verticalScrollBar()->maximum());
        QVERIFY(view.verticalScrollBar()->maximum() > spans - 30);
        // The last row is in view and drawn where its time says.
        const QRect last = view.barRect(spans - 1);
        QVERIFY(!last.isNull());
        QVERIFY(last.bottom() < view.viewport()->height());
        QVERIFY(view.barRect(0).top() < 0); // scrolled far above the view
        // Zoomed to the last five spans, the last bar is wide and in its service's colour.
        view.showRange(std::int64_t(spans - 5) * 1000, std::int64_t(spans - 1) * 1000 + 500);
        const QRect zoomed = view.barRect(spans - 1);
        QVERIFY(zoomed.width() > 20);
        const QImage image = view.viewport()->grab().toImage();
        QCOMPARE(image.pixelColor(zoomed.center().x(), zoomed.top() + 2).rgb(),
                 ui::serviceColour("unknown_service").rgb());
    }
};

QTEST_MAIN(TestWaterfallView)
#include "tst_waterfallview.moc"

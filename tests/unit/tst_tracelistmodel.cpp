// The trace list over a real database: lazy paging, live inserts as one batch per poll with
// selection kept, in-place updates when more spans arrive, pause, and filters.

#include "freshdatabase.h"

#include <spanwriter.h>
#include <tracelistmodel.h>

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTest>

using namespace spanscope;
using ui::TraceListModel;

namespace {

// Trace `n`: one root span starting n ms after a fixed origin; `spans` more children.
storage::TraceBatch traces(int first, int count, bool error = false, int children = 0)
{
    storage::TraceBatch batch;
    storage::ScopedSpans group;
    group.resource.attributes = {{"service.name", {std::string("shop")}}};
    for (int n = first; n < first + count; ++n) {
        for (int s = 0; s <= children; ++s) {
            storage::Span span;
            span.traceId[0] = 7;
            span.traceId[14] = static_cast<std::uint8_t>(n >> 8);
            span.traceId[15] = static_cast<std::uint8_t>(n);
            span.spanId[0] = static_cast<std::uint8_t>(s + 1);
            if (s > 0)
                span.parentSpanId[0] = 1;
            span.name = s == 0 ? "GET /orders" : "child";
            span.startUnixNano = 1'700'000'000'000'000'000ull + std::uint64_t(n) * 1'000'000 + s;
            span.endUnixNano = span.startUnixNano + 2'000'000;
            span.statusCode = error ? storage::StatusCode::Error : storage::StatusCode::Unset;
            group.spans.push_back(span);
        }
    }
    batch.groups.push_back(std::move(group));
    return batch;
}

int traceNumber(const storage::TraceSummary &s)
{
    return s.traceId[14] << 8 | s.traceId[15];
}

} // namespace

class TestTraceListModel : public QObject
{
    Q_OBJECT
private:
    FreshDatabase m_db;

private slots:
    void init() { m_db.open(); }
    void cleanup() { m_db.close(); }

    void pagesLazily()
    {
        QVERIFY(m_db.writer().writeTraces(traces(0, 25)).committed());
        TraceListModel model(m_db.path(), 10);
        const RefreshOnCommit live(m_db.writer(), model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(traceNumber(model.summary(0)), 24); // newest first
        QVERIFY(model.canFetchMore({}));
        while (model.canFetchMore({})) {
            const int before = model.rowCount();
            model.fetchMore({});
            QTRY_VERIFY(model.rowCount() > before || !model.canFetchMore({}));
        }
        QCOMPARE(model.rowCount(), 25);
        QCOMPARE(traceNumber(model.summary(24)), 0);
        QCOMPARE(model.data(model.index(0, TraceListModel::OperationColumn)).toString(),
                 QStringLiteral("GET /orders"));
        QCOMPARE(model.data(model.index(0, TraceListModel::DurationColumn)).toString(),
                 QStringLiteral("2 ms"));
    }

    void liveBurstIsOneInsertionAndKeepsSelection()
    {
        QVERIFY(m_db.writer().writeTraces(traces(0, 20)).committed());
        TraceListModel model(m_db.path(), 50);
        const RefreshOnCommit live(m_db.writer(), model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        QVERIFY(loaded.wait(5000));
        const QPersistentModelIndex selected = model.index(5, 0);
        const int selectedTrace = traceNumber(model.summary(5));

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QVERIFY(
            m_db.writer().writeTraces(traces(100, 300)).committed()); // one commit of 300 traces
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 320, 5000);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(traceNumber(model.summary(0)), 399);
        QCOMPARE(selected.row(), 305);
        QCOMPARE(traceNumber(model.summary(selected.row())), selectedTrace);
    }

    void moreSpansUpdateTheRowInPlace()
    {
        QVERIFY(m_db.writer().writeTraces(traces(0, 3)).committed());
        TraceListModel model(m_db.path(), 50);
        const RefreshOnCommit live(m_db.writer(), model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        QVERIFY(loaded.wait(5000));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        // Trace 1 gains four children, in error.
        QVERIFY(m_db.writer().writeTraces(traces(1, 1, true, 4)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(
            model.data(model.index(1, TraceListModel::SpansColumn)).toLongLong(), 5, 5000);
        QCOMPARE(model.rowCount(), 3);
        // The resent root is a duplicate and ignored; the four new children are in error.
        QCOMPARE(model.data(model.index(1, TraceListModel::ErrorsColumn)).toLongLong(), 4);
        QVERIFY(changed.count() >= 1);
    }

    void aTraceWhoseStartMovesChangesPlace()
    {
        QVERIFY(m_db.writer().writeTraces(traces(10, 1)).committed());
        QVERIFY(m_db.writer().writeTraces(traces(15, 1)).committed());
        // Trace 5 is first seen through a child that starts at 20 ms: it sorts newest.
        storage::TraceBatch child = traces(5, 1, false, 1);
        child.groups[0].spans.erase(child.groups[0].spans.begin()); // without its root
        child.groups[0].spans[0].startUnixNano += 15'000'000;
        QVERIFY(m_db.writer().writeTraces(std::move(child)).committed());

        TraceListModel model(m_db.path(), 50);

        const RefreshOnCommit live(m_db.writer(), model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(traceNumber(model.summary(0)), 5);
        QVERIFY(!model.summary(0).hasRoot);

        // The root arrives and starts at 5 ms: the trace moves below 15 and 10.
        QVERIFY(m_db.writer().writeTraces(traces(5, 1)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(traceNumber(model.summary(2)), 5, 5000);
        QCOMPARE(traceNumber(model.summary(0)), 15);
        QCOMPARE(traceNumber(model.summary(1)), 10);
        QVERIFY(model.summary(2).hasRoot);
        QCOMPARE(model.rowCount(), 3);
    }

    void pauseHoldsTheListAndResumeCatchesUp()
    {
        QVERIFY(m_db.writer().writeTraces(traces(0, 2)).committed());
        TraceListModel model(m_db.path(), 50);
        const RefreshOnCommit live(m_db.writer(), model);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        QVERIFY(loaded.wait(5000));
        model.setPaused(true);
        QVERIFY(m_db.writer().writeTraces(traces(10, 5)).committed());
        model.refresh(); // paused: reads nothing
        QCOMPARE(model.rowCount(), 2);
        model.setPaused(false);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 7, 5000);
    }

    // Sorting by span count pages in that order and places live traces by their count, moving
    // a trace that grows.
    void sortsBySpanCountAndKeepsOrderLive()
    {
        QVERIFY(m_db.writer().writeTraces(traces(0, 1, false, 2)).committed()); // 3 spans
        QVERIFY(m_db.writer().writeTraces(traces(1, 1, false, 0)).committed()); // 1
        QVERIFY(m_db.writer().writeTraces(traces(2, 1, false, 5)).committed()); // 6
        TraceListModel model(m_db.path(), 2);
        const RefreshOnCommit live(m_db.writer(), model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        QVERIFY(loaded.wait(5000));
        model.sort(TraceListModel::SpansColumn, Qt::DescendingOrder);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 2); // a page of two
        QCOMPARE(traceNumber(model.summary(0)), 2);
        QCOMPARE(traceNumber(model.summary(1)), 0);
        model.fetchMore({});
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, 5000);
        QCOMPARE(traceNumber(model.summary(2)), 1);

        // A new 4-span trace lands between 6 and 3; trace 1 growing to 8 spans moves to the top.
        QVERIFY(m_db.writer().writeTraces(traces(3, 1, false, 3)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 4, 5000);
        QCOMPARE(traceNumber(model.summary(1)), 3);
        QVERIFY(m_db.writer().writeTraces(traces(1, 1, false, 7)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(traceNumber(model.summary(0)), 1, 5000);
        QCOMPARE(model.rowCount(), 4);
        // Text columns do not sort: the order stays.
        model.sort(TraceListModel::ServiceColumn, Qt::AscendingOrder);
        QCOMPARE(traceNumber(model.summary(0)), 1);
    }

    void filterShowsOnlyMatchingTraces()
    {
        QVERIFY(m_db.writer().writeTraces(traces(0, 4)).committed());
        QVERIFY(m_db.writer().writeTraces(traces(10, 2, true)).committed());
        TraceListModel model(m_db.path(), 50);
        const RefreshOnCommit live(m_db.writer(), model);
        QSignalSpy loaded(&model, &TraceListModel::loaded);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 6);
        storage::TraceFilter errors;
        errors.errorsOnly = true;
        model.setFilter(errors);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 2);
        // Live data goes through the same filter.
        QVERIFY(m_db.writer().writeTraces(traces(20, 3)).committed());
        QVERIFY(m_db.writer().writeTraces(traces(30, 1, true)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, 5000);
        QSignalSpy refreshed(&model, &TraceListModel::refreshed);
        model.refresh(); // one more look finds nothing else
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(model.rowCount(), 3);
    }
};

QTEST_GUILESS_MAIN(TestTraceListModel)
#include "tst_tracelistmodel.moc"

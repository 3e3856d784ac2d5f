// The log list over a real database: newest first, paged lazily, a live burst inserted as one
// batch at the top with the selection kept, filters (severity, words, trace), and pause.

#include "freshdatabase.h"

#include <loglistmodel.h>
#include <spanwriter.h>

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

using namespace spanscope;
using ui::LogListModel;

namespace {

storage::LogBatch records(int first, int count, int severity = 9, bool linked = false)
{
    storage::LogBatch batch;
    batch.groups.emplace_back();
    batch.groups[0].resource.attributes = {{"service.name", {std::string("pay")}}};
    for (int n = first; n < first + count; ++n) {
        storage::LogRecord record;
        record.timeUnixNano = 1'700'000'000'000'000'000ull + std::uint64_t(n) * 1'000'000;
        record.severityNumber = severity;
        record.body.value
            = "record " + std::to_string(n) + (severity >= 17 ? " charge failed" : "");
        if (linked) {
            record.traceId[0] = 0x42;
            record.spanId[0] = 0x07;
        }
        batch.groups[0].records.push_back(record);
    }
    return batch;
}

QString body(const LogListModel &model, int row)
{
    return model.data(model.index(row, LogListModel::BodyColumn)).toString();
}

} // namespace

class TestLogListModel : public QObject
{
    Q_OBJECT
private:
    FreshDatabase m_db;

private slots:
    void init() { m_db.open(); }
    void cleanup() { m_db.close(); }

    void pagesNewestFirst()
    {
        QVERIFY(m_db.writer().writeLogs(records(0, 25)).committed());
        LogListModel model(m_db.path(), 10);
        const RefreshOnCommit live(m_db.writer(), model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &LogListModel::loaded);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(body(model, 0), QStringLiteral("record 24"));
        while (model.canFetchMore({})) {
            const int before = model.rowCount();
            model.fetchMore({});
            QTRY_VERIFY(model.rowCount() > before || !model.canFetchMore({}));
        }
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 25, 5000);
        QCOMPARE(body(model, 24), QStringLiteral("record 0"));
    }

    void liveBurstIsOneInsertionAndKeepsSelection()
    {
        QVERIFY(m_db.writer().writeLogs(records(0, 3)).committed());
        LogListModel model(m_db.path(), 50);
        const RefreshOnCommit live(m_db.writer(), model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &LogListModel::loaded);
        QVERIFY(loaded.wait(5000));
        QItemSelectionModel selection(&model);
        selection.setCurrentIndex(model.index(1, 0), QItemSelectionModel::SelectCurrent);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QVERIFY(m_db.writer().writeLogs(records(10, 40)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 43, 5000);
        QCOMPARE(inserted.count(), 1); // one batch for the whole burst
        QCOMPARE(reset.count(), 0);
        QCOMPARE(body(model, 0), QStringLiteral("record 49"));
        QCOMPARE(selection.currentIndex().row(), 41); // the same record, moved down
        QCOMPARE(body(model, 41), QStringLiteral("record 1"));
    }

    void filtersBySeverityWordsAndTrace()
    {
        QVERIFY(m_db.writer().writeLogs(records(0, 5)).committed());
        QVERIFY(m_db.writer().writeLogs(records(5, 2, 17, true)).committed());
        LogListModel model(m_db.path(), 50);
        const RefreshOnCommit live(m_db.writer(), model);
        QSignalSpy loaded(&model, &LogListModel::loaded);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 7);
        storage::LogFilter errors;
        errors.minSeverity = 17;
        model.setFilter(errors);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(0, LogListModel::SeverityColumn)).toString(),
                 QStringLiteral("ERROR"));
        QVERIFY(model.data(model.index(0, LogListModel::TraceColumn))
                    .toString()
                    .startsWith(QStringLiteral("42000000 / 07000000")));
        storage::LogFilter words;
        words.text = "charge fail";
        model.setFilter(words);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(model.rowCount(), 2);
        // Live records go through the same filter.
        QVERIFY(m_db.writer().writeLogs(records(10, 3)).committed());
        QVERIFY(m_db.writer().writeLogs(records(20, 1, 21)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, 5000);
        QSignalSpy refreshed(&model, &LogListModel::refreshed);
        model.refresh(); // one more look finds nothing else
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(model.rowCount(), 3);
    }

    // Oldest first: pages continue forward, and live records join at the end once it is loaded.
    void oldestFirstAppendsLiveRecordsAtTheEnd()
    {
        QVERIFY(m_db.writer().writeLogs(records(0, 15)).committed());
        LogListModel model(m_db.path(), 10);
        const RefreshOnCommit live(m_db.writer(), model);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &LogListModel::loaded);
        QVERIFY(loaded.wait(5000));
        storage::LogFilter oldest;
        oldest.order = storage::LogOrder::OldestFirst;
        model.setFilter(oldest);
        QVERIFY(loaded.wait(5000));
        QCOMPARE(body(model, 0), QStringLiteral("record 0"));
        QCOMPARE(model.rowCount(), 10);
        QVERIFY(m_db.writer().writeLogs(records(20, 3)).committed()); // while the end is not loaded
        model.refresh(); // adds nothing before paging reaches the end
        QCOMPARE(model.rowCount(), 10);
        model.fetchMore({});
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 18, 5000);
        QCOMPARE(body(model, 17), QStringLiteral("record 22"));
        QVERIFY(m_db.writer().writeLogs(records(30, 2)).committed());
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 20, 5000);
        QCOMPARE(body(model, 19), QStringLiteral("record 31"));
        QSignalSpy refreshed(&model, &LogListModel::refreshed);
        model.refresh();
        QVERIFY(refreshed.wait(5000));
        QCOMPARE(model.rowCount(), 20); // each record once
    }

    void pauseHoldsTheListAndResumeCatchesUp()
    {
        LogListModel model(m_db.path(), 50);
        const RefreshOnCommit live(m_db.writer(), model);
        QSignalSpy loaded(&model, &LogListModel::loaded);
        QVERIFY(loaded.wait(5000));
        model.setPaused(true);
        QVERIFY(m_db.writer().writeLogs(records(0, 4)).committed());
        model.refresh(); // paused: reads nothing
        QCOMPARE(model.rowCount(), 0);
        model.setPaused(false);
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 4, 5000);
        QCOMPARE(model.lineText(0).right(8), QStringLiteral("record 3"));
        QVERIFY(model.otlpJson(0).contains(QStringLiteral("\"record 3\"")));
    }
};

QTEST_GUILESS_MAIN(TestLogListModel)
#include "tst_loglistmodel.moc"

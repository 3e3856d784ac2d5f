// The first window, offscreen: it shows where to send telemetry and live counts read on a
// worker thread from the real database.

#include <spanwriter.h>
#include <statuswindow.h>
#include <waterfallview.h>

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace spanscope;

class TestStatusWindow : public QObject
{
    Q_OBJECT
private slots:
    void showsEndpointsSnippetAndLiveCounts()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("ui.db"));
        auto writer = storage::SpanWriter::open(db.toStdString(), {});
        QVERIFY(writer);

        ui::StatusWindow window(
            {QStringLiteral("127.0.0.1:4317"), QStringLiteral("127.0.0.1:4318"), db});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        auto *snippet = window.findChild<QPlainTextEdit *>();
        QVERIFY(snippet);
        QVERIFY(snippet->toPlainText().contains(
            QStringLiteral("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317")));
        QVERIFY(snippet->toPlainText().contains(
            QStringLiteral("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf")));

        storage::TraceBatch batch;
        batch.groups.push_back({});
        for (std::uint8_t i = 1; i <= 3; ++i) {
            storage::Span span;
            span.traceId[15] = i;
            span.spanId[7] = i;
            span.name = "GET /";
            batch.groups[0].spans.push_back(span);
        }
        QVERIFY((*writer)->writeTraces(std::move(batch)).committed());

        const auto labels = window.findChildren<QLabel *>();
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(labels.begin(), labels.end(),
                                             [](QLabel *label) {
                                                 return label->text().startsWith(
                                                     QStringLiteral("3 traces, 3 spans"));
                                             }),
                                 5000);

        auto *table = window.findChild<QTableView *>();
        QVERIFY(table);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 3, 5000);
        QCOMPARE(table->model()->index(0, 2).data().toString(), QStringLiteral("GET /"));

        // Enter on a trace opens it in the waterfall (loaded and laid out off the GUI thread).
        auto *waterfall = window.findChild<ui::WaterfallView *>();
        QVERIFY(waterfall);
        QVERIFY(waterfall->visibleRows().empty());
        table->setFocus();
        table->setCurrentIndex(table->model()->index(1, 0));
        QTest::keyClick(table, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(waterfall->visibleRows().size(), size_t(1), 5000);

        auto *copy = window.findChild<QPushButton *>();
        QVERIFY(copy);
        QTest::mouseClick(copy, Qt::LeftButton);
        QCOMPARE(QGuiApplication::clipboard()->text(), snippet->toPlainText());
    }
};

QTEST_MAIN(TestStatusWindow)
#include "tst_statuswindow.moc"

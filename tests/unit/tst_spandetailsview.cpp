// The span details pane: the exception first with its stack trace, typed attributes, events
// relative to the span, resource and scope; values shown as text, never as markup; stack frames
// and span links as links; the attribute filter; copying values and the span as OTLP-JSON.

#include <detailshtml.h>
#include <otlp/otlpjson.h>

#include <editorlauncher.h>
#include <opentelemetry/proto/trace/v1/trace.pb.h>
#include <spandetailsview.h>

#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>

using namespace spanscope;
using ui::EditorLauncher;
using ui::SpanDetailsView;

namespace {

std::shared_ptr<storage::TraceData> failingTrace()
{
    auto data = std::make_shared<storage::TraceData>();
    storage::Resource resource;
    resource.attributes = {{"service.name", {std::string("payments")}},
                           {"service.version", {std::string("5.1.0")}}};
    data->resources.push_back(resource);
    data->scopes.push_back({"shop.payments", "2.0.0", {}, 0, {}});
    data->summary.startNs = 1'000'000'000;
    storage::StoredSpan stored;
    storage::Span &span = stored.span;
    storage::fromHex("4bf92f3577b34da6a3ce929d0e0e4736", span.traceId);
    storage::fromHex("00f067aa0ba902b7", span.spanId);
    span.name = "PaymentService/Charge";
    span.kind = storage::SpanKind::Server;
    span.startUnixNano = 1'050'000'000;
    span.endUnixNano = 1'140'000'000;
    span.statusCode = storage::StatusCode::Error;
    span.statusMessage = "card declined";
    span.attributes = {{"payment.amount", {99.5}},
                       {"retry", {false}},
                       {"note", {std::string("<script>alert(1)</script>")}}};
    span.events = {{1'139'000'000,
                    "exception",
                    {{"exception.type", {std::string("CardDeclinedException")}},
                     {"exception.message", {std::string("insufficient funds")}},
                     {"exception.stacktrace",
                      {std::string("CardDeclinedException: insufficient funds\n"
                                   "\tat shop.payments.Gateway.charge(Gateway.java:118)")}},
                     {"exception.escaped", {std::string("true")}},
                     {"handled", {false}}},
                    0},
                   {1'060'000'000, "card.checked", {{"issuer", {std::string("visa")}}}, 0}};
    data->spans.push_back(stored);
    return data;
}

} // namespace

class TestSpanDetailsView : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // the user's settings stay

    // A JVM frame names only its file: it links to it when a source folder holds the class's
    // package, and stays text otherwise (or when the name would climb out of the folder).
    void jvmFramesLinkToSourcesUnderTheSourceFolders()
    {
        QSettings().remove(EditorLauncher::sourceRootsKey());
        QVERIFY(!SpanDetailsView::html(*failingTrace(), 0)
                     .contains(QStringLiteral("Gateway.java?line")));
        QTemporaryDir root;
        const QString folder = root.filePath(QStringLiteral("src/main/java/shop/payments"));
        QVERIFY(QDir().mkpath(folder));
        QFile source(folder + QStringLiteral("/Gateway.java"));
        QVERIFY(source.open(QIODevice::WriteOnly));
        source.close();
        QSettings().setValue(
            EditorLauncher::sourceRootsKey(),
            QString(QStringLiteral("/nonexistent") + QDir::listSeparator() + root.path()));
        const QString html = SpanDetailsView::html(*failingTrace(), 0);
        QVERIFY2(html.contains(QStringLiteral("frame:") + QFileInfo(source).absoluteFilePath()
                               + QStringLiteral("?line=118")),
                 qPrintable(html));
        QCOMPARE(EditorLauncher::findSource(QStringLiteral("../etc/passwd"), {root.path()}),
                 QString());
        QSettings().remove(EditorLauncher::sourceRootsKey());
    }

    void showsAFailingSpan()
    {
        SpanDetailsView view;
        view.showSpan(failingTrace(), 0);
        const QString shown = view.toPlainText();
        QVERIFY(shown.contains(QStringLiteral("PaymentService/Charge")));
        QVERIFY(shown.contains(QStringLiteral("payments · server · error card declined")));
        QVERIFY(shown.contains(QStringLiteral("duration 90 ms, starts +50 ms into the trace")));
        QVERIFY(shown.contains(QStringLiteral("trace 4bf92f3577b34da6a3ce929d0e0e4736")));
        // The exception comes before the attributes, with its stack trace line by line.
        const auto exception
            = shown.indexOf(QStringLiteral("CardDeclinedException: insufficient funds (+89 ms)"));
        QVERIFY(exception > 0);
        QVERIFY(exception < shown.indexOf(QStringLiteral("Attributes")));
        QVERIFY(
            shown.contains(QStringLiteral("\tat shop.payments.Gateway.charge(Gateway.java:118)")));
        QVERIFY(shown.contains(QStringLiteral("payment.amount\n99.5\ndouble")));
        QVERIFY(shown.contains(QStringLiteral("retry\nfalse\nbool")));
        QVERIFY(shown.contains(QStringLiteral("card.checked +10 ms")));
        // The exception's other attributes are shown with its event, the three above are not
        // repeated.
        QVERIFY(shown.contains(QStringLiteral("exception.escaped\ntrue\nstring")));
        QVERIFY(shown.contains(QStringLiteral("handled\nfalse\nbool")));
        QCOMPARE(shown.count(QStringLiteral("exception.stacktrace")), 0);
        QVERIFY(shown.contains(QStringLiteral("issuer\nvisa\nstring")));
        QVERIFY(shown.contains(QStringLiteral("service.version\n5.1.0\nstring")));
        QVERIFY(shown.contains(QStringLiteral("shop.payments 2.0.0")));
    }

    void valuesAreTextNotMarkup()
    {
        const QString html = SpanDetailsView::html(*failingTrace(), 0);
        QVERIFY(!html.contains(QStringLiteral("<script>")));
        SpanDetailsView view;
        view.showSpan(failingTrace(), 0);
        QVERIFY(view.toPlainText().contains(QStringLiteral("<script>alert(1)</script>")));
    }

    void stackFramesBecomeLinks_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("file"); // empty: no link
        QTest::addColumn<int>("lineNumber");
        QTest::newRow("python") << QStringLiteral("  File \"/srv/app/orders.py\", line 88, in pay")
                                << QStringLiteral("/srv/app/orders.py") << 88;
        QTest::newRow("node") << QStringLiteral("    at charge (/app/src/pay.js:41:13)")
                              << QStringLiteral("/app/src/pay.js") << 41;
        QTest::newRow("node file url") << QStringLiteral("    at file:///app/src/pay.mjs:7:2")
                                       << QStringLiteral("/app/src/pay.mjs") << 7;
        QTest::newRow("go") << QStringLiteral("\t/home/dev/shop/pay.go:118 +0x1d")
                            << QStringLiteral("/home/dev/shop/pay.go") << 118;
        QTest::newRow("java has no path")
            << QStringLiteral("\tat a.B.c(B.java:3)") << QString() << 0;
        QTest::newRow("markup in a path is text")
            << QStringLiteral("  File \"/tmp/<b>x.py\", line 2") << QStringLiteral("/tmp/<b>x.py")
            << 2;
    }

    void stackFramesBecomeLinks()
    {
        QFETCH(QString, line);
        QFETCH(QString, file);
        QFETCH(int, lineNumber);
        const QString html = ui::DetailsHtml::linkStackFrames(line);
        QVERIFY(!html.contains(QStringLiteral("<b>")));
        if (file.isEmpty()) {
            QVERIFY(!html.contains(QStringLiteral("<a ")));
            return;
        }
        // Clicking the link reports the file and line.
        SpanDetailsView view;
        QSignalSpy opened(&view, &SpanDetailsView::openFrame);
        view.setHtml(QStringLiteral("<pre>") + html + QStringLiteral("</pre>"));
        const QString href
            = html.section(QStringLiteral("href=\""), 1).section(QLatin1Char('"'), 0, 0);
        emit view.anchorClicked(
            QUrl::fromEncoded(QTextDocumentFragment::fromHtml(href).toPlainText().toUtf8()));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.at(0).at(0).toString(), file);
        QCOMPARE(opened.at(0).at(1).toInt(), lineNumber);
        // The text reads as before.
        QCOMPARE(QTextDocumentFragment::fromHtml(QStringLiteral("<pre>") + html
                                                 + QStringLiteral("</pre>"))
                     .toPlainText(),
                 line);
    }

    void attributeFilterNarrowsEveryTable()
    {
        SpanDetailsView view;
        view.showSpan(failingTrace(), 0);
        view.setAttributeFilter(QStringLiteral("AMOUNT"));
        const QString shown = view.toPlainText();
        QVERIFY(shown.contains(QStringLiteral("payment.amount")));
        QVERIFY(!shown.contains(QStringLiteral("retry")));
        QVERIFY(shown.contains(QStringLiteral("none matching the filter"))); // the resource's
        view.setAttributeFilter(QStringLiteral("visa")); // a value, in an event
        QVERIFY(view.toPlainText().contains(QStringLiteral("issuer")));
        view.setAttributeFilter(QString());
        QVERIFY(view.toPlainText().contains(QStringLiteral("retry")));
    }

    void copiesValuesAndTheSpanAsOtlpJson()
    {
        SpanDetailsView view;
        view.showSpan(failingTrace(), 0);
        QSignalSpy copied(&view, &SpanDetailsView::copied);
        // The key of an attribute is a link that copies its value.
        const QString html = SpanDetailsView::html(*failingTrace(), 0);
        const int key = html.indexOf(QStringLiteral(">payment.amount<"));
        QVERIFY(key > 0);
        const int href = html.lastIndexOf(QStringLiteral("copy:"), key);
        const QString link = html.mid(href, html.indexOf(QLatin1Char('\''), href) - href);
        emit view.anchorClicked(QUrl(link));
        QCOMPARE(copied.count(), 1);
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("99.5"));

        // The span as OTLP-JSON parses back into the same span.
        const QString json = view.spanAsOtlpJson();
        opentelemetry::proto::trace::v1::TracesData data;
        QCOMPARE(ingest::parseOtlpJson(json.toStdString(), data), std::string());
        QCOMPARE(data.resource_spans_size(), 1);
        const auto &span = data.resource_spans(0).scope_spans(0).spans(0);
        QCOMPARE(span.name(), std::string("PaymentService/Charge"));
        QCOMPARE(span.events_size(), 2);
        QVERIFY(json.contains(QStringLiteral("\"spanId\": \"00f067aa0ba902b7\"")));
    }

    void spanLinksAreFollowed()
    {
        auto trace = failingTrace();
        storage::SpanLink link;
        storage::fromHex("0af7651916cd43dd8448eb211c80319c", link.traceId);
        storage::fromHex("b7ad6b7169203331", link.spanId);
        trace->spans[0].span.links.push_back(link);
        SpanDetailsView view;
        view.showSpan(trace, 0);
        QSignalSpy followed(&view, &SpanDetailsView::followLink);
        const QString html = SpanDetailsView::html(*trace, 0);
        const int at = html.indexOf(QStringLiteral("span:0af7"));
        QVERIFY(at > 0);
        emit view.anchorClicked(QUrl(html.mid(at, html.indexOf(QLatin1Char('\''), at) - at)));
        QCOMPARE(followed.count(), 1);
        QCOMPARE(followed.at(0).at(0).value<storage::TraceId>(), link.traceId);
        QCOMPARE(followed.at(0).at(1).value<storage::SpanId>(), link.spanId);
    }

    void placeholderExplainsTheMissingParent()
    {
        SpanDetailsView view;
        view.showSpan(failingTrace(), -1);
        QVERIFY(view.toPlainText().contains(QStringLiteral("Parent span not received")));
        view.clearSpan();
        QVERIFY(view.toPlainText().contains(QStringLiteral("Select a span")));
    }
};

QTEST_MAIN(TestSpanDetailsView)
#include "tst_spandetailsview.moc"

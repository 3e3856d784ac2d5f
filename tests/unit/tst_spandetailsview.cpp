// The span details pane: the exception first with its stack trace, typed attributes, events
// relative to the span, resource and scope; values shown as text, never as markup.

#include <spandetailsview.h>

#include <QTest>

using namespace spanscope;
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
                                   "\tat shop.payments.Gateway.charge(Gateway.java:118)")}}},
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
    void showsAFailingSpan()
    {
        SpanDetailsView view;
        view.showSpan(failingTrace(), 0);
        const QString shown = view.toPlainText();
        QVERIFY(shown.contains(QStringLiteral("PaymentService/Charge")));
        QVERIFY(shown.contains(QStringLiteral("payments · server · error card declined")));
        QVERIFY(
            shown.contains(QStringLiteral("duration 90.000 ms, starts +50.000 ms into the trace")));
        QVERIFY(shown.contains(QStringLiteral("trace 4bf92f3577b34da6a3ce929d0e0e4736")));
        // The exception comes before the attributes, with its stack trace line by line.
        const auto exception = shown.indexOf(
            QStringLiteral("CardDeclinedException: insufficient funds (+89.000 ms)"));
        QVERIFY(exception > 0);
        QVERIFY(exception < shown.indexOf(QStringLiteral("Attributes")));
        QVERIFY(
            shown.contains(QStringLiteral("\tat shop.payments.Gateway.charge(Gateway.java:118)")));
        QVERIFY(shown.contains(QStringLiteral("payment.amount\n99.5\ndouble")));
        QVERIFY(shown.contains(QStringLiteral("retry\nfalse\nbool")));
        QVERIFY(shown.contains(QStringLiteral("card.checked +10.000 ms")));
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

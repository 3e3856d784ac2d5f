// Redaction of exported telemetry: secrets by key and by value (e-mail addresses, bearer tokens,
// secret-named URL query parameters), linear in the length of hostile values.

#include <files/redaction.h>

#include <QTest>

using namespace spanscope;
using ingest::RedactionRules;
using ingest::Redactor;

namespace {

storage::TraceData traceWith(storage::Attributes attributes, std::string statusMessage = {})
{
    storage::TraceData trace;
    trace.resources.emplace_back();
    trace.scopes.emplace_back();
    storage::StoredSpan stored;
    stored.span.attributes = std::move(attributes);
    stored.span.statusMessage = std::move(statusMessage);
    trace.spans.push_back(std::move(stored));
    return trace;
}

storage::KeyValue text(std::string key, std::string value)
{
    storage::KeyValue kv;
    kv.key = std::move(key);
    kv.value.value = std::move(value);
    return kv;
}

std::string valueOf(const storage::TraceData &trace, std::size_t attribute)
{
    return std::get<std::string>(trace.spans[0].span.attributes[attribute].value.value);
}

} // namespace

class TestRedaction : public QObject
{
    Q_OBJECT
private slots:
    // For the export preview: each masked value with where it was, its key, how it will read
    // and why; a kept key is left as it is.
    void findingsSayWhatIsMaskedAndKeptKeysAreNot()
    {
        storage::Span span;
        span.attributes = {{"http.request.header.authorization", {std::string("Bearer s3cr3t")}},
                           {"user.email", {std::string("ann@example.com")}},
                           {"http.route", {std::string("/orders")}}};
        auto redactor = Redactor::create(RedactionRules::defaults());
        QVERIFY(redactor);
        (*redactor)->recordFindings();
        (*redactor)->setPlace("POST /checkout");
        storage::Span masked = span;
        (*redactor)->redact(masked);
        const auto &findings = (*redactor)->findings();
        QCOMPARE(findings.size(), std::size_t(2));
        QCOMPARE(findings[0].place, std::string("POST /checkout"));
        QCOMPARE(findings[0].key, std::string("http.request.header.authorization"));
        QCOMPARE(findings[0].masked, std::string(Redactor::Mask));
        QCOMPARE(findings[1].key, std::string("user.email"));
        QVERIFY(findings[1].masked.find("example.com") == std::string::npos);
        for (const auto &finding : findings)
            QVERIFY(finding.masked.find("s3cr3t") == std::string::npos);

        RedactionRules keepEmail = RedactionRules::defaults();
        keepEmail.keepKeys = {"user.email"};
        auto keeping = Redactor::create(keepEmail);
        QVERIFY(keeping);
        storage::Span kept = span;
        (*keeping)->redact(kept);
        QCOMPARE(std::get<std::string>(kept.attributes[1].value.value),
                 std::string("ann@example.com"));
        QCOMPARE(std::get<std::string>(kept.attributes[0].value.value),
                 std::string(Redactor::Mask));
        // The kept keys travel with the rules.
        auto parsed = RedactionRules::fromJson(R"({"defaults": true, "keep": ["user.email"]})");
        QVERIFY(parsed);
        QCOMPARE(parsed->keepKeys, std::vector<std::string>{"user.email"});
    }

    void defaultsMaskSecretsByKeyAndValue()
    {
        auto redactor = Redactor::create(RedactionRules::defaults());
        QVERIFY2(redactor, redactor ? "" : redactor.error().c_str());
        auto trace = traceWith({text("http.request.header.authorization", "Basic dXNlcjpwdw=="),
                                text("user", "mail ada@example.org now"),
                                text("note", "Authorization: Bearer abc.def-123 end"),
                                text("http.route", "/checkout")});
        (*redactor)->redact(trace);
        QCOMPARE(valueOf(trace, 0), std::string(Redactor::Mask));
        QCOMPARE(valueOf(trace, 1), std::string("mail [REDACTED] now"));
        QCOMPARE(valueOf(trace, 2), std::string("Authorization: [REDACTED] end"));
        QCOMPARE(valueOf(trace, 3), std::string("/checkout"));
    }

    void secretQueryParametersAreMaskedInUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("masked");
        QTest::newRow("session") << "https://shop.example/checkout?session=abc123"
                                 << "https://shop.example/checkout?session=[REDACTED]";
        QTest::newRow("second parameter, others kept") << "/pay?item=7&api_key=K-99&page=2"
                                                       << "/pay?item=7&api_key=[REDACTED]&page=2";
        QTest::newRow("access token and fragment")
            << "https://a.example/cb?access_token=eyJh.x#top"
            << "https://a.example/cb?access_token=[REDACTED]#top";
        QTest::newRow("signature, case ignored") << "/s3/obj?X-Amz-Signature=deadbeef"
                                                 << "/s3/obj?X-Amz-Signature=[REDACTED]";
        QTest::newRow("password in a log line") << "GET /login?user=ada&password=hunter2 200"
                                                << "GET /login?user=ada&password=[REDACTED] 200";
        QTest::newRow("harmless query kept") << "/search?q=shoes&page=3"
                                             << "/search?q=shoes&page=3";
    }

    void secretQueryParametersAreMaskedInUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, masked);
        auto redactor = Redactor::create(RedactionRules::defaults());
        QVERIFY(redactor);
        auto trace = traceWith({text("url.full", url.toStdString())});
        (*redactor)->redact(trace);
        QCOMPARE(QString::fromStdString(valueOf(trace, 0)), masked);
    }

    void longHostileValuesTakeLinearTime()
    {
        // std::regex recursed once per character here and crashed from 40 000 characters on.
        auto redactor = Redactor::create(RedactionRules::defaults());
        QVERIFY(redactor);
        const std::string run(200'000, 'a');
        auto trace = traceWith({text("blob", run), text("blob2", run + "@example.org")},
                               std::string(100'000, '.'));
        (*redactor)->redact(trace);
        QCOMPARE(valueOf(trace, 0), run);
        QCOMPARE(valueOf(trace, 1), std::string(Redactor::Mask));
        QCOMPARE(trace.spans[0].span.statusMessage.size(), std::size_t(100'000));
    }

    void customPatternsAndTheirErrors()
    {
        auto rules
            = RedactionRules::fromJson(R"({"keys": ["^customer\\."], "values": ["ord-[0-9]+"]})");
        QVERIFY(rules);
        auto redactor = Redactor::create(*rules);
        QVERIFY(redactor);
        auto trace = traceWith({text("customer.name", "Ada"), text("msg", "see ORD-42 and ord-7")});
        (*redactor)->redact(trace);
        QCOMPARE(valueOf(trace, 0), std::string(Redactor::Mask));
        QCOMPARE(valueOf(trace, 1), std::string("see [REDACTED] and [REDACTED]"));
        QCOMPARE((*redactor)->counts().at("ord-[0-9]+"), 1);

        auto broken = Redactor::create({{"("}, {}, {}});
        QVERIFY(!broken);
        QVERIFY2(broken.error().find("\"(\"") != std::string::npos, broken.error().c_str());
    }
};

QTEST_APPLESS_MAIN(TestRedaction)
#include "tst_redaction.moc"

// JSON log lines as the common loggers write them, turned into log records: message, severity,
// time, trace context, exceptions and the remaining keys; plain, malformed, partial and very long
// lines; ids that are not valid.

#include <files/logline.h>
#include <tracetext.h>

#include <QTest>

using namespace spanscope;

namespace {

constexpr std::uint64_t Observed = 42;
constexpr const char *Trace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char *Span = "00f067aa0ba902b7";
constexpr std::uint64_t Nov24 = 1'795'514'400ull * 1'000'000'000ull; // 2026-11-24T10:00:00Z

const storage::AnyValue *attribute(const storage::LogRecord &record, const std::string &key)
{
    for (const auto &kv : record.attributes) {
        if (kv.key == key)
            return &kv.value;
    }
    return nullptr;
}

QString attributeText(const storage::LogRecord &record, const std::string &key)
{
    const auto *value = attribute(record, key);
    return value ? QString::fromStdString(storage::formatValue(*value)) : QStringLiteral("(none)");
}

} // namespace

class TestLogLine : public QObject
{
    Q_OBJECT
private slots:
    void recognisedShapes_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("body");
        QTest::addColumn<int>("severity");
        QTest::addColumn<quint64>("time");
        QTest::addColumn<bool>("linked"); // trace and span ids taken
        QTest::addColumn<QString>("attributeKey"); // one key that must stay an attribute
        QTest::addColumn<QString>("attributeValue");

        const QString trace = QString::fromLatin1(Trace), span = QString::fromLatin1(Span);
        QTest::newRow("structlog")
            << QStringLiteral("{\"event\": \"charging card\", \"level\": \"info\", \"timestamp\": "
                              "\"2026-11-24T10:00:00.123456Z\", \"trace_id\": \"%1\", \"span_id\": "
                              "\"%2\", \"order_id\": 1042}")
                   .arg(trace, span)
            << QStringLiteral("charging card") << 9 << quint64(Nov24 + 123'456'000) << true
            << QStringLiteral("order_id") << QStringLiteral("1042");
        QTest::newRow("python-json-logger with the OTel logging instrumentation")
            << QStringLiteral("{\"asctime\": \"not a time\", \"levelname\": \"WARNING\", "
                              "\"message\": \"slow query\", \"otelTraceID\": \"%1\", "
                              "\"otelSpanID\": \"%2\", \"otelServiceName\": \"orders\"}")
                   .arg(trace, span)
            << QStringLiteral("slow query") << 13 << quint64(Observed) << true
            << QStringLiteral("asctime") << QStringLiteral("\"not a time\"");
        QTest::newRow("pino")
            << QStringLiteral("{\"level\":50,\"time\":1795514400123,\"pid\":7,\"hostname\":\"h\","
                              "\"msg\":\"payment failed\",\"event\":\"not the message\","
                              "\"traceId\":\"%1\",\"spanId\":\"%2\"}")
                   .arg(trace, span)
            << QStringLiteral("payment failed") << 17 << quint64(Nov24 + 123'000'000) << true
            << QStringLiteral("event") << QStringLiteral("\"not the message\"");
        QTest::newRow("zap")
            << QStringLiteral(
                   "{\"level\":\"error\",\"ts\":1795514400.5,\"caller\":\"pay/pay.go:42\","
                   "\"msg\":\"charge failed\",\"trace_id\":\"%1\",\"span_id\":\"%2\"}")
                   .arg(trace, span)
            << QStringLiteral("charge failed") << 17 << quint64(Nov24 + 500'000'000) << true
            << QStringLiteral("caller") << QStringLiteral("\"pay/pay.go:42\"");
        QTest::newRow("logrus with an offset")
            << QStringLiteral("{\"level\":\"warning\",\"msg\":\"retrying\",\"time\":"
                              "\"2026-11-24T11:00:00+01:00\",\"attempt\":2}")
            << QStringLiteral("retrying") << 13 << quint64(Nov24) << false
            << QStringLiteral("attempt") << QStringLiteral("2");
        QTest::newRow("slog with a level offset")
            << QStringLiteral("{\"time\":\"2026-11-24T10:00:00.000000001Z\",\"level\":\"INFO+2\","
                              "\"msg\":\"hello\",\"user\":{\"id\":7}}")
            << QStringLiteral("hello") << 11 << quint64(Nov24 + 1) << false
            << QStringLiteral("user") << QStringLiteral("{id=7}");
        QTest::newRow("plain text") << QStringLiteral("INFO something happened")
                                    << QStringLiteral("INFO something happened") << 0
                                    << quint64(Observed) << false << QString() << QString();
        QTest::newRow("malformed JSON is kept as text")
            << QStringLiteral("{\"msg\": \"cut off\",") << QStringLiteral("{\"msg\": \"cut off\",")
            << 0 << quint64(Observed) << false << QString() << QString();
        QTest::newRow("a JSON array is not a record")
            << QStringLiteral("[1, 2]") << QStringLiteral("[1, 2]") << 0 << quint64(Observed)
            << false << QString() << QString();
        QTest::newRow("invalid ids stay as attributes, unlinked")
            << QStringLiteral("{\"msg\":\"x\",\"trace_id\":\"nothex\",\"span_id\":\"%1\"}")
                   .arg(trace)
            << QStringLiteral("x") << 0 << quint64(Observed) << false << QStringLiteral("trace_id")
            << QStringLiteral("\"nothex\"");
        QTest::newRow("all-zero trace id is unlinked")
            << QStringLiteral("{\"msg\":\"x\",\"trace_id\":\"00000000000000000000000000000000\"}")
            << QStringLiteral("x") << 0 << quint64(Observed) << false << QStringLiteral("trace_id")
            << QStringLiteral("\"00000000000000000000000000000000\"");
    }

    void recognisedShapes()
    {
        QFETCH(QString, line);
        QFETCH(QString, body);
        QFETCH(int, severity);
        QFETCH(quint64, time);
        QFETCH(bool, linked);
        QFETCH(QString, attributeKey);
        QFETCH(QString, attributeValue);
        const auto parsed = ingest::parseLogLine(line.toStdString(), Observed);
        QVERIFY(parsed);
        const storage::LogRecord &record = parsed->record;
        QCOMPARE(QString::fromStdString(std::get<std::string>(record.body.value)), body);
        QCOMPARE(record.severityNumber, severity);
        QCOMPARE(quint64(record.timeUnixNano ? record.timeUnixNano : record.observedTimeUnixNano),
                 time);
        QCOMPARE(storage::isValid(record.traceId), linked);
        if (linked) {
            QCOMPARE(storage::toHex(record.traceId), std::string(Trace));
            QCOMPARE(storage::toHex(record.spanId), std::string(Span));
        }
        if (!attributeKey.isEmpty())
            QCOMPARE(attributeText(record, attributeKey.toStdString()), attributeValue);
        // The keys that were understood are not repeated as attributes.
        for (const char *taken : {"msg", "message", "level", "levelname", "timestamp", "ts"})
            QVERIFY2(!attribute(record, taken), taken);
    }

    void exceptions_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("stackContains");
        QTest::newRow("structlog format_exc_info")
            << QStringLiteral("{\"event\":\"failed\",\"level\":\"error\",\"exception\":\"Traceback "
                              "(most recent call last):\\n  File \\\"/app/pay.py\\\", line 41, in "
                              "charge\\n    raise ValueError(\\\"declined\\\")\\nValueError: "
                              "declined\"}")
            << QStringLiteral("ValueError") << QStringLiteral("declined")
            << QStringLiteral("File \"/app/pay.py\", line 41");
        QTest::newRow("structlog dict_tracebacks")
            << QStringLiteral("{\"event\":\"failed\",\"exception\":[{\"exc_type\":\"KeyError\","
                              "\"exc_value\":\"'sku'\",\"frames\":[{\"filename\":\"/app/stock.py\","
                              "\"lineno\":12,\"name\":\"reserve\"}]}]}")
            << QStringLiteral("KeyError") << QStringLiteral("'sku'")
            << QStringLiteral("File \"/app/stock.py\", line 12, in reserve");
        QTest::newRow("pino err") << QStringLiteral(
            "{\"level\":50,\"msg\":\"boom\",\"err\":{\"type\":\"TypeError\","
            "\"message\":\"x is undefined\",\"stack\":\"TypeError: x is "
            "undefined\\n    at f (/app/a.js:3:9)\"}}")
                                  << QStringLiteral("TypeError") << QStringLiteral("x is undefined")
                                  << QStringLiteral("(/app/a.js:3:9)");
        QTest::newRow("python-json-logger exc_info")
            << QStringLiteral("{\"message\":\"oops\",\"exc_info\":\"Traceback (most recent call "
                              "last):\\n  File \\\"/x.py\\\", line 1, in <module>\\nmod.Err: bad "
                              "thing: really\"}")
            << QStringLiteral("mod.Err") << QStringLiteral("bad thing: really")
            << QStringLiteral("<module>");
    }

    void exceptions()
    {
        QFETCH(QString, line);
        QFETCH(QString, type);
        QFETCH(QString, message);
        QFETCH(QString, stackContains);
        const auto parsed = ingest::parseLogLine(line.toStdString(), Observed);
        QVERIFY(parsed);
        QCOMPARE(attributeText(parsed->record, "exception.type"),
                 QStringLiteral("\"%1\"").arg(type));
        QCOMPARE(attributeText(parsed->record, "exception.message"),
                 QStringLiteral("\"%1\"").arg(message));
        const auto *stack = attribute(parsed->record, "exception.stacktrace");
        QVERIFY(stack);
        QVERIFY(
            QString::fromStdString(std::get<std::string>(stack->value)).contains(stackContains));
        QVERIFY(parsed->record.severityNumber >= 17);
    }

    void serviceBlankAndLongLines()
    {
        const auto service = ingest::parseLogLine(R"({"msg":"x","service":"billing"})", Observed);
        QCOMPARE(service->service, std::string("billing"));
        QVERIFY(!ingest::parseLogLine("   \r\n", Observed));
        QVERIFY(!ingest::parseLogLine("", Observed));

        // Nested beyond reason: kept as text, never parsed (or printed recursively).
        const std::string deep = "{\"msg\": " + std::string(500'000, '[') + "}";
        const auto nested = ingest::parseLogLine(deep, Observed);
        QVERIFY(nested);
        QVERIFY(!nested->structured);
        QCOMPARE(std::get<std::string>(nested->record.body.value).size(), deep.size());

        const std::string longLine = "{\"msg\":\"" + std::string(2 << 20, 'a') + "\"}";
        const auto cut = ingest::parseLogLine(longLine, Observed);
        QVERIFY(cut);
        QCOMPARE(std::get<std::string>(cut->record.body.value).size(), ingest::MaxLogLineBytes);
        QCOMPARE(attributeText(cut->record, "spanscope.truncated_bytes"),
                 QString::number(longLine.size() - ingest::MaxLogLineBytes));
    }

    void isoTimes_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("nanos"); // -1: not a time
        QTest::newRow("Z") << QStringLiteral("2026-11-24T10:00:00Z") << qint64(Nov24);
        QTest::newRow("lower t and z") << QStringLiteral("2026-11-24t10:00:00z") << qint64(Nov24);
        QTest::newRow("millis") << QStringLiteral("2026-11-24T10:00:00.250Z")
                                << qint64(Nov24 + 250'000'000);
        QTest::newRow("beyond ns is cut")
            << QStringLiteral("2026-11-24T10:00:00.1234567891Z") << qint64(Nov24 + 123'456'789);
        QTest::newRow("negative offset")
            << QStringLiteral("2026-11-24T05:00:00-05:00") << qint64(Nov24);
        QTest::newRow("offset without colon")
            << QStringLiteral("2026-11-24T12:00:00+0200") << qint64(Nov24);
        QTest::newRow("leap day") << QStringLiteral("2024-02-29T00:00:00Z")
                                  << qint64(1'709'164'800'000'000'000);
        QTest::newRow("garbage") << QStringLiteral("yesterday") << qint64(-1);
        QTest::newRow("bad month") << QStringLiteral("2026-13-01T00:00:00Z") << qint64(-1);
        QTest::newRow("trailing text")
            << QStringLiteral("2026-11-24T10:00:00Z and more") << qint64(-1);
    }

    void isoTimes()
    {
        QFETCH(QString, text);
        QFETCH(qint64, nanos);
        const auto parsed = ingest::parseIsoTime(text.toStdString());
        QCOMPARE(parsed ? qint64(*parsed) : qint64(-1), nanos);
    }

    void severities()
    {
        QCOMPARE(ingest::severityNumberOf("WARN"), 13);
        QCOMPARE(ingest::severityNumberOf("Critical"), 21);
        QCOMPARE(ingest::severityNumberOf("ERROR-1"), 16);
        QCOMPARE(ingest::severityNumberOf("7"), 7);
        QCOMPARE(ingest::severityNumberOf("loud"), 0);
        QCOMPARE(ingest::severityNumberOfPino(30), 9);
        QCOMPARE(ingest::severityNumberOfPino(60), 21);
    }
};

QTEST_GUILESS_MAIN(TestLogLine)
#include "tst_logline.moc"

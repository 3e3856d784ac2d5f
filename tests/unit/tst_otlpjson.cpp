// OTLP-JSON as the specification and real exporters write it: hex ids, int64 as strings or
// numbers, integer enums, unknown fields ignored; and clear errors for what is wrong.

#include <otlp/jsondepth.h>
#include <otlp/otlpconvert.h>
#include <otlp/otlpjson.h>
#include <otlp/otlpjsonsplit.h>

#include <nlohmann/json.hpp>

#include <QTest>

using namespace spanscope;
using Request = opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest;

namespace {

QByteArray wrapSpan(const QByteArray &spanJson)
{
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},"scopeSpans":[{"scope":{"name":"lib"},"spans":[)"
        + spanJson + "]}]}]}";
}

} // namespace

class TestOtlpJson : public QObject
{
    Q_OBJECT
private slots:
    void accepted_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("traceId");
        QTest::addColumn<qulonglong>("start");
        QTest::addColumn<int>("kind");

        QTest::newRow("spec example, uppercase hex, int64 as string") << wrapSpan(
            R"({"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":"a","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000"})")
                                                                      << "5b8efff798038103d269b6338"
                                                                         "13fc60c"
                                                                      << 1544712660000000000ull
                                                                      << 2;
        QTest::newRow("int64 as number") << wrapSpan(
            R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a","kind":3,"startTimeUnixNano":1544712660000000000})")
                                         << "5b8efff798038103d269b633813fc60c"
                                         << 1544712660000000000ull << 3;
        QTest::newRow("unknown fields ignored") << wrapSpan(
            R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a","futureField":{"x":[1,2]},"kind":1})")
                                                << "5b8efff798038103d269b633813fc60c" << 0ull << 1;
        QTest::newRow("snake_case names, as the Collector accepts") << wrapSpan(
            R"({"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"eee19b7ec3c1b174","name":"a","start_time_unix_nano":"7"})")
                                                                    << "5b8efff798038103d269b633813"
                                                                       "fc60c"
                                                                    << 7ull << 0;
        // Brackets, quotes and backslashes inside strings, and an attribute named like an id.
        QTest::newRow("brackets, quotes and escapes inside strings")
            << wrapSpan(
                   "{\"name\":\"a\\\"}]{[\\\\\",\"traceId\":\"5b8efff798038103d269b633813fc60c\","
                   "\"spanId\":\"eee19b7ec3c1b174\",\"kind\":4,\"attributes\":[{\"key\":"
                   "\"traceId\","
                   "\"value\":{\"stringValue\":\"not an id \\\" {\"}}]}")
            << "5b8efff798038103d269b633813fc60c" << 0ull << 4;
        QTest::newRow("whitespace everywhere")
            << QByteArray(" \n{ \"resourceSpans\" : [ { \"resource\" : { \"attributes\" : [ { "
                          "\"key\" : \"service.name\" , "
                          "\"value\" : { \"stringValue\" : \"svc\" } } ] } , \"scopeSpans\" : [ { "
                          "\"spans\" : [ { "
                          "\"traceId\" :\n \"5b8efff798038103d269b633813fc60c\" , \"spanId\" : "
                          "\"eee19b7ec3c1b174\" } ] } ] } ] } \n")
            << "5b8efff798038103d269b633813fc60c" << 0ull << 0;
        QTest::newRow("enum by name, as lenient receivers accept") << wrapSpan(
            R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a","kind":"SPAN_KIND_CONSUMER"})")
                                                                   << "5b8efff798038103d269b633813f"
                                                                      "c60c"
                                                                   << 0ull << 5;
    }

    void accepted()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, traceId);
        QFETCH(qulonglong, start);
        QFETCH(int, kind);
        Request request;
        const std::string error = ingest::parseOtlpJson(json.toStdString(), request);
        QVERIFY2(error.empty(), error.c_str());
        const auto decoded = ingest::decodeTraces(request, {});
        QCOMPARE(decoded.rejected, 0u);
        QCOMPARE(decoded.batch.spanCount(), size_t(1));
        const storage::Span &span = decoded.batch.groups[0].spans[0];
        QCOMPARE(QString::fromStdString(storage::toHex(span.traceId)), traceId);
        QCOMPARE(span.startUnixNano, start);
        QCOMPARE(static_cast<int>(span.kind), kind);
        QCOMPARE(decoded.batch.groups[0].resource.serviceName(), std::string("svc"));
    }

    void attributeKinds()
    {
        Request request;
        const QByteArray json = wrapSpan(
            R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"a","attributes":[
            {"key":"s","value":{"stringValue":"text"}},
            {"key":"b","value":{"boolValue":true}},
            {"key":"i","value":{"intValue":"-9007199254740993"}},
            {"key":"d","value":{"doubleValue":0.25}},
            {"key":"y","value":{"bytesValue":"AAH/"}},
            {"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":1}]}}},
            {"key":"m","value":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}},
            {"key":"e","value":{}}]})");
        QCOMPARE(ingest::parseOtlpJson(json.toStdString(), request), std::string());
        const auto decoded = ingest::decodeTraces(request, {});
        const storage::Attributes &a = decoded.batch.groups[0].spans[0].attributes;
        QCOMPARE(a.size(), size_t(8));
        QCOMPARE(std::get<std::string>(a[0].value.value), std::string("text"));
        QCOMPARE(std::get<bool>(a[1].value.value), true);
        QCOMPARE(std::get<std::int64_t>(a[2].value.value), std::int64_t(-9007199254740993));
        QCOMPARE(std::get<double>(a[3].value.value), 0.25);
        QCOMPARE(std::get<storage::Bytes>(a[4].value.value).data, std::string("\0\1\xff", 3));
        QCOMPARE(std::get<storage::AnyValue::Array>(a[5].value.value).size(), size_t(2));
        QCOMPARE(std::get<storage::AnyValue::KeyValueList>(a[6].value.value)[0].key,
                 std::string("k"));
        QCOMPARE(a[7].value.type(), storage::AnyValue::Type::Empty);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("truncated") << QByteArray(R"({"resourceSpans":[)")
                                   << "malformed JSON at byte 18: the document ends early";
        QTest::newRow("not an object") << QByteArray("[1,2]") << "must be an object";
        QTest::newRow("non-hex id")
            << wrapSpan(
                   R"({"traceId":"zz8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"})")
            << "$.resourceSpans[0].scopeSpans[0].spans[0].traceId is not a hex id";
        QTest::newRow("odd-length id") << wrapSpan(R"({"spanId":"eee"})") << "odd length";
        QTest::newRow("wrong type")
            << QByteArray(R"({"resourceSpans":"nope"})") << "invalid OTLP-JSON";
        QTest::newRow("unterminated string")
            << QByteArray("{\"resourceSpans\":[{\"x\":\"abc") << "a string is not terminated";
        QTest::newRow("unbalanced") << QByteArray("{\"resourceSpans\":[}]") << "unbalanced";
        QTest::newRow("empty body") << QByteArray("  ") << "the body is empty";
        QTest::newRow("trailing garbage")
            << QByteArray("{\"resourceSpans\":[]} x") << "invalid OTLP-JSON";
        // Found by fuzz_otlp_json: a string after the document closed read an empty path.
        QTest::newRow("string after the object") << QByteArray(R"({}"x")") << "invalid OTLP-JSON";
        QByteArray deep(200, '[');
        QTest::newRow("deep nesting")
            << QByteArray(R"({"x":)" + deep + QByteArray(200, ']') + "}") << "nested more than";
    }

    void refused()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        Request request;
        const std::string error = ingest::parseOtlpJson(json.toStdString(), request);
        QVERIFY2(QString::fromStdString(error).contains(message), error.c_str());
    }

    // One nesting limit for every JSON Spanscope reads: a body at it is read, one level deeper
    // is refused with the limit named.
    void nestingStopsAtTheSharedLimit()
    {
        const auto nested = [](int arrays) {
            return "{\"x\":" + std::string(std::size_t(arrays), '[')
                + std::string(std::size_t(arrays), ']') + "}";
        };
        Request request;
        QCOMPARE(ingest::parseOtlpJson(nested(ingest::MaxJsonNesting - 1), request), std::string());
        const std::string error = ingest::parseOtlpJson(nested(ingest::MaxJsonNesting), request);
        QVERIFY2(error.find("nested more than " + std::to_string(ingest::MaxJsonNesting))
                     != std::string::npos,
                 error.c_str());
    }

    void printsHexIdsAndStringInts()
    {
        Request request;
        const QByteArray json = wrapSpan(
            R"({"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"0102030405060708","name":"a","kind":2,"startTimeUnixNano":"1544712660000000000","attributes":[{"key":"n","value":{"intValue":"10"}}]})");
        QCOMPARE(ingest::parseOtlpJson(json.toStdString(), request), std::string());
        const auto printed = nlohmann::json::parse(ingest::printOtlpJson(request));
        const auto &span = printed["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
        QCOMPARE(span["traceId"].get<std::string>(),
                 std::string("5b8efff798038103d269b633813fc60c"));
        QCOMPARE(span["parentSpanId"].get<std::string>(), std::string("0102030405060708"));
        QCOMPARE(span["kind"].get<int>(), 2);
        QCOMPARE(span["startTimeUnixNano"].get<std::string>(), std::string("1544712660000000000"));
        QCOMPARE(span["attributes"][0]["value"]["intValue"].get<std::string>(), std::string("10"));

        opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
        QCOMPARE(ingest::printOtlpJson(response), std::string("{}"));
        response.mutable_partial_success()->set_rejected_spans(3);
        response.mutable_partial_success()->set_error_message("bad ids");
        QCOMPARE(
            ingest::printOtlpJson(response),
            std::string(R"({"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad ids"}})"));
    }

    // A large object is parsed a part at a time; the parts hold exactly what the whole holds,
    // each resource and scope with its own fields, in either spelling of the keys.
    void largeObjectsSplitIntoParts()
    {
        // Both spellings of the keys, fields before and after the lists, an empty scope.
        nlohmann::json resources = nlohmann::json::array();
        for (int r = 0; r < 2; ++r) {
            nlohmann::json spans = nlohmann::json::array();
            for (int i = 0; i < 300; ++i)
                spans.push_back({{"traceId", "5b8efff798038103d269b633813fc60c"},
                                 {"spanId",
                                  QByteArray::number(r * 1000 + i + 1, 16)
                                      .rightJustified(16, '0')
                                      .toStdString()},
                                 {"name", "op \"quoted\" ]}"},
                                 {"startTimeUnixNano", "1"},
                                 {"endTimeUnixNano", "2"}});
            resources.push_back({{"schemaUrl", "https://s/" + std::to_string(r)},
                                 {"resource",
                                  {{"attributes",
                                    {{{"key", "service.name"},
                                      {"value", {{"stringValue", "svc" + std::to_string(r)}}}}}}}},
                                 {"scopeSpans",
                                  {{{"scope", {{"name", "lib"}}},
                                    {"spans", spans},
                                    {"schema_url", "https://scope"}},
                                   {{"scope", {{"name", "empty"}}}}}}});
        }
        const std::string json = nlohmann::json{{"resource_spans", resources}}.dump(1);

        std::vector<std::string> pieces;
        std::string error;
        QVERIFY(ingest::splitOtlpJson(
            json, 4096,
            [&](std::string_view piece) {
                pieces.emplace_back(piece);
                return true;
            },
            error));
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY(pieces.size() > 10);
        std::map<std::string, int> spansByService;
        for (const std::string &piece : pieces) {
            QVERIFY(piece.size() <= 4096);
            Request request;
            const std::string parseError = ingest::parseOtlpJson(piece, request);
            QVERIFY2(parseError.empty(), (parseError + " in " + piece.substr(0, 300)).c_str());
            QCOMPARE(request.resource_spans_size(), 1);
            const auto &rs = request.resource_spans(0);
            QCOMPARE(rs.scope_spans_size(), 1);
            QCOMPARE(rs.scope_spans(0).schema_url(), std::string("https://scope"));
            const std::string service = rs.resource().attributes(0).value().string_value();
            QCOMPARE(rs.schema_url(), "https://s/" + service.substr(3));
            QCOMPARE(rs.scope_spans(0).spans(0).name(), std::string("op \"quoted\" ]}"));
            spansByService[service] += rs.scope_spans(0).spans_size();
        }
        QCOMPARE(spansByService, (std::map<std::string, int>{{"svc0", 300}, {"svc1", 300}}));

        // Small objects pass whole; damaged ones are refused, never half-read silently.
        int calls = 0;
        QVERIFY(ingest::splitOtlpJson(
            nlohmann::json{{"resourceSpans", nlohmann::json::array()}}.dump(), 4096,
            [&](std::string_view) { return ++calls; }, error));
        QCOMPARE(calls, 1);
        for (const std::string &damaged :
             {json.substr(0, json.size() - 1), json.substr(0, json.size() / 2) + "\"",
              "{\"resourceSpans\": [" + std::string(200, '[') + std::string(5000, ' ') + "]}"}) {
            error.clear();
            QVERIFY(!ingest::splitOtlpJson(
                damaged, 4096, [](std::string_view) { return true; }, error));
            QVERIFY(!error.empty());
        }
        const nlohmann::json keys{{"a", {1, {{"b", 2}}}}, {"c", "}"}};
        QCOMPARE(*ingest::jsonObjectKeys(keys.dump()), (std::vector<std::string>{"a", "c"}));
        QVERIFY(!ingest::jsonObjectKeys("[1]"));
        QVERIFY(!ingest::jsonObjectKeys(keys.dump() + " x"));
    }
};

QTEST_GUILESS_MAIN(TestOtlpJson)
#include "tst_otlpjson.moc"

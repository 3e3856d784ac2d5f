// The compact attribute encoding: every value kind round-trips with its type, damaged blobs are
// refused, and the attribute filter matches without decoding.

#include <valuecodec.h>

#include <QTest>

#include <map>

using namespace spanscope::storage;

Q_DECLARE_METATYPE(spanscope::storage::AnyValue)

namespace {

// An in-memory dictionary standing in for the `strings` table.
class MemoryDictionary : public StringInterner, public StringResolver
{
public:
    std::uint64_t internKey(std::string_view key) override { return id(key); }
    std::uint64_t internValue(std::string_view, std::string_view value) override
    {
        return value.size() <= 8 ? id(value) : 0; // short values by reference, long ones inline
    }
    bool resolve(std::uint64_t id, std::string &out) override
    {
        auto it = m_byId.find(id);
        if (it == m_byId.end())
            return false;
        out = it->second;
        return true;
    }
    std::uint64_t id(std::string_view text)
    {
        auto [it, added] = m_ids.emplace(std::string(text), m_ids.size() + 1);
        if (added)
            m_byId.emplace(it->second, it->first);
        return it->second;
    }

private:
    std::map<std::string, std::uint64_t> m_ids;
    std::map<std::uint64_t, std::string> m_byId;
};

AnyValue text(std::string s)
{
    return AnyValue{std::move(s)};
}

} // namespace

class TestValueCodec : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data()
    {
        QTest::addColumn<AnyValue>("value");
        QTest::newRow("empty") << AnyValue{};
        QTest::newRow("short string (dictionary)") << text("GET");
        QTest::newRow("long string (inline)") << text("SELECT qty FROM inventory WHERE sku = $1");
        QTest::newRow("empty string") << text("");
        QTest::newRow("utf-8") << text("zürich ✓ 東京");
        QTest::newRow("true") << AnyValue{true};
        QTest::newRow("false") << AnyValue{false};
        QTest::newRow("zero") << AnyValue{std::int64_t(0)};
        QTest::newRow("negative int") << AnyValue{std::int64_t(-42)};
        QTest::newRow("int64 max") << AnyValue{std::numeric_limits<std::int64_t>::max()};
        QTest::newRow("int64 min") << AnyValue{std::numeric_limits<std::int64_t>::min()};
        QTest::newRow("double") << AnyValue{99.5};
        QTest::newRow("negative double") << AnyValue{-1e-300};
        QTest::newRow("bytes with NUL") << AnyValue{Bytes{std::string("\0\1\xff", 3)}};
        QTest::newRow("array of mixed") << AnyValue{
            AnyValue::Array{text("a"), AnyValue{std::int64_t(1)}, AnyValue{true}, AnyValue{}}};
        QTest::newRow("empty array") << AnyValue{AnyValue::Array{}};
        QTest::newRow("map") << AnyValue{AnyValue::KeyValueList{
            {"user", text("ada")}, {"tags", AnyValue{AnyValue::Array{text("x")}}}}};
        QTest::newRow("nested map") << AnyValue{
            AnyValue::KeyValueList{{"a", AnyValue{AnyValue::KeyValueList{{"b", AnyValue{2.5}}}}}}};
    }

    void roundTrip()
    {
        QFETCH(AnyValue, value);
        MemoryDictionary dictionary;
        std::string blob;
        encodeAnyValue(value, dictionary, blob);
        AnyValue decoded;
        QVERIFY(decodeAnyValue(blob, dictionary, decoded));
        QCOMPARE(decoded.type(), value.type());
        QVERIFY(decoded == value);

        const Attributes attributes{{"k", value}, {"other", text("x")}};
        std::string attrBlob;
        encodeAttributes(attributes, dictionary, attrBlob);
        Attributes back;
        QVERIFY(decodeAttributes(attrBlob, dictionary, back));
        QVERIFY(back == attributes);
    }

    void eventsAndLinks()
    {
        MemoryDictionary dictionary;
        const std::vector<SpanEvent> events{
            {1000, "started", {{"items", AnyValue{std::int64_t(3)}}}, 2},
            {900, "before start", {}, 0}};
        std::string blob;
        encodeEvents(events, 1000, dictionary, blob);
        std::vector<SpanEvent> back;
        QVERIFY(decodeEvents(blob, 1000, dictionary, back));
        QVERIFY(back == events);

        SpanLink link;
        fromHex("0102030405060708090a0b0c0d0e0f10", link.traceId);
        fromHex("1112131415161718", link.spanId);
        link.traceState = "vendor=x";
        link.attributes = {{"reason", text("retry")}};
        link.flags = 0x301;
        link.droppedAttributesCount = 4;
        std::string linkBlob;
        encodeLinks({link}, dictionary, linkBlob);
        std::vector<SpanLink> links;
        QVERIFY(decodeLinks(linkBlob, dictionary, links));
        QCOMPARE(links.size(), size_t(1));
        QVERIFY(links[0] == link);
    }

    void damagedBlobsAreRefused()
    {
        MemoryDictionary dictionary;
        std::string blob;
        encodeAttributes(
            {{"key", text("a long value that stays inline")}, {"n", AnyValue{std::int64_t(7)}}},
            dictionary, blob);
        Attributes out;
        for (std::size_t cut = 1; cut < blob.size(); ++cut)
            QVERIFY2(!decodeAttributes(std::string_view(blob).substr(0, cut), dictionary, out),
                     qPrintable(QStringLiteral("truncated at %1").arg(cut)));
        QVERIFY(!decodeAttributes(blob + "x", dictionary, out)); // trailing garbage
        QVERIFY(!decodeAttributes("\x05\x63\x02", dictionary, out)); // unknown dictionary id
        QVERIFY(!decodeAttributes("\xff\xff\xff\xff\x0f", dictionary, out)); // absurd count
        std::string deep;
        for (int i = 0; i < 200; ++i)
            deep += "\x08\x01"; // arrays nested 200 deep
        AnyValue value;
        QVERIFY(!decodeAnyValue(deep, dictionary, value));
    }

    void attributeMatching()
    {
        MemoryDictionary dictionary;
        std::string blob;
        encodeAttributes({{"http.route", text("/pay")},
                          {"url.full", text("http://shop.example/checkout/42")},
                          {"http.status", AnyValue{std::int64_t(503)}},
                          {"retry", AnyValue{true}},
                          {"nested", AnyValue{AnyValue::Array{text("x")}}}},
                         dictionary, blob);
        const auto match = [&](const char *key, const char *value) {
            AttributeMatcher m;
            m.keyId = dictionary.id(key);
            m.valueText = value;
            if (std::string_view(value).size() <= 8)
                m.valueId = dictionary.id(value);
            return attributesMatch(blob, m);
        };
        QVERIFY(match("http.route", "/pay"));
        QVERIFY(!match("http.route", "/paid"));
        QVERIFY(match("url.full", "http://shop.example/checkout/42"));
        QVERIFY(match("http.status", "503"));
        QVERIFY(!match("http.status", "500"));
        QVERIFY(match("retry", "true"));
        QVERIFY(!match("missing", "x"));
        QVERIFY(attributesHaveKey(blob, dictionary.id("nested")));
        QVERIFY(!attributesHaveKey(blob, dictionary.id("absent")));
    }
};

QTEST_GUILESS_MAIN(TestValueCodec)
#include "tst_valuecodec.moc"

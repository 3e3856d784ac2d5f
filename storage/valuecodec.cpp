#include "valuecodec.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>

namespace spanscope::storage {

namespace {

// One tag byte per value. A string is either a dictionary reference or inline text.
enum Tag : std::uint8_t {
    TagEmpty = 0,
    TagStringRef = 1,
    TagStringInline = 2,
    TagFalse = 3,
    TagTrue = 4,
    TagInt = 5,
    TagDouble = 6,
    TagBytes = 7,
    TagArray = 8,
    TagKeyValueList = 9,
};

constexpr int MaxNesting = 64;

void putVarint(std::string &out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(static_cast<char>(v | 0x80));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

void putText(std::string &out, std::string_view text)
{
    putVarint(out, text.size());
    out.append(text);
}

std::uint64_t zigzag(std::int64_t v)
{
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

std::int64_t unzigzag(std::uint64_t v)
{
    return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// A bounds-checked cursor over an encoded blob.
class Reader
{
public:
    explicit Reader(std::string_view data)
        : m_data(data)
    {}

    bool atEnd() const { return m_pos == m_data.size(); }

    bool byte(std::uint8_t &out)
    {
        if (m_pos >= m_data.size())
            return false;
        out = static_cast<std::uint8_t>(m_data[m_pos++]);
        return true;
    }

    bool varint(std::uint64_t &out)
    {
        out = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            std::uint8_t b;
            if (!byte(b))
                return false;
            out |= static_cast<std::uint64_t>(b & 0x7F) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    }

    bool text(std::string_view &out)
    {
        std::uint64_t len;
        if (!varint(len) || len > m_data.size() - m_pos)
            return false;
        out = m_data.substr(m_pos, len);
        m_pos += len;
        return true;
    }

    bool fixed(void *out, std::size_t n)
    {
        if (n > m_data.size() - m_pos)
            return false;
        std::memcpy(out, m_data.data() + m_pos, n);
        m_pos += n;
        return true;
    }

    // A count that cannot exceed the bytes left, so damaged input cannot ask for huge vectors.
    bool count(std::uint64_t &out) { return varint(out) && out <= m_data.size() - m_pos; }

private:
    std::string_view m_data;
    std::size_t m_pos = 0;
};

void encodeValue(const AnyValue &value, std::string_view key, StringInterner &interner,
                 std::string &out);

void encodeKeyValues(const std::vector<KeyValue> &kvs, StringInterner &interner, std::string &out)
{
    putVarint(out, kvs.size());
    for (const KeyValue &kv : kvs) {
        putVarint(out, interner.internKey(kv.key));
        encodeValue(kv.value, kv.key, interner, out);
    }
}

void encodeValue(const AnyValue &value, std::string_view key, StringInterner &interner,
                 std::string &out)
{
    switch (value.type()) {
    case AnyValue::Type::Empty:
        out.push_back(TagEmpty);
        break;
    case AnyValue::Type::String: {
        const auto &text = std::get<std::string>(value.value);
        if (const std::uint64_t id = interner.internValue(key, text)) {
            out.push_back(TagStringRef);
            putVarint(out, id);
        } else {
            out.push_back(TagStringInline);
            putText(out, text);
        }
        break;
    }
    case AnyValue::Type::Bool:
        out.push_back(std::get<bool>(value.value) ? TagTrue : TagFalse);
        break;
    case AnyValue::Type::Int:
        out.push_back(TagInt);
        putVarint(out, zigzag(std::get<std::int64_t>(value.value)));
        break;
    case AnyValue::Type::Double: {
        out.push_back(TagDouble);
        const auto bits = std::bit_cast<std::uint64_t>(std::get<double>(value.value));
        for (int i = 0; i < 8; ++i)
            out.push_back(static_cast<char>(bits >> (8 * i)));
        break;
    }
    case AnyValue::Type::Bytes:
        out.push_back(TagBytes);
        putText(out, std::get<Bytes>(value.value).data);
        break;
    case AnyValue::Type::Array: {
        const auto &array = std::get<AnyValue::Array>(value.value);
        out.push_back(TagArray);
        putVarint(out, array.size());
        for (const AnyValue &element : array)
            encodeValue(element, key, interner, out);
        break;
    }
    case AnyValue::Type::KeyValueList:
        out.push_back(TagKeyValueList);
        encodeKeyValues(std::get<AnyValue::KeyValueList>(value.value), interner, out);
        break;
    }
}

// Interns nothing: every string stays inline, so the encoding depends only on the value.
class InlineStrings final : public StringInterner
{
public:
    std::uint64_t internKey(std::string_view) override { return 0; }
    std::uint64_t internValue(std::string_view, std::string_view) override { return 0; }
};

void canonicalKeyValues(const std::vector<KeyValue> &kvs, std::string &out);

void canonicalValue(const AnyValue &value, std::string &out)
{
    if (const auto *list = std::get_if<AnyValue::KeyValueList>(&value.value)) {
        out.push_back(TagKeyValueList);
        canonicalKeyValues(*list, out);
    } else if (const auto *array = std::get_if<AnyValue::Array>(&value.value)) {
        out.push_back(TagArray);
        putVarint(out, array->size());
        for (const AnyValue &element : *array)
            canonicalValue(element, out);
    } else {
        InlineStrings inlineStrings;
        encodeValue(value, {}, inlineStrings, out);
    }
}

void canonicalKeyValues(const std::vector<KeyValue> &kvs, std::string &out)
{
    std::vector<const KeyValue *> sorted;
    sorted.reserve(kvs.size());
    for (const KeyValue &kv : kvs)
        sorted.push_back(&kv);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const KeyValue *a, const KeyValue *b) { return a->key < b->key; });
    putVarint(out, sorted.size());
    for (const KeyValue *kv : sorted) {
        putText(out, kv->key);
        canonicalValue(kv->value, out);
    }
}

bool readDouble(Reader &in, double &out)
{
    std::uint8_t raw[8];
    if (!in.fixed(raw, 8))
        return false;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i)
        bits |= static_cast<std::uint64_t>(raw[i]) << (8 * i);
    out = std::bit_cast<double>(bits);
    return true;
}

bool decodeValue(Reader &in, StringResolver &resolver, AnyValue &out, int depth);

bool decodeKeyValues(Reader &in, StringResolver &resolver, std::vector<KeyValue> &out, int depth)
{
    std::uint64_t n;
    if (!in.count(n))
        return false;
    out.clear();
    out.reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
        std::uint64_t keyId;
        KeyValue kv;
        if (!in.varint(keyId) || !resolver.resolve(keyId, kv.key)
            || !decodeValue(in, resolver, kv.value, depth + 1))
            return false;
        out.push_back(std::move(kv));
    }
    return true;
}

bool decodeValue(Reader &in, StringResolver &resolver, AnyValue &out, int depth)
{
    if (depth > MaxNesting)
        return false;
    std::uint8_t tag;
    if (!in.byte(tag))
        return false;
    switch (tag) {
    case TagEmpty:
        out.value = std::monostate{};
        return true;
    case TagStringRef: {
        std::uint64_t id;
        std::string text;
        if (!in.varint(id) || !resolver.resolve(id, text))
            return false;
        out.value = std::move(text);
        return true;
    }
    case TagStringInline: {
        std::string_view text;
        if (!in.text(text))
            return false;
        out.value = std::string(text);
        return true;
    }
    case TagFalse:
    case TagTrue:
        out.value = tag == TagTrue;
        return true;
    case TagInt: {
        std::uint64_t v;
        if (!in.varint(v))
            return false;
        out.value = unzigzag(v);
        return true;
    }
    case TagDouble: {
        double value = 0;
        if (!readDouble(in, value))
            return false;
        out.value = value;
        return true;
    }
    case TagBytes: {
        std::string_view data;
        if (!in.text(data))
            return false;
        out.value = Bytes{std::string(data)};
        return true;
    }
    case TagArray: {
        std::uint64_t n;
        if (!in.count(n))
            return false;
        AnyValue::Array array(n);
        for (AnyValue &element : array) {
            if (!decodeValue(in, resolver, element, depth + 1))
                return false;
        }
        out.value = std::move(array);
        return true;
    }
    case TagKeyValueList: {
        AnyValue::KeyValueList list;
        if (!decodeKeyValues(in, resolver, list, depth))
            return false;
        out.value = std::move(list);
        return true;
    }
    }
    return false;
}

// Skips one encoded value without resolving strings; used by the attribute filter.
bool skipValue(Reader &in, int depth)
{
    if (depth > MaxNesting)
        return false;
    std::uint8_t tag;
    std::uint64_t v;
    std::string_view text;
    if (!in.byte(tag))
        return false;
    switch (tag) {
    case TagEmpty:
    case TagFalse:
    case TagTrue:
        return true;
    case TagStringRef:
    case TagInt:
        return in.varint(v);
    case TagStringInline:
    case TagBytes:
        return in.text(text);
    case TagDouble: {
        std::uint8_t raw[8];
        return in.fixed(raw, 8);
    }
    case TagArray:
        if (!in.count(v))
            return false;
        for (std::uint64_t i = 0; i < v; ++i) {
            if (!skipValue(in, depth + 1))
                return false;
        }
        return true;
    case TagKeyValueList:
        if (!in.count(v))
            return false;
        for (std::uint64_t i = 0; i < v; ++i) {
            std::uint64_t key;
            if (!in.varint(key) || !skipValue(in, depth + 1))
                return false;
        }
        return true;
    }
    return false;
}

} // namespace

void encodeAttributes(const Attributes &attributes, StringInterner &interner, std::string &out)
{
    encodeKeyValues(attributes, interner, out);
}

std::string canonicalAttributes(const Attributes &attributes)
{
    std::string out;
    canonicalKeyValues(attributes, out);
    return out;
}

std::string resourceFingerprint(const Resource &resource)
{
    return "r1" + canonicalAttributes(resource.attributes) + '\0'
        + std::to_string(resource.droppedAttributesCount) + '\0' + resource.schemaUrl;
}

std::string scopeFingerprint(const Scope &scope)
{
    std::string out = "s1";
    putText(out, scope.name);
    putText(out, scope.version);
    return out + canonicalAttributes(scope.attributes) + '\0'
        + std::to_string(scope.droppedAttributesCount) + '\0' + scope.schemaUrl;
}

void encodeAnyValue(const AnyValue &value, StringInterner &interner, std::string &out)
{
    encodeValue(value, {}, interner, out);
}

void encodeEvents(const std::vector<SpanEvent> &events, std::uint64_t spanStart,
                  StringInterner &interner, std::string &out)
{
    putVarint(out, events.size());
    for (const SpanEvent &event : events) {
        // Relative times keep the varint short; zigzag because events may precede the span.
        putVarint(out, zigzag(static_cast<std::int64_t>(event.timeUnixNano - spanStart)));
        putVarint(out, interner.internKey(event.name));
        encodeKeyValues(event.attributes, interner, out);
        putVarint(out, event.droppedAttributesCount);
    }
}

void encodeLinks(const std::vector<SpanLink> &links, StringInterner &interner, std::string &out)
{
    putVarint(out, links.size());
    for (const SpanLink &link : links) {
        out.append(reinterpret_cast<const char *>(link.traceId.data()), link.traceId.size());
        out.append(reinterpret_cast<const char *>(link.spanId.data()), link.spanId.size());
        putText(out, link.traceState);
        encodeKeyValues(link.attributes, interner, out);
        putVarint(out, link.droppedAttributesCount);
        putVarint(out, link.flags);
    }
}

bool decodeAttributes(std::string_view blob, StringResolver &resolver, Attributes &out)
{
    if (blob.empty()) {
        out.clear();
        return true;
    }
    Reader in(blob);
    return decodeKeyValues(in, resolver, out, 0) && in.atEnd();
}

bool decodeAnyValue(std::string_view blob, StringResolver &resolver, AnyValue &out)
{
    if (blob.empty()) {
        out.value = std::monostate{};
        return true;
    }
    Reader in(blob);
    return decodeValue(in, resolver, out, 0) && in.atEnd();
}

bool decodeEvents(std::string_view blob, std::uint64_t spanStart, StringResolver &resolver,
                  std::vector<SpanEvent> &out)
{
    out.clear();
    if (blob.empty())
        return true;
    Reader in(blob);
    std::uint64_t n;
    if (!in.count(n))
        return false;
    out.resize(n);
    for (SpanEvent &event : out) {
        std::uint64_t offset, nameId, dropped;
        if (!in.varint(offset) || !in.varint(nameId) || !resolver.resolve(nameId, event.name)
            || !decodeKeyValues(in, resolver, event.attributes, 0) || !in.varint(dropped))
            return false;
        event.timeUnixNano = spanStart + static_cast<std::uint64_t>(unzigzag(offset));
        event.droppedAttributesCount = static_cast<std::uint32_t>(dropped);
    }
    return in.atEnd();
}

bool decodeLinks(std::string_view blob, StringResolver &resolver, std::vector<SpanLink> &out)
{
    out.clear();
    if (blob.empty())
        return true;
    Reader in(blob);
    std::uint64_t n;
    if (!in.count(n))
        return false;
    out.resize(n);
    for (SpanLink &link : out) {
        std::string_view state;
        std::uint64_t dropped, flags;
        if (!in.fixed(link.traceId.data(), link.traceId.size())
            || !in.fixed(link.spanId.data(), link.spanId.size()) || !in.text(state)
            || !decodeKeyValues(in, resolver, link.attributes, 0) || !in.varint(dropped)
            || !in.varint(flags))
            return false;
        link.traceState = std::string(state);
        link.droppedAttributesCount = static_cast<std::uint32_t>(dropped);
        link.flags = static_cast<std::uint32_t>(flags);
    }
    return in.atEnd();
}

namespace {

bool compareNumber(double value, const AttributeMatcher &matcher)
{
    switch (matcher.op) {
    case AttributeOp::Less:
        return value < matcher.number;
    case AttributeOp::LessOrEqual:
        return value <= matcher.number;
    case AttributeOp::Greater:
        return value > matcher.number;
    case AttributeOp::GreaterOrEqual:
        return value >= matcher.number;
    default:
        return false;
    }
}

bool compareNumberText(std::string_view text, const AttributeMatcher &matcher)
{
    double value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && ptr == text.data() + text.size() && compareNumber(value, matcher);
}

// Whether the value at `in` (the matched key's) equals the matcher's text; false when damaged.
bool valueEquals(Reader &in, std::uint8_t tag, const AttributeMatcher &matcher)
{
    std::uint64_t v;
    std::string_view text;
    switch (tag) {
    case TagStringRef:
        return in.varint(v) && matcher.valueId && *matcher.valueId == v;
    case TagStringInline:
        return in.text(text) && text == matcher.valueText;
    case TagTrue:
        return matcher.valueText == "true";
    case TagFalse:
        return matcher.valueText == "false";
    case TagInt:
        return in.varint(v) && std::to_string(unzigzag(v)) == matcher.valueText;
    case TagDouble: {
        double value = 0;
        return readDouble(in, value) && scalarText(AnyValue{value}) == matcher.valueText;
    }
    default:
        return false;
    }
}

bool valueOrders(Reader &in, std::uint8_t tag, const AttributeMatcher &matcher)
{
    std::uint64_t v;
    std::string_view text;
    switch (tag) {
    case TagInt:
        return in.varint(v) && compareNumber(static_cast<double>(unzigzag(v)), matcher);
    case TagDouble: {
        double value = 0;
        return readDouble(in, value) && compareNumber(value, matcher);
    }
    case TagStringInline:
        return in.text(text) && compareNumberText(text, matcher);
    case TagStringRef: {
        std::string resolved;
        return in.varint(v) && matcher.resolver && matcher.resolver->resolve(v, resolved)
            && compareNumberText(resolved, matcher);
    }
    default:
        return false;
    }
}

} // namespace

bool attributesMatch(std::string_view blob, const AttributeMatcher &matcher)
{
    Reader in(blob);
    std::uint64_t n;
    if (blob.empty() || !in.count(n))
        return false;
    for (std::uint64_t i = 0; i < n; ++i) {
        std::uint64_t keyId;
        if (!in.varint(keyId))
            return false;
        if (keyId != matcher.keyId) {
            if (!skipValue(in, 0))
                return false;
            continue;
        }
        if (matcher.op == AttributeOp::Exists)
            return true;
        std::uint8_t tag;
        if (!in.byte(tag))
            return false;
        switch (matcher.op) {
        case AttributeOp::Equals:
            return valueEquals(in, tag, matcher);
        case AttributeOp::NotEquals: {
            Reader probe = in;
            return !valueEquals(probe, tag, matcher);
        }
        default:
            return valueOrders(in, tag, matcher);
        }
    }
    return false;
}

bool attributesHaveKey(std::string_view blob, std::uint64_t keyId)
{
    Reader in(blob);
    std::uint64_t n;
    if (blob.empty() || !in.count(n))
        return false;
    for (std::uint64_t i = 0; i < n; ++i) {
        std::uint64_t key;
        if (!in.varint(key))
            return false;
        if (key == keyId)
            return true;
        if (!skipValue(in, 0))
            return false;
    }
    return false;
}

std::string scalarText(const AnyValue &value)
{
    switch (value.type()) {
    case AnyValue::Type::String:
        return std::get<std::string>(value.value);
    case AnyValue::Type::Bool:
        return std::get<bool>(value.value) ? "true" : "false";
    case AnyValue::Type::Int:
        return std::to_string(std::get<std::int64_t>(value.value));
    case AnyValue::Type::Double: {
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, std::get<double>(value.value));
        return std::string(buf, res.ptr);
    }
    default:
        return {};
    }
}

} // namespace spanscope::storage

#include "otlpjsonsplit.h"

#include "jsondepth.h"

#include <array>

namespace spanscope::ingest {

namespace {

// Walks JSON text token by token without building anything; every value comes back as the
// text it spans.
class Cursor
{
public:
    explicit Cursor(std::string_view text)
        : m_text(text)
    {}

    bool failed() const { return m_failed; }
    bool atEnd()
    {
        skipSpace();
        return m_pos >= m_text.size();
    }
    bool take(char c)
    {
        skipSpace();
        if (m_pos < m_text.size() && m_text[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }
    bool expect(char c) { return take(c) || fail(); }

    // A string with its quotes.
    std::string_view string()
    {
        skipSpace();
        const std::size_t start = m_pos;
        if (m_pos >= m_text.size() || m_text[m_pos] != '"')
            return fail(), std::string_view();
        for (++m_pos; m_pos < m_text.size(); ++m_pos) {
            if (m_text[m_pos] == '\\')
                ++m_pos;
            else if (m_text[m_pos] == '"')
                return m_text.substr(start, ++m_pos - start);
        }
        return fail(), std::string_view();
    }

    // Any value: a string, an object or array (to its matching bracket), or a scalar.
    std::string_view value()
    {
        skipSpace();
        const std::size_t start = m_pos;
        if (m_pos >= m_text.size())
            return fail(), std::string_view();
        const char first = m_text[m_pos];
        if (first == '"')
            return string();
        if (first != '{' && first != '[') {
            while (m_pos < m_text.size() && !isDelimiter(m_text[m_pos]))
                ++m_pos;
            return m_pos == start ? (fail(), std::string_view())
                                  : m_text.substr(start, m_pos - start);
        }
        std::array<char, MaxJsonNesting> open{};
        int depth = 0;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '"') {
                if (string().empty())
                    return {};
                continue;
            }
            ++m_pos;
            if (c == '{' || c == '[') {
                if (depth == MaxJsonNesting)
                    return fail(), std::string_view();
                open[static_cast<std::size_t>(depth++)] = c == '{' ? '}' : ']';
            } else if (c == '}' || c == ']') {
                if (depth == 0 || open[static_cast<std::size_t>(--depth)] != c)
                    return fail(), std::string_view();
                if (depth == 0)
                    return m_text.substr(start, m_pos - start);
            }
        }
        return fail(), std::string_view();
    }

private:
    static bool isDelimiter(char c)
    {
        return c == ',' || c == ']' || c == '}' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
    void skipSpace()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\r'
                   || m_text[m_pos] == '\n'))
            ++m_pos;
    }
    bool fail()
    {
        m_failed = true;
        m_pos = m_text.size();
        return false;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
    bool m_failed = false;
};

// The inside of a key's quotes (OTLP's keys have no escapes).
std::string_view bare(std::string_view quoted)
{
    return quoted.size() >= 2 ? quoted.substr(1, quoted.size() - 2) : quoted;
}

// Calls `member(rawKey, rawValue)` for each member of an object; false when it is not one.
template<typename Member>
bool forEachMember(std::string_view text, Member member)
{
    Cursor cursor(text);
    if (!cursor.expect('{'))
        return false;
    if (cursor.take('}'))
        return cursor.atEnd();
    do {
        const std::string_view key = cursor.string();
        if (cursor.failed() || !cursor.expect(':'))
            return false;
        const std::string_view value = cursor.value();
        if (cursor.failed())
            return false;
        member(key, value);
    } while (cursor.take(','));
    return cursor.expect('}') && cursor.atEnd();
}

bool isOneOf(std::string_view key, std::initializer_list<std::string_view> names)
{
    for (const std::string_view name : names) {
        if (bare(key) == name)
            return true;
    }
    return false;
}

// An object's members other than the list under `listNames`, which is returned apart.
struct Split
{
    std::string others; // `"key": value` pairs, comma-separated
    std::string_view listKey, list;
};

bool splitMembers(std::string_view object, std::initializer_list<std::string_view> listNames,
                  Split &out)
{
    return forEachMember(object, [&](std::string_view key, std::string_view value) {
        if (out.list.empty() && isOneOf(key, listNames)) {
            out.listKey = key;
            out.list = value;
            return;
        }
        if (!out.others.empty())
            out.others += ',';
        out.others.append(key).append(":").append(value);
    });
}

} // namespace

std::optional<std::vector<std::string>> jsonObjectKeys(std::string_view text)
{
    std::vector<std::string> keys;
    if (!forEachMember(text, [&keys](std::string_view key, std::string_view) {
            keys.emplace_back(bare(key));
        }))
        return std::nullopt;
    return keys;
}

bool forEachJsonElement(std::string_view text, const JsonPieceSink &take, std::string &error)
{
    Cursor cursor(text);
    if (!cursor.expect('[')) {
        error = "not a JSON array";
        return false;
    }
    if (cursor.take(']'))
        return cursor.atEnd() || (error = "text after the array", false);
    std::size_t index = 0;
    do {
        const std::string_view element = cursor.value();
        ++index;
        if (cursor.failed()) {
            error = "item " + std::to_string(index) + " is not valid JSON";
            return false;
        }
        if (!take(element))
            return false;
    } while (cursor.take(','));
    if (!cursor.expect(']') || !cursor.atEnd()) {
        error = "the array after item " + std::to_string(index) + " is not valid JSON";
        return false;
    }
    return true;
}

bool splitOtlpJson(std::string_view object, std::size_t pieceBytes, const JsonPieceSink &take,
                   std::string &error)
{
    if (object.size() <= pieceBytes)
        return take(object);
    Split top;
    if (!splitMembers(object, {"resourceSpans", "resource_spans", "resourceLogs", "resource_logs"},
                      top)) {
        error = "not a JSON object";
        return false;
    }
    if (top.list.empty())
        return take(object); // nothing to split: the parser says what it is
    const bool logs = bare(top.listKey).find("Logs") != std::string_view::npos
        || bare(top.listKey).find("logs") != std::string_view::npos;
    std::size_t resourceIndex = 0;
    const auto eachResource = [&](std::string_view resource) {
        ++resourceIndex;
        Split r;
        if (!splitMembers(
                resource,
                logs ? std::initializer_list<std::string_view>{"scopeLogs", "scope_logs"}
                     : std::initializer_list<std::string_view>{"scopeSpans", "scope_spans"},
                r)) {
            error = "resource " + std::to_string(resourceIndex) + " is not a JSON object";
            return false;
        }
        const auto eachScope = [&](std::string_view scope) {
            Split s;
            if (!splitMembers(
                    scope,
                    logs ? std::initializer_list<std::string_view>{"logRecords", "log_records"}
                         : std::initializer_list<std::string_view>{"spans"},
                    s)) {
                error = "a scope of resource " + std::to_string(resourceIndex)
                    + " is not a JSON object";
                return false;
            }
            const std::string head = "{" + std::string(top.listKey) + ":[{" + r.others
                + (r.others.empty() ? "" : ",") + std::string(r.listKey) + ":[{" + s.others
                + (s.others.empty() ? "" : ",") + std::string(s.listKey) + ":[";
            std::string piece = head;
            bool empty = true;
            const auto flush = [&]() {
                piece += "]}]}]}";
                const bool more = take(piece);
                piece = head;
                empty = true;
                return more;
            };
            if (s.list.empty())
                return true; // a scope without items stores nothing
            return forEachJsonElement(
                       s.list,
                       [&](std::string_view item) {
                           if (!empty && piece.size() + item.size() > pieceBytes && !flush())
                               return false;
                           if (!empty)
                               piece += ',';
                           piece += item;
                           empty = false;
                           return true;
                       },
                       error)
                && (empty || flush());
        };
        return r.list.empty() || forEachJsonElement(r.list, eachScope, error);
    };
    return forEachJsonElement(top.list, eachResource, error);
}

} // namespace spanscope::ingest

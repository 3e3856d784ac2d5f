#include "otlpjson.h"

#include "jsondepth.h"

#include <google/protobuf/util/json_util.h>
#include <telemetry.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

namespace spanscope::ingest {

namespace {

bool isIdKey(std::string_view key)
{
    static constexpr std::array<std::string_view, 6> keys
        = {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"};
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

constexpr char Base64Digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string toBase64(const std::string &bytes)
{
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16
            | static_cast<unsigned char>(bytes[i + 1]) << 8
            | static_cast<unsigned char>(bytes[i + 2]);
        out += Base64Digits[v >> 18 & 63];
        out += Base64Digits[v >> 12 & 63];
        out += Base64Digits[v >> 6 & 63];
        out += Base64Digits[v & 63];
    }
    if (i < bytes.size()) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size())
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        out += Base64Digits[v >> 18 & 63];
        out += Base64Digits[v >> 12 & 63];
        out += i + 1 < bytes.size() ? Base64Digits[v >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

bool fromBase64(std::string_view text, std::string &out)
{
    out.clear();
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : text) {
        if (c == '=')
            break;
        const char *p = std::char_traits<char>::find(Base64Digits, 64, c);
        if (!p)
            return false;
        buffer = buffer << 6 | static_cast<unsigned>(p - Base64Digits);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(buffer >> bits & 0xFF);
        }
    }
    return true;
}

// Copies a JSON document, replacing the string value of every id key through `convert`, in one
// pass without building a tree. It checks only what it must (strings terminate, brackets balance,
// nesting stays bounded); the protobuf parser that reads the result reports everything else.
class IdRewriter
{
public:
    using Convert = bool (*)(std::string_view in, std::string &out);

    IdRewriter(std::string_view in, Convert convert)
        : m_in(in)
        , m_convert(convert)
    {}

    // Returns an error sentence, or empty with the rewritten text in `out`.
    std::string run(std::string &out)
    {
        out.clear();
        out.reserve(m_in.size() + m_in.size() / 8);
        std::size_t copied = 0;
        bool expectingKey = false;
        std::size_t pos = m_in.find_first_not_of(" \t\r\n");
        if (pos == std::string_view::npos)
            return "malformed JSON at byte 0: the body is empty";
        if (m_in[pos] != '{')
            return "the JSON body must be an object";
        while (pos < m_in.size()) {
            const char c = m_in[pos];
            if (c == '"') {
                const std::size_t end = endOfString(pos);
                if (end == std::string_view::npos)
                    return "malformed JSON at byte " + std::to_string(pos)
                        + ": a string is not terminated";
                const std::string_view content = m_in.substr(pos + 1, end - pos - 2);
                if (expectingKey && !m_path.empty()) {
                    m_path.back().key = content;
                    expectingKey = false;
                } else if (!m_path.empty() && !m_path.back().array && isIdKey(m_path.back().key)) {
                    std::string converted;
                    if (!m_convert(content, converted))
                        return path() + " is not a hex id"
                            + (content.size() % 2
                                   ? " (odd length " + std::to_string(content.size()) + ")"
                                   : "");
                    out.append(m_in.substr(copied, pos - copied));
                    out += '"';
                    out += converted;
                    out += '"';
                    copied = end;
                }
                pos = end;
                continue;
            }
            switch (c) {
            case '{':
            case '[':
                if (m_path.size() >= MaxJsonNesting)
                    return "the JSON is nested more than " + std::to_string(MaxJsonNesting)
                        + " levels deep at " + path();
                m_path.push_back({c == '[', 0, {}});
                expectingKey = c == '{';
                break;
            case '}':
            case ']':
                if (m_path.empty() || m_path.back().array != (c == ']'))
                    return "malformed JSON at byte " + std::to_string(pos) + ": unbalanced '" + c
                        + "'";
                m_path.pop_back();
                expectingKey = false; // `{}` closes without a key
                break;
            case ',':
                if (!m_path.empty()) {
                    if (m_path.back().array)
                        ++m_path.back().index;
                    else
                        expectingKey = true;
                }
                break;
            }
            ++pos;
        }
        if (!m_path.empty())
            return "malformed JSON at byte " + std::to_string(m_in.size())
                + ": the document ends early";
        out.append(m_in.substr(copied));
        return {};
    }

private:
    struct Frame
    {
        bool array;
        std::size_t index;
        std::string_view key; // the current member's key, in an object
    };

    // The position just past the string starting at `start`, or npos when it is not closed.
    std::size_t endOfString(std::size_t start) const
    {
        for (std::size_t i = start + 1; i < m_in.size(); ++i) {
            if (m_in[i] == '\\')
                ++i;
            else if (m_in[i] == '"')
                return i + 1;
        }
        return std::string_view::npos;
    }

    // Where we are, as a JSONPath: $.resourceSpans[0].scopeSpans[0].spans[2].traceId
    std::string path() const
    {
        std::string out = "$";
        for (const Frame &frame : m_path) {
            if (frame.array)
                out += "[" + std::to_string(frame.index) + "]";
            else
                out += "." + std::string(frame.key);
        }
        return out;
    }

    std::string_view m_in;
    Convert m_convert;
    std::vector<Frame> m_path;
};

bool hexToBase64(std::string_view hex, std::string &out)
{
    std::string bytes;
    if (!storage::hexDecode(hex, bytes))
        return false;
    out = toBase64(bytes);
    return true;
}

bool base64ToHex(std::string_view base64, std::string &out)
{
    std::string bytes;
    if (!fromBase64(base64, bytes))
        return false;
    out = storage::hexEncode(bytes);
    return true;
}

} // namespace

std::string parseOtlpJson(std::string_view json, google::protobuf::Message &message)
{
    std::string rewritten;
    if (std::string error = IdRewriter(json, hexToBase64).run(rewritten); !error.empty())
        return error;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status = google::protobuf::util::JsonStringToMessage(rewritten, &message, options);
    if (!status.ok())
        return "invalid OTLP-JSON: " + std::string(status.message());
    return {};
}

std::string printOtlpJson(const google::protobuf::Message &message, bool pretty)
{
    google::protobuf::util::JsonPrintOptions options;
    options.always_print_enums_as_ints = true;
    options.preserve_proto_field_names = false;
    options.add_whitespace = pretty;
    std::string text, rewritten;
    if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok())
        return "{}";
    // Our own output: ids are always valid base64 here.
    IdRewriter(text, base64ToHex).run(rewritten);
    return rewritten;
}

} // namespace spanscope::ingest

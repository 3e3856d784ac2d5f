#include "otlpjson.h"

#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>
#include <telemetry.h>

#include <array>

namespace spanscope::ingest {

namespace {

constexpr int MaxJsonDepth = 64;

bool isIdKey(const std::string &key)
{
    static const std::array<const char *, 6> keys
        = {"traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"};
    for (const char *k : keys) {
        if (key == k)
            return true;
    }
    return false;
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

bool fromBase64(const std::string &text, std::string &out)
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

// Rewrites hex ids to base64 (input direction) or base64 ids to hex (output direction).
// Returns an error text, or empty.
std::string rewriteIds(nlohmann::json &node, bool hexToBase64, const std::string &path, int depth)
{
    if (depth > MaxJsonDepth)
        return "the JSON is nested more than " + std::to_string(MaxJsonDepth) + " levels deep at "
            + path;
    if (node.is_array()) {
        for (std::size_t i = 0; i < node.size(); ++i) {
            if (auto error
                = rewriteIds(node[i], hexToBase64, path + "[" + std::to_string(i) + "]", depth + 1);
                !error.empty())
                return error;
        }
        return {};
    }
    if (!node.is_object())
        return {};
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string where = path + "." + it.key();
        if (isIdKey(it.key()) && it.value().is_string()) {
            const std::string text = it.value().get<std::string>();
            std::string converted;
            std::string bytes;
            if (hexToBase64) {
                if (text.size() % 2 != 0)
                    return where + " is not a hex id (odd length " + std::to_string(text.size())
                        + ")";
                if (!storage::hexDecode(text, bytes))
                    return where + " is not a hex id";
                converted = toBase64(bytes);
            } else {
                fromBase64(text, bytes);
                converted = storage::hexEncode(bytes);
            }
            it.value() = converted;
        } else if (auto error = rewriteIds(it.value(), hexToBase64, where, depth + 1);
                   !error.empty()) {
            return error;
        }
    }
    return {};
}

} // namespace

std::string parseOtlpJson(std::string_view json, google::protobuf::Message &message)
{
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(json.begin(), json.end());
    } catch (const nlohmann::json::parse_error &e) {
        return "malformed JSON at byte " + std::to_string(e.byte) + ": " + e.what();
    }
    if (!document.is_object())
        return "the JSON body must be an object";
    if (auto error = rewriteIds(document, true, "$", 0); !error.empty())
        return error;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status
        = google::protobuf::util::JsonStringToMessage(document.dump(), &message, options);
    if (!status.ok())
        return "invalid OTLP-JSON: " + std::string(status.message());
    return {};
}

std::string printOtlpJson(const google::protobuf::Message &message, bool pretty)
{
    google::protobuf::util::JsonPrintOptions options;
    options.always_print_enums_as_ints = true;
    options.preserve_proto_field_names = false;
    std::string text;
    if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok())
        return "{}";
    nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
    rewriteIds(document, false, "$", 0);
    return document.dump(pretty ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace spanscope::ingest

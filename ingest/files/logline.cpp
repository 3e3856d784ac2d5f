#include "logline.h"

#include <otlp/jsondepth.h>

#include <tracetext.h>

#include <QDateTime>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace spanscope::ingest {

namespace {

using Json = nlohmann::ordered_json; // keeps the line's key order for display

constexpr int MaxValueDepth = 8; // deeper JSON is kept as text

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x))
                   == std::tolower(static_cast<unsigned char>(y));
           });
}

template<std::size_t N>
bool isOneOf(std::string_view key, const std::array<std::string_view, N> &names)
{
    return std::find(names.begin(), names.end(), key) != names.end();
}

constexpr std::array<std::string_view, 4> MessageKeys{"msg", "message", "event", "@message"};
constexpr std::array<std::string_view, 6> LevelKeys{"level",     "levelname", "severity",
                                                    "log.level", "@level",    "lvl"};
constexpr std::array<std::string_view, 6> TimeKeys{"timestamp",  "time",    "ts",
                                                   "@timestamp", "asctime", "t"};
constexpr std::array<std::string_view, 5> TraceIdKeys{"trace_id", "traceId", "traceid", "trace.id",
                                                      "otelTraceID"};
constexpr std::array<std::string_view, 5> SpanIdKeys{"span_id", "spanId", "spanid", "span.id",
                                                     "otelSpanID"};
constexpr std::array<std::string_view, 3> ServiceKeys{"service", "service.name", "service_name"};
constexpr std::array<std::string_view, 5> StackKeys{"exception", "exc_info", "stack_trace",
                                                    "stacktrace", "stack"};
constexpr std::array<std::string_view, 2> ErrorObjectKeys{"err", "error"};

storage::AnyValue toAnyValue(const Json &json, int depth = 0)
{
    storage::AnyValue value;
    switch (json.type()) {
    case Json::value_t::string:
        value.value = json.get_ref<const std::string &>();
        break;
    case Json::value_t::boolean:
        value.value = json.get<bool>();
        break;
    case Json::value_t::number_integer:
        value.value = json.get<std::int64_t>();
        break;
    case Json::value_t::number_unsigned: {
        const auto n = json.get<std::uint64_t>();
        if (n <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            value.value = static_cast<std::int64_t>(n);
        else
            value.value = std::to_string(n); // beyond int64: kept exactly, as text
        break;
    }
    case Json::value_t::number_float:
        value.value = json.get<double>();
        break;
    case Json::value_t::object:
    case Json::value_t::array:
        if (depth >= MaxValueDepth) {
            value.value = json.dump();
        } else if (json.is_object()) {
            storage::AnyValue::KeyValueList list;
            for (const auto &[key, item] : json.items())
                list.push_back({key, toAnyValue(item, depth + 1)});
            value.value = std::move(list);
        } else {
            storage::AnyValue::Array array;
            for (const Json &item : json)
                array.push_back(toAnyValue(item, depth + 1));
            value.value = std::move(array);
        }
        break;
    default:
        break; // null and discarded values are empty
    }
    return value;
}

std::string asText(const Json &json)
{
    return json.is_string() ? json.get<std::string>() : json.dump();
}

// Times as numbers: the magnitude tells the unit (seconds, ms, µs or ns since the epoch).
std::optional<std::uint64_t> numericTime(double value)
{
    if (!(value > 0) || !std::isfinite(value))
        return std::nullopt;
    double nanos = value;
    if (value < 1e11)
        nanos = value * 1e9;
    else if (value < 1e14)
        nanos = value * 1e6;
    else if (value < 1e17)
        nanos = value * 1e3;
    if (nanos >= 1.8e19)
        return std::nullopt;
    return static_cast<std::uint64_t>(std::llround(nanos));
}

std::optional<std::uint64_t> timeOf(const Json &json)
{
    // Whole numbers in integer arithmetic: a double cannot hold nanoseconds since 1970.
    if (json.is_number_integer() && json.get<std::int64_t>() > 0) {
        const auto value = static_cast<std::uint64_t>(json.get<std::int64_t>());
        if (value < 100'000'000'000ull)
            return value * 1'000'000'000ull;
        if (value < 100'000'000'000'000ull)
            return value * 1'000'000ull;
        if (value < 100'000'000'000'000'000ull)
            return value * 1'000ull;
        return value;
    }
    if (json.is_number())
        return numericTime(json.get<double>());
    if (json.is_string())
        return parseIsoTime(json.get_ref<const std::string &>());
    return std::nullopt;
}

// "module.Type: message" from the last line of a Python traceback or a Java/JS stack header.
void splitExceptionHeader(std::string_view stack, storage::Attributes &attributes)
{
    std::string_view header = stack;
    // Python puts the exception last; Java, Node and Go put it first.
    const bool python = stack.rfind("Traceback (most recent call last)", 0) == 0;
    if (python) {
        std::size_t end = header.find_last_not_of("\r\n ");
        header = end == std::string_view::npos ? std::string_view{} : header.substr(0, end + 1);
        if (const std::size_t newline = header.rfind('\n'); newline != std::string_view::npos)
            header = header.substr(newline + 1);
    } else if (const std::size_t newline = header.find('\n'); newline != std::string_view::npos) {
        header = header.substr(0, newline);
    }
    const std::size_t colon = header.find(": ");
    const std::string_view type = header.substr(0, colon);
    if (colon == std::string_view::npos || type.empty()
        || type.find_first_of(" \t") != std::string_view::npos)
        return;
    attributes.push_back({"exception.type", {std::string(type)}});
    attributes.push_back({"exception.message", {std::string(header.substr(colon + 2))}});
}

// structlog's dict_tracebacks: [{exc_type, exc_value, frames: [{filename, lineno, name}]}].
std::string pythonStackFrom(const Json &exceptions, storage::Attributes &attributes)
{
    std::string stack = "Traceback (most recent call last):\n";
    std::string type, message;
    for (const Json &exception : exceptions) {
        if (!exception.is_object())
            continue;
        for (const Json &frame : exception.value("frames", Json::array())) {
            if (!frame.is_object())
                continue;
            stack += "  File \"" + frame.value("filename", std::string("?")) + "\", line "
                + std::to_string(frame.value("lineno", 0)) + ", in "
                + frame.value("name", std::string("?")) + "\n";
        }
        type = exception.value("exc_type", std::string());
        message = exception.value("exc_value", std::string());
    }
    stack += type + ": " + message + "\n";
    attributes.push_back({"exception.type", {type}});
    attributes.push_back({"exception.message", {message}});
    return stack;
}

// Maps a recognised key; false when the key is an ordinary attribute.
bool takeKnownKey(const std::string &key, const Json &value, ParsedLogLine &parsed,
                  storage::Attributes &exception)
{
    storage::LogRecord &record = parsed.record;
    if (isOneOf(key, LevelKeys) && (value.is_string() || value.is_number())) {
        if (value.is_number()) {
            record.severityNumber = severityNumberOfPino(value.get<double>());
            record.severityText = storage::severityName(record.severityNumber);
        } else {
            record.severityText = value.get<std::string>();
            record.severityNumber = severityNumberOf(record.severityText);
        }
        return true;
    }
    if (isOneOf(key, TimeKeys)) {
        if (const auto time = timeOf(value)) {
            record.timeUnixNano = *time;
            return true;
        }
        return false; // a value we cannot read stays visible as an attribute
    }
    if (isOneOf(key, TraceIdKeys))
        return value.is_string()
            && storage::fromHex(value.get_ref<const std::string &>(), record.traceId)
            && storage::isValid(record.traceId);
    if (isOneOf(key, SpanIdKeys)) {
        storage::SpanId id{};
        if (!value.is_string() || !storage::fromHex(value.get_ref<const std::string &>(), id))
            return false;
        record.spanId = id;
        return true;
    }
    if (isOneOf(key, ServiceKeys) && value.is_string()) {
        parsed.service = value.get<std::string>();
        return true;
    }
    if (isOneOf(key, StackKeys) && (value.is_string() || value.is_array())) {
        if (value.is_array()) {
            exception.push_back({"exception.stacktrace", {pythonStackFrom(value, exception)}});
        } else {
            const std::string &stack = value.get_ref<const std::string &>();
            splitExceptionHeader(stack, exception);
            exception.push_back({"exception.stacktrace", {stack}});
        }
        return true;
    }
    if (isOneOf(key, ErrorObjectKeys) && value.is_object()
        && (value.contains("message") || value.contains("stack"))) {
        // pino's and bunyan's serialised errors.
        if (value.contains("type"))
            exception.push_back({"exception.type", {asText(value["type"])}});
        if (value.contains("message"))
            exception.push_back({"exception.message", {asText(value["message"])}});
        if (value.contains("stack"))
            exception.push_back({"exception.stacktrace", {asText(value["stack"])}});
        return true;
    }
    return false;
}

} // namespace

int severityNumberOf(std::string_view level)
{
    // slog writes offsets such as "INFO+2" or "WARN-1".
    int offset = 0;
    if (const std::size_t sign = level.find_first_of("+-");
        sign != std::string_view::npos && sign > 0) {
        std::from_chars(level.data() + sign + (level[sign] == '+' ? 1 : 0),
                        level.data() + level.size(), offset);
        level = level.substr(0, sign);
    }
    struct Level
    {
        std::string_view name;
        int number;
    };
    static constexpr Level levels[]
        = {{"trace", 1},      {"debug", 5},    {"info", 9},   {"information", 9}, {"notice", 10},
           {"warn", 13},      {"warning", 13}, {"error", 17}, {"err", 17},        {"critical", 21},
           {"crit", 21},      {"fatal", 21},   {"panic", 21}, {"dpanic", 21},     {"alert", 22},
           {"emergency", 23}, {"emerg", 23}};
    for (const Level &known : levels) {
        if (equalsIgnoringCase(level, known.name))
            return std::clamp(known.number + offset, 1, 24);
    }
    int number = 0;
    if (std::from_chars(level.data(), level.data() + level.size(), number).ec == std::errc()
        && number >= 1 && number <= 24)
        return number;
    return 0;
}

int severityNumberOfPino(double level)
{
    // pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
    if (level >= 60)
        return 21;
    if (level >= 50)
        return 17;
    if (level >= 40)
        return 13;
    if (level >= 30)
        return 9;
    if (level >= 20)
        return 5;
    return level >= 10 ? 1 : 0;
}

std::optional<std::uint64_t> parseIsoTime(std::string_view text)
{
    // YYYY-MM-DD[T ]HH:MM:SS[.,fraction][Z|±HH[:]MM]
    const auto digits = [&](std::size_t at, std::size_t count, int &out) {
        if (at + count > text.size())
            return false;
        out = 0;
        for (std::size_t i = at; i < at + count; ++i) {
            if (!std::isdigit(static_cast<unsigned char>(text[i])))
                return false;
            out = out * 10 + (text[i] - '0');
        }
        return true;
    };
    int year, month, day, hour, minute, second;
    if (!digits(0, 4, year) || text.size() < 19 || text[4] != '-' || !digits(5, 2, month)
        || text[7] != '-' || !digits(8, 2, day)
        || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !digits(11, 2, hour)
        || text[13] != ':' || !digits(14, 2, minute) || text[16] != ':' || !digits(17, 2, second)
        || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59
        || second > 60)
        return std::nullopt;
    std::size_t at = 19;
    std::uint64_t fraction = 0;
    if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
        ++at;
        int places = 0;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
            if (places < 9) {
                fraction = fraction * 10 + static_cast<std::uint64_t>(text[at] - '0');
                ++places;
            }
            ++at;
        }
        for (; places < 9; ++places)
            fraction *= 10;
    }
    std::int64_t offsetSeconds = 0;
    bool zoned = false;
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
        zoned = true;
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        int offsetHours = 0, offsetMinutes = 0;
        const std::size_t minutesAt = text.size() > at + 3 && text[at + 3] == ':' ? at + 4 : at + 3;
        if (!digits(at + 1, 2, offsetHours) || !digits(minutesAt, 2, offsetMinutes))
            return std::nullopt;
        offsetSeconds = (text[at] == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
        zoned = true;
        at = minutesAt + 2;
    }
    if (at != text.size())
        return std::nullopt;
    std::int64_t seconds;
    if (zoned) {
        // Days from the civil date (Howard Hinnant's algorithm), then the time of day.
        const int y = year - (month <= 2 ? 1 : 0);
        const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
        const auto yoe = static_cast<unsigned>(y - era * 400);
        const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        const std::int64_t days = era * 146097 + static_cast<std::int64_t>(doe) - 719468;
        seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    } else {
        // No zone: the machine's local time, as Python's asctime writes it.
        const QDateTime local(QDate(year, month, day), QTime(hour, minute, std::min(second, 59)));
        if (!local.isValid())
            return std::nullopt;
        seconds = local.toSecsSinceEpoch();
    }
    if (seconds < 0)
        return std::nullopt;
    return static_cast<std::uint64_t>(seconds) * 1'000'000'000ull + fraction;
}

std::optional<ParsedLogLine> parseLogLine(std::string_view line, std::uint64_t observedNanos)
{
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos)
        return std::nullopt;
    ParsedLogLine parsed;
    storage::LogRecord &record = parsed.record;
    record.observedTimeUnixNano = observedNanos;
    std::size_t cut = 0;
    if (line.size() > MaxLogLineBytes) {
        cut = line.size() - MaxLogLineBytes;
        line = line.substr(0, MaxLogLineBytes);
    }
    const std::size_t first = line.find_first_not_of(" \t");
    Json json;
    if (line[first] == '{' && cut == 0 && jsonNestingWithin(line, MaxJsonNesting))
        json = Json::parse(line.begin(), line.end(), nullptr, false);
    if (!json.is_object()) {
        record.body.value = std::string(line);
    } else {
        parsed.structured = true;
        // The message by priority: pino's `msg` wins over a field that happens to be `event`.
        std::string_view messageKey;
        for (const std::string_view key : MessageKeys) {
            if (const auto it = json.find(std::string(key)); it != json.end()) {
                record.body.value = asText(*it);
                messageKey = key;
                break;
            }
        }
        storage::Attributes exception;
        for (const auto &[key, value] : json.items()) {
            if (key != messageKey && !takeKnownKey(key, value, parsed, exception))
                record.attributes.push_back({key, toAnyValue(value)});
        }
        record.attributes.insert(record.attributes.end(), exception.begin(), exception.end());
        if (!exception.empty() && record.severityNumber == 0)
            record.severityNumber = 17; // an exception without a level is an error
    }
    if (cut > 0)
        record.attributes.push_back(
            {"spanscope.truncated_bytes", {static_cast<std::int64_t>(cut)}});
    return parsed;
}

} // namespace spanscope::ingest

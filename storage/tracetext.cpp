#include "tracetext.h"

#include "valuecodec.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <unordered_map>

namespace spanscope::storage {

namespace {

std::string quoted(const std::string &text)
{
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return printable(out) + '"';
}

void appendLine(std::string &out, const std::string &indent, const std::string &text)
{
    out += indent;
    out += text;
    out += '\n';
}

// Multi-line values (stack traces) are printed as indented blocks so they stay readable.
void appendAttributeLines(std::string &out, const std::string &indent, const Attributes &attributes)
{
    for (const KeyValue &kv : attributes) {
        const auto *text = std::get_if<std::string>(&kv.value.value);
        if (text && text->find('\n') != std::string::npos) {
            appendLine(out, indent, printable(kv.key) + " (string):");
            std::size_t pos = 0;
            while (pos < text->size()) {
                const std::size_t nl = std::min(text->find('\n', pos), text->size());
                appendLine(out, indent + "  | ", printable(text->substr(pos, nl - pos)));
                pos = nl + 1;
            }
        } else {
            appendLine(out, indent,
                       printable(kv.key) + " = " + formatValue(kv.value) + " ("
                           + typeName(kv.value.type()) + ")");
        }
    }
}

} // namespace

std::string printable(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    const auto hex = [&out](unsigned char byte) {
        static constexpr char digits[] = "0123456789abcdef";
        out += "\\x";
        out += digits[byte >> 4];
        out += digits[byte & 15];
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == 0x7f) {
            switch (byte) {
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            case 0x1b:
                out += "\\e";
                break;
            default:
                hex(byte);
            }
            continue;
        }
        if (byte < 0x80) {
            out += static_cast<char>(byte);
            continue;
        }
        // A whole UTF-8 sequence is copied; C1 controls (U+0080-U+009F, 0xC2 0x80-0x9F) and
        // malformed bytes are escaped.
        const std::size_t length = byte >= 0xf0 && byte < 0xf5 ? 4
            : byte >= 0xe0 && byte < 0xf0                      ? 3
            : byte >= 0xc2 && byte < 0xe0                      ? 2
                                                               : 0;
        bool valid = length > 0 && i + length <= text.size();
        for (std::size_t k = 1; valid && k < length; ++k)
            valid = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
        if (valid && byte == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0)
            valid = false;
        if (!valid) {
            hex(byte);
            continue;
        }
        out.append(text.substr(i, length));
        i += length - 1;
    }
    return out;
}

std::string severityName(int severityNumber)
{
    static constexpr const char *bands[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
    if (severityNumber < 1 || severityNumber > 24)
        return {};
    const int band = (severityNumber - 1) / 4;
    const int step = (severityNumber - 1) % 4;
    return std::string(bands[band]) + (step ? std::to_string(step + 1) : "");
}

const char *typeName(AnyValue::Type type)
{
    switch (type) {
    case AnyValue::Type::Empty:
        return "empty";
    case AnyValue::Type::String:
        return "string";
    case AnyValue::Type::Bool:
        return "bool";
    case AnyValue::Type::Int:
        return "int";
    case AnyValue::Type::Double:
        return "double";
    case AnyValue::Type::Bytes:
        return "bytes";
    case AnyValue::Type::Array:
        return "array";
    case AnyValue::Type::KeyValueList:
        return "map";
    }
    return "empty";
}

std::optional<std::int64_t> parseDuration(std::string_view text)
{
    const auto isSpace = [](char c) {
        return c == ' ' || c == '\t';
    };
    while (!text.empty() && isSpace(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isSpace(text.back()))
        text.remove_suffix(1);
    std::size_t at = 0;
    while (at < text.size() && ((text[at] >= '0' && text[at] <= '9') || text[at] == '.'))
        ++at;
    const std::string_view number = text.substr(0, at);
    if (number.empty() || number.front() == '.' || number.back() == '.'
        || std::count(number.begin(), number.end(), '.') > 1)
        return std::nullopt;
    std::string_view unit = text.substr(at);
    while (!unit.empty() && isSpace(unit.front()))
        unit.remove_prefix(1);
    static const std::pair<std::string_view, double> units[]
        = {{"", 1e6},  {"ns", 1},   {"us", 1e3},   {"\u00b5s", 1e3}, {"ms", 1e6},
           {"s", 1e9}, {"m", 60e9}, {"min", 60e9}, {"h", 3600e9}};
    for (const auto &[name, scale] : units) {
        if (unit != name)
            continue;
        const double nanos = std::stod(std::string(number)) * scale;
        if (nanos > 9.2e18)
            return std::nullopt;
        return static_cast<std::int64_t>(std::llround(nanos));
    }
    return std::nullopt;
}

std::string formatDuration(std::int64_t nanos)
{
    if (nanos < 0)
        return "-" + formatDuration(-nanos);
    char buf[48];
    if (nanos < 1000) {
        std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(nanos));
        return buf;
    }
    // Three significant digits in the largest unit that keeps the number at 1 or more: 400 µs,
    // 12.5 ms, 180 ms, 1.25 s. A value that would round to 1000 moves up a unit.
    double value = static_cast<double>(nanos) / 1e3;
    const char *unit = "µs";
    if (value >= 999.5) {
        value /= 1000;
        unit = "ms";
    }
    if (value >= 999.5) {
        value /= 1000;
        unit = "s";
    }
    if (value >= 999.5) // seconds only: 1234 s, never 1.23e+03 s
        std::snprintf(buf, sizeof buf, "%.0f %s", value, unit);
    else
        std::snprintf(buf, sizeof buf, "%.3g %s", value, unit);
    return buf;
}

std::string formatTimestamp(std::uint64_t unixNanos, TimeZone zone)
{
    const std::time_t seconds = static_cast<std::time_t>(unixNanos / 1'000'000'000);
    std::tm tm{};
    if (zone == TimeZone::Utc)
        gmtime_r(&seconds, &tm);
    else
        localtime_r(&seconds, &tm);
    char buf[80];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    const long offset = zone == TimeZone::Utc ? 0 : tm.tm_gmtoff;
    const long minutes = (offset < 0 ? -offset : offset) / 60;
    std::snprintf(buf + n, sizeof buf - n, ".%06llu %c%02ld:%02ld",
                  static_cast<unsigned long long>(unixNanos % 1'000'000'000 / 1000),
                  offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
    return buf;
}

std::uint64_t logTime(const LogRecord &record)
{
    return record.timeUnixNano ? record.timeUnixNano : record.observedTimeUnixNano;
}

std::string formatValue(const AnyValue &value)
{
    switch (value.type()) {
    case AnyValue::Type::Empty:
        return "(empty)";
    case AnyValue::Type::String:
        return quoted(std::get<std::string>(value.value));
    case AnyValue::Type::Bool:
    case AnyValue::Type::Int:
    case AnyValue::Type::Double:
        return scalarText(value);
    case AnyValue::Type::Bytes:
        return "0x" + hexEncode(std::get<Bytes>(value.value).data);
    case AnyValue::Type::Array: {
        std::string out = "[";
        for (const AnyValue &element : std::get<AnyValue::Array>(value.value))
            out += (out.size() > 1 ? ", " : "") + formatValue(element);
        return out + "]";
    }
    case AnyValue::Type::KeyValueList:
        return "{" + formatAttributes(std::get<AnyValue::KeyValueList>(value.value)) + "}";
    }
    return {};
}

std::string searchableText(const AnyValue &body)
{
    if (const auto *text = std::get_if<std::string>(&body.value))
        return *text;
    return formatValue(body);
}

std::string formatAttributes(const Attributes &attributes)
{
    std::string out;
    for (const KeyValue &kv : attributes)
        out += (out.empty() ? "" : ", ") + kv.key + "=" + formatValue(kv.value);
    return out;
}

namespace {

// Left or right aligned to `width` characters (not bytes: "µs" is one character).
std::string padded(const std::string &text, std::size_t width, bool right = false)
{
    const std::size_t length
        = static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
              return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
          }));
    const std::string fill(length < width ? width - length : 0, ' ');
    return right ? fill + text : text + fill;
}

// The columns before a span's name: offset, duration.
std::string timingColumns(const std::string &offset, const std::string &duration)
{
    return "  " + padded(offset, 11) + " " + padded(duration, 11, true) + "  ";
}

constexpr std::size_t SpanColumn = 27; // where timingColumns ends

} // namespace

std::string severityLabel(const LogRecord &record)
{
    if (record.severityNumber > 0)
        return severityName(record.severityNumber);
    // Only a text: the spellings loggers use, in OTLP's names.
    std::string text;
    for (const char c : record.severityText)
        text += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    static const std::pair<std::string_view, std::string_view> aliases[]
        = {{"WARNING", "WARN"}, {"ERR", "ERROR"},   {"CRITICAL", "FATAL"},
           {"CRIT", "FATAL"},   {"PANIC", "FATAL"}, {"EXCEPTION", "ERROR"}};
    for (const auto &[alias, name] : aliases) {
        if (text == alias)
            return std::string(name);
    }
    return printable(text);
}

namespace {

// Body lines of a record: a multi-line body (a stack trace) as an indented block under its
// first line.
void appendBody(std::string &out, const std::string &head, const std::string &indent,
                const LogRecord &record, const std::string &tail)
{
    const std::string body = searchableText(record.body);
    std::size_t nl = body.find('\n');
    appendLine(out, "", head + printable(body.substr(0, nl)) + tail);
    while (nl != std::string::npos) {
        const std::size_t next = body.find('\n', nl + 1);
        const std::string line
            = body.substr(nl + 1, next == std::string::npos ? next : next - nl - 1);
        if (!line.empty() || next != std::string::npos)
            appendLine(out, indent + "| ", printable(line));
        nl = next;
    }
}

// "PaymentError: card declined" from a span's first exception event, else its status message.
std::string errorSummary(const Span &span)
{
    for (const SpanEvent &event : span.events) {
        if (event.name != "exception")
            continue;
        std::string type, message;
        for (const KeyValue &kv : event.attributes) {
            if (kv.key == "exception.type")
                type = scalarText(kv.value);
            else if (kv.key == "exception.message")
                message = scalarText(kv.value);
        }
        if (!type.empty() || !message.empty())
            return type + (type.empty() || message.empty() ? "" : ": ") + message;
    }
    return span.statusMessage;
}

std::string flagsText(std::uint32_t flags)
{
    std::string out = flags & 1 ? "sampled" : "not sampled";
    if (flags & 0x100)
        out += flags & 0x200 ? ", remote parent" : ", local parent";
    return out;
}

std::string scopeText(const Scope &scope)
{
    std::string out
        = printable(scope.name) + (scope.version.empty() ? "" : " " + printable(scope.version));
    if (!scope.attributes.empty())
        out += "  " + printable(formatAttributes(scope.attributes));
    return out;
}

// One line of a resource for the default view: its service and its other attributes, cut.
std::string resourceLine(const Resource &resource)
{
    std::string attributes;
    for (const KeyValue &kv : resource.attributes) {
        if (kv.key != "service.name")
            attributes += (attributes.empty() ? "" : ", ") + kv.key + "=" + scalarText(kv.value);
    }
    constexpr std::size_t MaxLine = 100;
    if (attributes.size() > MaxLine) {
        std::size_t cut = MaxLine;
        while (cut > 0 && (static_cast<unsigned char>(attributes[cut]) & 0xC0) == 0x80)
            --cut;
        attributes = attributes.substr(0, cut) + "…";
    }
    return printable(resource.serviceName())
        + (attributes.empty() ? "" : "  " + printable(attributes));
}

} // namespace

bool writeTraceText(SpanSource &source, const TraceTextOptions &options, const TextSink &write)
{
    const TraceData &trace = source.header();
    const std::vector<SpanPlace> &places = source.places();
    const TraceSummary &s = trace.summary;
    // Written out every 64 KiB: a trace of a million spans is never one string.
    std::string out = "trace " + toHex(s.traceId) + "\n";
    appendLine(out, "  ",
               "start     " + formatTimestamp(static_cast<std::uint64_t>(s.startNs), options.zone));
    appendLine(out, "  ", "duration  " + formatDuration(s.durationNs()));
    std::string services;
    for (const std::string &service : s.services)
        services += (services.empty() ? "" : ", ") + printable(service);
    if (s.moreServices)
        services += " and more (the first " + std::to_string(s.services.size()) + " are listed)";
    appendLine(out, "  ", "services  " + services);
    appendLine(
        out, "  ",
        "spans     " + std::to_string(s.spanCount)
            + (s.errorCount ? ", " + std::to_string(s.errorCount) + " with errors" : ", no errors")
            + (s.hasRoot ? "" : " (root span not received)"));
    appendLine(out, "  ",
               "logs      "
                   + (s.logCount == 0
                          ? std::string("none")
                          : std::to_string(s.logCount) + (s.logCount == 1 ? " record" : " records")
                              + (options.logs ? "" : " (--logs shows them under their spans)")));
    out += '\n';

    const SpanTree tree(places);
    std::vector<std::uint32_t> roots, orphans;
    for (std::size_t i = 0; i < places.size(); ++i) {
        if (!isValid(places[i].parentSpanId))
            roots.push_back(static_cast<std::uint32_t>(i));
        else if (tree.parent(i) == SpanTree::None)
            orphans.push_back(static_cast<std::uint32_t>(i)); // never arrived, or names itself
    }

    // The trace's records under the spans that wrote them, in time order (the page's order).
    std::unordered_map<std::uint32_t, std::vector<const StoredLog *>> logsBySpan;
    std::vector<const StoredLog *> looseLogs;
    if (options.logs) {
        for (const StoredLog &log : options.logs->logs) {
            const std::uint32_t span
                = isValid(log.record.spanId) ? tree.find(log.record.spanId) : SpanTree::None;
            if (span != SpanTree::None)
                logsBySpan[span].push_back(&log);
            else
                looseLogs.push_back(&log);
        }
    }
    const auto offsetOf = [&](std::uint64_t time) {
        return "+" + formatDuration(static_cast<std::int64_t>(time) - s.startNs);
    };
    const auto appendLog = [&](const StoredLog &log, const std::string &indent) {
        const LogRecord &r = log.record;
        appendBody(out,
                   timingColumns(offsetOf(logTime(r)), "") + indent + "· "
                       + padded(severityLabel(r), 5) + " ",
                   std::string(SpanColumn, ' ') + indent + "    ", r,
                   log.timeEstimated ? "  (time estimated)" : "");
    };

    appendLine(out, "", timingColumns("OFFSET", "DURATION") + "SPAN");
    std::vector<std::uint8_t> printed(places.size(), 0); // guards against parent cycles
    bool readable = true;
    // Indentation stops growing at this depth; deeper spans say their depth instead.
    constexpr int MaxIndentDepth = 32;
    int previousScope = -1;
    const auto printOne = [&](std::uint32_t index, int depth) -> void {
        const StoredSpan *read = source.span(index);
        if (!read) {
            readable = false;
            return;
        }
        const StoredSpan &stored = *read;
        const Span &span = stored.span;
        const std::string indent(std::size_t(std::min(depth, MaxIndentDepth)) * 2, ' ');
        std::string line
            = timingColumns(
                  offsetOf(span.startUnixNano),
                  formatDuration(static_cast<std::int64_t>(span.endUnixNano - span.startUnixNano)))
            + indent
            + (depth > MaxIndentDepth ? "(depth " + std::to_string(depth) + ") " : std::string())
            + printable(span.name) + "  ["
            + printable(trace.resources[stored.resource].serviceName()) + "]"
            + (span.kind == SpanKind::Unspecified ? "" : std::string("  ") + toString(span.kind));
        const std::string error = errorSummary(span);
        if (span.statusCode == StatusCode::Error)
            line += "  ✗ " + (error.empty() ? std::string("error") : printable(error));
        else if (!error.empty() && error != span.statusMessage)
            line += "  ! " + printable(error); // an exception recorded on a span not in error
        appendLine(out, "", line);
        const std::string inner = std::string(SpanColumn, ' ') + indent + "    ";
        if (options.attributes) {
            std::string ids = "span " + toHex(span.spanId);
            if (!span.isRoot())
                ids += "  parent " + toHex(span.parentSpanId);
            if (span.flags)
                ids += "  " + flagsText(span.flags);
            if (!span.traceState.empty())
                ids += "  tracestate " + printable(span.traceState);
            appendLine(out, inner, ids);
            if (stored.scope != previousScope)
                appendLine(out, inner, "scope " + scopeText(trace.scopes[stored.scope]));
            previousScope = stored.scope;
            if (span.statusCode != StatusCode::Unset || !span.statusMessage.empty())
                appendLine(
                    out, inner,
                    std::string("status ") + toString(span.statusCode)
                        + (span.statusMessage.empty() ? "" : " " + quoted(span.statusMessage)));
            appendAttributeLines(out, inner, span.attributes);
            for (const SpanEvent &event : span.events) {
                appendLine(out, inner,
                           "event " + offsetOf(event.timeUnixNano) + " " + printable(event.name));
                appendAttributeLines(out, inner + "    ", event.attributes);
            }
            for (const SpanLink &link : span.links) {
                std::string text = "link " + toHex(link.traceId) + "/" + toHex(link.spanId);
                if (link.flags)
                    text += "  " + flagsText(link.flags);
                if (!link.traceState.empty())
                    text += "  tracestate " + printable(link.traceState);
                if (!link.attributes.empty())
                    text += "  " + printable(formatAttributes(link.attributes));
                appendLine(out, inner, text);
            }
            if (span.droppedAttributesCount || span.droppedEventsCount || span.droppedLinksCount)
                appendLine(out, inner,
                           "dropped attributes " + std::to_string(span.droppedAttributesCount)
                               + ", events " + std::to_string(span.droppedEventsCount) + ", links "
                               + std::to_string(span.droppedLinksCount));
        }
    };
    // Depth-first with an explicit stack: a trace can be deeper than the call stack allows. A
    // span's records and children follow it in time order, so the story reads top to bottom.
    struct Entry
    {
        std::uint32_t span = 0; // an index into places, unless this is a record
        const StoredLog *log = nullptr;
        int depth = 0;
    };
    const auto printTree = [&](std::uint32_t top, int depth) {
        std::vector<Entry> stack{{top, nullptr, depth}};
        std::vector<std::pair<std::uint64_t, Entry>> next;
        while (!stack.empty() && readable) {
            const Entry entry = stack.back();
            stack.pop_back();
            if (entry.log) {
                appendLog(*entry.log,
                          std::string(std::size_t(std::min(entry.depth, MaxIndentDepth)) * 2, ' '));
                continue;
            }
            if (printed[entry.span]++)
                continue;
            printOne(entry.span, entry.depth);
            if (out.size() > 64 * 1024) {
                write(out);
                out.clear();
            }
            next.clear();
            for (const std::uint32_t *child = tree.childrenBegin(entry.span);
                 child != tree.childrenEnd(entry.span); ++child)
                next.push_back({places[*child].startUnixNano, {*child, nullptr, entry.depth + 1}});
            if (auto it = logsBySpan.find(entry.span); it != logsBySpan.end()) {
                for (const StoredLog *log : it->second)
                    next.push_back({logTime(log->record), {0, log, entry.depth + 1}});
            }
            std::stable_sort(next.begin(), next.end(),
                             [](const auto &a, const auto &b) { return a.first < b.first; });
            for (auto it = next.rbegin(); it != next.rend(); ++it)
                stack.push_back(it->second);
        }
    };
    for (const std::uint32_t root : roots)
        printTree(root, 0);
    if (!orphans.empty()) {
        appendLine(out, std::string(SpanColumn, ' '), "(missing parent spans)");
        for (const std::uint32_t orphan : orphans)
            printTree(orphan, 1);
    }
    // Whatever a cycle kept out of the tree is still shown.
    for (std::size_t i = 0; i < places.size(); ++i) {
        if (!printed[i])
            printTree(static_cast<std::uint32_t>(i), 1);
    }
    if (!readable)
        return false;
    if (!looseLogs.empty()) {
        appendLine(out, std::string(SpanColumn, ' '), "(records without a span of this trace)");
        for (const StoredLog *log : looseLogs)
            appendLog(*log, "  ");
    }

    out += "\nresources\n";
    for (const Resource &resource : trace.resources) {
        if (!options.attributes) {
            appendLine(out, "  ", resourceLine(resource));
            continue;
        }
        std::string line = printable(resource.serviceName());
        if (!resource.schemaUrl.empty())
            line += "  schema " + printable(resource.schemaUrl);
        if (resource.droppedAttributesCount)
            line += "  dropped attributes " + std::to_string(resource.droppedAttributesCount);
        appendLine(out, "  ", line);
        appendAttributeLines(out, "      ", resource.attributes);
    }
    write(out);
    return true;
}

std::string formatTrace(const TraceData &trace, const TraceTextOptions &options)
{
    LoadedTrace source(trace);
    std::string text;
    writeTraceText(source, options, [&text](std::string_view piece) { text += piece; });
    return text;
}

std::string formatLog(const StoredLog &log, const LogPage &page, TimeZone zone)
{
    const LogRecord &r = log.record;
    std::string head = formatTimestamp(logTime(r), zone) + "  " + padded(severityLabel(r), 5)
        + "  [" + printable(page.resources[log.resource].serviceName()) + "]  ";
    std::string tail;
    if (log.timeEstimated)
        tail += "  (time estimated)";
    if (isValid(r.traceId))
        tail += "  trace " + toHex(r.traceId)
            + (isValid(r.spanId) ? " span " + toHex(r.spanId)
                       + (log.spanName.empty() ? "" : " (" + printable(log.spanName) + ")")
                                 : "");
    if (!r.attributes.empty())
        tail += "  {" + printable(formatAttributes(r.attributes)) + "}";
    std::string out;
    appendBody(out, head, "    ", r, tail);
    out.pop_back(); // the caller ends the line
    return out;
}

} // namespace spanscope::storage

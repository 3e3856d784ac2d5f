#include "tracetext.h"

#include <algorithm>
#include <cmath>

#include "valuecodec.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

namespace spanscope::storage {

namespace {

std::string quoted(const std::string &text)
{
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
    return out + '"';
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
            appendLine(out, indent, kv.key + " (string):");
            std::size_t pos = 0;
            while (pos < text->size()) {
                const std::size_t nl = std::min(text->find('\n', pos), text->size());
                appendLine(out, indent + "  | ", text->substr(pos, nl - pos));
                pos = nl + 1;
            }
        } else {
            appendLine(out, indent,
                       kv.key + " = " + formatValue(kv.value) + " (" + typeName(kv.value.type())
                           + ")");
        }
    }
}

std::string hexFlags(std::uint32_t flags)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", flags);
    return buf;
}

} // namespace

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
    char buf[48];
    const double v = static_cast<double>(nanos);
    if (nanos < 0)
        return "-" + formatDuration(-nanos);
    if (nanos < 1000)
        std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(nanos));
    else if (nanos < 1'000'000)
        std::snprintf(buf, sizeof buf, "%.3g µs", v / 1e3);
    else if (nanos < 1'000'000'000)
        std::snprintf(buf, sizeof buf, "%.3f ms", v / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.3f s", v / 1e9);
    return buf;
}

std::string formatTimestamp(std::uint64_t unixNanos)
{
    const std::time_t seconds = static_cast<std::time_t>(unixNanos / 1'000'000'000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(buf + n, sizeof buf - n, ".%06lluZ",
                  static_cast<unsigned long long>(unixNanos % 1'000'000'000 / 1000));
    return buf;
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

std::string formatAttributes(const Attributes &attributes)
{
    std::string out;
    for (const KeyValue &kv : attributes)
        out += (out.empty() ? "" : ", ") + kv.key + "=" + formatValue(kv.value);
    return out;
}

std::string formatTrace(const TraceData &trace)
{
    const TraceSummary &s = trace.summary;
    std::string out = "trace " + toHex(s.traceId) + "  " + std::to_string(s.spanCount) + " spans  "
        + formatDuration(s.durationNs()) + "  errors " + std::to_string(s.errorCount);
    out += "\nservices:";
    for (const std::string &service : s.services)
        out += " " + service;
    out += '\n';

    std::map<SpanId, std::vector<int>> children;
    std::set<SpanId> present;
    for (const StoredSpan &stored : trace.spans)
        present.insert(stored.span.spanId);
    std::vector<int> roots, orphans;
    for (int i = 0; i < static_cast<int>(trace.spans.size()); ++i) {
        const Span &span = trace.spans[i].span;
        if (span.isRoot())
            roots.push_back(i);
        else if (!present.count(span.parentSpanId) || span.parentSpanId == span.spanId)
            orphans.push_back(i);
        else
            children[span.parentSpanId].push_back(i);
    }

    std::set<SpanId> printed; // guards against parent cycles in hostile input
    // Indentation stops growing at this depth; deeper spans say their depth instead.
    constexpr int MaxIndentDepth = 32;
    const auto printOne = [&](int index, int depth) -> void {
        const StoredSpan &stored = trace.spans[index];
        const Span &span = stored.span;
        const std::string indent(std::size_t(std::min(depth, MaxIndentDepth)) * 2, ' ');
        const std::string service = trace.resources[stored.resource].serviceName();
        std::string line = (depth > MaxIndentDepth ? "- (depth " + std::to_string(depth) + ") "
                                                   : std::string("- "))
            + span.name + "  [" + service + "]  " + toString(span.kind) + "  +"
            + formatDuration(static_cast<std::int64_t>(span.startUnixNano) - s.startNs) + "  "
            + formatDuration(static_cast<std::int64_t>(span.endUnixNano - span.startUnixNano))
            + "  status " + toString(span.statusCode);
        if (!span.statusMessage.empty())
            line += " " + quoted(span.statusMessage);
        appendLine(out, indent, line);
        const std::string inner = indent + "    ";
        std::string ids = "span " + toHex(span.spanId);
        if (!span.isRoot())
            ids += "  parent " + toHex(span.parentSpanId);
        if (span.flags)
            ids += "  flags " + hexFlags(span.flags);
        if (!span.traceState.empty())
            ids += "  tracestate " + span.traceState;
        appendLine(out, inner, ids);
        appendAttributeLines(out, inner, span.attributes);
        for (const SpanEvent &event : span.events) {
            appendLine(out, inner,
                       "event +"
                           + formatDuration(
                               static_cast<std::int64_t>(event.timeUnixNano - span.startUnixNano))
                           + " " + event.name);
            appendAttributeLines(out, inner + "    ", event.attributes);
        }
        for (const SpanLink &link : span.links) {
            std::string line = "link " + toHex(link.traceId) + "/" + toHex(link.spanId);
            if (link.flags)
                line += "  flags " + hexFlags(link.flags);
            if (!link.traceState.empty())
                line += "  tracestate " + link.traceState;
            if (!link.attributes.empty())
                line += "  " + formatAttributes(link.attributes);
            appendLine(out, inner, line);
        }
        if (span.droppedAttributesCount || span.droppedEventsCount || span.droppedLinksCount)
            appendLine(out, inner,
                       "dropped attributes " + std::to_string(span.droppedAttributesCount)
                           + ", events " + std::to_string(span.droppedEventsCount) + ", links "
                           + std::to_string(span.droppedLinksCount));
    };
    // Depth-first with an explicit stack: a trace can be deeper than the call stack allows.
    const auto printTree = [&](int top, int depth) {
        std::vector<std::pair<int, int>> stack{{top, depth}}; // (span index, depth)
        while (!stack.empty()) {
            const auto [index, at] = stack.back();
            stack.pop_back();
            if (!printed.insert(trace.spans[index].span.spanId).second)
                continue;
            printOne(index, at);
            if (auto it = children.find(trace.spans[index].span.spanId); it != children.end()) {
                for (auto child = it->second.rbegin(); child != it->second.rend(); ++child)
                    stack.push_back({*child, at + 1});
            }
        }
    };
    for (const int root : roots)
        printTree(root, 0);
    if (!orphans.empty()) {
        appendLine(out, "", "- (missing parent spans)");
        for (const int orphan : orphans)
            printTree(orphan, 1);
    }
    // Whatever a cycle kept out of the tree is still shown.
    for (int i = 0; i < static_cast<int>(trace.spans.size()); ++i) {
        if (!printed.count(trace.spans[i].span.spanId))
            printTree(i, 1);
    }

    out += "resources:\n";
    for (const Resource &resource : trace.resources) {
        std::string line = "- " + resource.serviceName();
        if (!resource.schemaUrl.empty())
            line += "  schema " + resource.schemaUrl;
        if (resource.droppedAttributesCount)
            line += "  dropped attributes " + std::to_string(resource.droppedAttributesCount);
        appendLine(out, "  ", line);
        appendAttributeLines(out, "      ", resource.attributes);
    }
    out += "scopes:\n";
    for (const Scope &scope : trace.scopes)
        appendLine(
            out, "  ",
            "- " + scope.name + (scope.version.empty() ? "" : " " + scope.version)
                + (scope.attributes.empty() ? "" : "  " + formatAttributes(scope.attributes)));
    return out;
}

std::string formatLog(const StoredLog &log, const LogPage &page)
{
    const LogRecord &r = log.record;
    std::string line = formatTimestamp(r.timeUnixNano) + "  "
        + (r.severityText.empty() ? severityName(r.severityNumber) : r.severityText) + "  ["
        + page.resources[log.resource].serviceName() + "]  ";
    line += r.body.type() == AnyValue::Type::String ? std::get<std::string>(r.body.value)
                                                    : formatValue(r.body);
    if (isValid(r.traceId))
        line += "  trace " + toHex(r.traceId)
            + (isValid(r.spanId) ? " span " + toHex(r.spanId) : "");
    if (!r.attributes.empty())
        line += "  {" + formatAttributes(r.attributes) + "}";
    return line;
}

} // namespace spanscope::storage

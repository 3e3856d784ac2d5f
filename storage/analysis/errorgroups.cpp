#include "errorgroups.h"

#include <algorithm>
#include <map>
#include <set>

namespace spanscope::analysis {

namespace {

std::string_view trimmed(std::string_view line)
{
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
        line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.remove_suffix(1);
    return line;
}

std::vector<std::string_view> linesOf(std::string_view text)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        lines.push_back(text.substr(0, newline));
        if (newline == std::string_view::npos)
            break;
        text.remove_prefix(newline + 1);
    }
    return lines;
}

std::string_view baseName(std::string_view path)
{
    const auto slash = path.find_last_of("/\\");
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool fromTheSdk(std::string_view frame)
{
    return frame.find("opentelemetry") != std::string_view::npos
        || frame.find("runtime/debug.Stack") != std::string_view::npos
        || frame.find("runtime.Callers") != std::string_view::npos;
}

// `  File "/app/shop.py", line 42, in checkout` -> "checkout (shop.py:42)".
std::string pythonFrame(std::string_view line)
{
    line = trimmed(line);
    const auto open = line.find('"');
    const auto close = line.find('"', open + 1);
    if (open == std::string_view::npos || close == std::string_view::npos)
        return {};
    const std::string_view file = baseName(line.substr(open + 1, close - open - 1));
    std::string_view rest = line.substr(close + 1);
    std::string number;
    if (const auto at = rest.find("line "); at != std::string_view::npos) {
        for (std::size_t i = at + 5; i < rest.size() && rest[i] >= '0' && rest[i] <= '9'; ++i)
            number += rest[i];
    }
    std::string function;
    if (const auto in = rest.find(", in "); in != std::string_view::npos)
        function = std::string(trimmed(rest.substr(in + 5)));
    std::string frame = function.empty() ? std::string(file) : function + " (" + std::string(file);
    if (!number.empty())
        frame += ":" + number;
    if (!function.empty())
        frame += ")";
    return frame;
}

} // namespace

std::optional<RecordedException> exceptionOf(const storage::Span &span)
{
    for (const storage::SpanEvent &event : span.events) {
        if (event.name != "exception")
            continue;
        RecordedException out;
        for (const storage::KeyValue &kv : event.attributes) {
            const auto *text = std::get_if<std::string>(&kv.value.value);
            if (!text)
                continue;
            if (kv.key == "exception.type")
                out.type = *text;
            else if (kv.key == "exception.message")
                out.message = *text;
            else if (kv.key == "exception.stacktrace")
                out.stacktrace = *text;
        }
        return out;
    }
    return std::nullopt;
}

std::string topFrameOf(std::string_view stacktrace)
{
    const std::vector<std::string_view> lines = linesOf(stacktrace);
    // Python prints the innermost frame last.
    std::string python;
    for (const std::string_view line : lines) {
        const std::string_view text = trimmed(line);
        if (text.starts_with("File \"") && !fromTheSdk(text))
            python = pythonFrame(text);
    }
    if (!python.empty())
        return python;
    // Java, Node.js and .NET print it first, as "at ...".
    for (const std::string_view line : lines) {
        const std::string_view text = trimmed(line);
        if (text.starts_with("at ") && !fromTheSdk(text))
            return std::string(trimmed(text.substr(3)));
    }
    // Go: "goroutine 1 [running]:", then a function line and a tab-indented "file:line +0x..".
    if (!lines.empty() && lines.front().starts_with("goroutine ")) {
        for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
            const std::string_view function = lines[i];
            if (function.empty() || function.front() == '\t' || fromTheSdk(function))
                continue;
            std::string_view place = trimmed(lines[i + 1]);
            place = place.substr(0, place.find(" +0x"));
            std::string name(function.substr(0, function.rfind('(')));
            return name + " (" + std::string(baseName(place)) + ")";
        }
    }
    return {};
}

storage::Result<ErrorOverview> errorsAcross(storage::TraceStore &store, storage::TraceFilter filter,
                                            std::int64_t maxSpans)
{
    filter.errorsOnly = true;
    auto summaries = store.findTraces(filter);
    if (!summaries)
        return storage::Error{summaries.error()};
    ErrorOverview out;
    std::map<std::pair<std::string, std::string>, ErrorGroup> groups;
    std::map<std::pair<std::string, std::string>, std::set<storage::TraceId>> tracesOf;
    for (const storage::TraceSummary &summary : *summaries) {
        if (summary.spanCount > maxSpans) {
            ++out.skipped;
            continue;
        }
        auto loaded = store.loadTrace(summary.traceId);
        if (!loaded)
            return storage::Error{loaded.error()};
        if (!*loaded)
            continue; // evicted since the list was read
        ++out.traces;
        const storage::TraceData &trace = **loaded;
        for (const storage::StoredSpan &stored : trace.spans) {
            const storage::Span &span = stored.span;
            const auto exception = exceptionOf(span);
            if (span.statusCode != storage::StatusCode::Error && !exception)
                continue;
            const std::string operation
                = trace.resources[stored.resource].serviceName() + ": " + span.name;
            std::pair<std::string, std::string> key;
            std::string message = span.statusMessage;
            if (exception && !exception->type.empty()) {
                key = {exception->type, topFrameOf(exception->stacktrace)};
                if (!exception->message.empty())
                    message = exception->message;
            } else {
                key = {"error status", operation};
            }
            ErrorGroup &group = groups[key];
            const auto start = static_cast<std::int64_t>(span.startUnixNano);
            if (group.count == 0 || start >= group.lastSeenNs) {
                group.lastSeenNs = start;
                group.message = message;
                group.operation = operation;
                group.exampleTrace = span.traceId;
                group.exampleSpan = span.spanId;
            }
            if (group.count == 0 || start < group.firstSeenNs)
                group.firstSeenNs = start;
            ++group.count;
            tracesOf[key].insert(span.traceId);
        }
    }
    for (auto &[key, group] : groups) {
        group.type = key.first;
        group.topFrame = key.second;
        group.traces = static_cast<int>(tracesOf[key].size());
        out.groups.push_back(std::move(group));
    }
    std::stable_sort(
        out.groups.begin(), out.groups.end(), [](const ErrorGroup &a, const ErrorGroup &b) {
            return a.count != b.count ? a.count > b.count : a.lastSeenNs > b.lastSeenNs;
        });
    return out;
}

} // namespace spanscope::analysis

#include "mcptools.h"

#include <analysis/criticalpath.h>
#include <compare.h>
#include <errorgroups.h>
#include <files/redaction.h>
#include <insightgroups.h>
#include <insights.h>
#include <runs.h>
#include <runselector.h>
#include <services/servicereader.h>
#include <spantree.h>
#include <tracestore.h>
#include <tracetext.h>

#include <QDateTime>
#include <QString>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace spanscope::mcp {

using nlohmann::json;

namespace {

// Longest text value in an answer; longer ones are cut and say how long they were.
constexpr std::size_t MaxValueChars = 2'000;
// Longest list of attributes, array items, events or links shown for one item: a span with ten
// thousand attributes must not make an answer ten thousand times larger before it is cut.
constexpr std::size_t MaxItems = 128;
// Reading across traces (errors, insights) skips traces larger than this, and says so: the one
// worker that answers must not spend minutes on a call.
constexpr std::int64_t MaxSpansAcross = 20'000;
// A trace larger than this is summarised, not walked.
constexpr std::int64_t MaxTraceSpans = 200'000;

std::string clip(std::string text, std::size_t limit = MaxValueChars)
{
    if (text.size() <= limit)
        return text;
    const std::size_t length = text.size();
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut; // not inside a UTF-8 sequence
    text.resize(cut);
    return text + "… [cut: " + std::to_string(length) + " characters in all]";
}

double millis(std::int64_t nanos)
{
    return std::round(double(nanos) / 1'000.0) / 1'000.0;
}

std::string isoTime(std::int64_t nanos)
{
    return QDateTime::fromMSecsSinceEpoch(nanos / 1'000'000, Qt::UTC)
        .toString(Qt::ISODateWithMs)
        .toStdString();
}

json attributesJson(const storage::Attributes &attributes);

json valueJson(const storage::AnyValue &value)
{
    switch (value.type()) {
    case storage::AnyValue::Type::Empty:
        return nullptr;
    case storage::AnyValue::Type::String:
        return clip(std::get<std::string>(value.value));
    case storage::AnyValue::Type::Bool:
        return std::get<bool>(value.value);
    case storage::AnyValue::Type::Int:
        return std::get<std::int64_t>(value.value);
    case storage::AnyValue::Type::Double: {
        const double number = std::get<double>(value.value);
        return std::isfinite(number) ? json(number) : json(storage::formatValue(value));
    }
    case storage::AnyValue::Type::Bytes:
        return clip(storage::hexEncode(std::get<storage::Bytes>(value.value).data));
    case storage::AnyValue::Type::Array: {
        const auto &items = std::get<storage::AnyValue::Array>(value.value);
        json array = json::array();
        for (std::size_t i = 0; i < std::min(items.size(), MaxItems); ++i)
            array.push_back(valueJson(items[i]));
        if (items.size() > MaxItems)
            array.push_back(std::to_string(items.size() - MaxItems) + " more not shown");
        return array;
    }
    case storage::AnyValue::Type::KeyValueList:
        return attributesJson(std::get<storage::AnyValue::KeyValueList>(value.value));
    }
    return nullptr;
}

json attributesJson(const storage::Attributes &attributes)
{
    json object = json::object();
    for (std::size_t i = 0; i < std::min(attributes.size(), MaxItems); ++i)
        object[attributes[i].key] = valueJson(attributes[i].value);
    if (attributes.size() > MaxItems)
        object["…"] = std::to_string(attributes.size() - MaxItems) + " more attributes not shown";
    return object;
}

json summaryJson(const storage::TraceSummary &t)
{
    return {{"traceId", storage::toHex(t.traceId)},
            {"start", isoTime(t.startNs)},
            {"durationMs", millis(t.durationNs())},
            {"rootService", t.rootService},
            {"rootName", t.rootName},
            {"rootReceived", t.hasRoot},
            {"spanCount", t.spanCount},
            {"errorCount", t.errorCount},
            {"logCount", t.logCount},
            {"services", t.services}};
}

// A hint to ask again for as many as fitted: "<before>limit=N<after>".
std::function<std::string(std::size_t)> withLimit(std::string before, std::string after)
{
    return [before, after](std::size_t shown) {
        return before + "limit=" + std::to_string(std::max<std::size_t>(shown, 1)) + after;
    };
}

json insightJson(const storage::TraceData &trace, const analysis::Insight &insight)
{
    json spanIds = json::array();
    for (std::size_t i = 0; i < std::min<std::size_t>(insight.spans.size(), 5); ++i)
        spanIds.push_back(storage::toHex(trace.spans[insight.spans[i]].span.spanId));
    return {{"kind", analysis::kindName(insight.kind)},
            {"title", analysis::kindTitle(insight.kind)},
            {"message", insight.message},
            {"pattern", clip(insight.pattern, 300)},
            {"parentOperation", insight.parentOperation},
            {"count", insight.count},
            {"totalMs", millis(insight.totalNs)},
            {"savableMs", millis(insight.savableNs)},
            {"spanIds", spanIds}};
}

std::optional<std::int64_t> sinceArgument(const json &arguments, const char *name = "since")
{
    if (!arguments.contains(name))
        return std::nullopt;
    const auto ago = storage::parseDuration(arguments[name].get<std::string>());
    if (!ago)
        return std::nullopt;
    return QDateTime::currentMSecsSinceEpoch() * 1'000'000 - *ago;
}

std::string text(const json &arguments, const char *name)
{
    return arguments.contains(name) ? arguments[name].get<std::string>() : std::string();
}

int integer(const json &arguments, const char *name, int fallback)
{
    return arguments.contains(name) ? arguments[name].get<int>() : fallback;
}

ToolAnswer failure(std::string message)
{
    ToolAnswer answer;
    answer.error = std::move(message);
    return answer;
}

// "since" must be a duration the CLI takes; checked before the tool runs.
bool badDuration(const json &arguments, const char *name, std::string &why)
{
    if (arguments.contains(name) && !storage::parseDuration(arguments[name].get<std::string>())) {
        why = std::string("'") + name + "' needs a duration such as 15m, 2h or 7d.";
        return true;
    }
    return false;
}

constexpr const char *TraceIdSchema
    = R"({"type": "string", "pattern": "^[0-9a-fA-F]{32}$", "minLength": 32, "maxLength": 32, "description": "32 hex digits"})";
constexpr const char *SpanIdSchema
    = R"({"type": "string", "pattern": "^[0-9a-fA-F]{16}$", "minLength": 16, "maxLength": 16, "description": "16 hex digits"})";
constexpr const char *SinceSchema
    = R"({"type": "string", "maxLength": 32, "description": "Only what started this long ago or later: 15m, 2h, 7d."})";

} // namespace

struct McpTools::Tool
{
    std::string name, title, description;
    json inputSchema, outputSchema;
    ToolAnswer (McpTools::*run)(const json &);
};

McpTools::McpTools(Options options)
    : m_options(std::move(options))
{
    const auto schema = [](std::string text) {
        for (const auto &[marker, replacement] :
             {std::pair{"@TRACE", TraceIdSchema}, std::pair{"@SPAN", SpanIdSchema},
              std::pair{"@SINCE", SinceSchema}}) {
            for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker))
                text.replace(at, std::string_view(marker).size(), replacement);
        }
        return json::parse(text);
    };
    const auto output = [](std::initializer_list<const char *> arrays) {
        json properties = json::object();
        for (const char *name : arrays)
            properties[name] = {{"type", "array"}};
        return json{{"type", "object"}, {"properties", properties}};
    };
    m_tools = {
        {"list_traces", "List traces",
         "Stored traces, newest first, one line each: root service and operation, duration, span, "
         "error and log counts. Filter by service, span name, errors, duration, age or attributes; "
         "page with the nextCursor of the previous answer.",
         schema(R"({"type": "object", "additionalProperties": false, "properties": {
            "service": {"type": "string", "maxLength": 256},
            "operation": {"type": "string", "maxLength": 256, "description": "A span name any span of the trace has"},
            "errorsOnly": {"type": "boolean"},
            "minDurationMs": {"type": "number", "minimum": 0},
            "since": @SINCE,
            "attributes": {"type": "string", "maxLength": 1024, "description": "Clauses joined by AND: key=value, key!=value, key>N, key exists"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            "cursor": {"type": "string", "maxLength": 64}}})"),
         output({"traces"}), &McpTools::listTraces},
        {"get_trace", "Read a trace",
         "One trace condensed: its summary, the errors with their exceptions, the critical path, "
         "the insights (N+1 queries, sequential calls, slow queries) and the span tree with "
         "offsets, durations and status. Attributes only when asked; get_span has one span in "
         "full.",
         schema(
             R"({"type": "object", "additionalProperties": false, "required": ["traceId"], "properties": {
            "traceId": @TRACE,
            "spanOffset": {"type": "integer", "minimum": 0, "default": 0},
            "maxSpans": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
            "attributes": {"type": "boolean", "default": false}}})"),
         output({"errors", "criticalPath", "insights", "spans"}), &McpTools::getTrace},
        {"get_span", "Read a span",
         "One span in full: attributes, resource, scope, events (exceptions with their stack "
         "traces), links, and the log records it wrote.",
         schema(
             R"({"type": "object", "additionalProperties": false, "required": ["traceId", "spanId"], "properties": {
            "traceId": @TRACE, "spanId": @SPAN}})"),
         output({"logs"}), &McpTools::getSpan},
        {"search_logs", "Search logs",
         "Log records: of a trace or span (oldest first: the story of the request), or across "
         "services (newest first), by text, severity and age.",
         schema(R"({"type": "object", "additionalProperties": false, "properties": {
            "traceId": @TRACE, "spanId": @SPAN,
            "service": {"type": "string", "maxLength": 256},
            "text": {"type": "string", "maxLength": 1024, "description": "Text the body contains, any case"},
            "minSeverity": {"type": "string", "enum": ["trace", "debug", "info", "warn", "error", "fatal"]},
            "since": @SINCE,
            "limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}})"),
         output({"logs"}), &McpTools::searchLogs},
        {"list_errors", "List errors",
         "Failures across recent traces grouped by exception type and the frame it was raised "
         "in (or by status message and operation), most frequent first, each with the newest "
         "trace and span to read. Traces over 20 000 spans are skipped and counted.",
         schema(R"({"type": "object", "additionalProperties": false, "properties": {
            "since": @SINCE,
            "service": {"type": "string", "maxLength": 256},
            "maxTraces": {"type": "integer", "minimum": 1, "maximum": 2000, "default": 200},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}})"),
         output({"groups"}), &McpTools::listErrors},
        {"list_insights", "List insights",
         "Performance problems the detectors found: N+1 queries and calls, sequential calls "
         "that could run side by side, repeated calls, slow queries, lost propagation. Of one "
         "trace, or grouped across recent traces with the time each could save (traces over "
         "20 000 spans are skipped and counted there).",
         schema(R"({"type": "object", "additionalProperties": false, "properties": {
            "traceId": @TRACE,
            "since": @SINCE,
            "service": {"type": "string", "maxLength": 256},
            "maxTraces": {"type": "integer", "minimum": 1, "maximum": 2000, "default": 200},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}})"),
         output({"insights"}), &McpTools::listInsights},
        {"compare_traces", "Compare two traces",
         "Two traces merged by (service, operation) path: the nodes whose time changed most, "
         "with counts, durations and self times on both sides and what changed (added, removed, "
         "slower, faster, same). Without traceIdA, B is compared with the previous trace of "
         "its root operation.",
         schema(
             R"({"type": "object", "additionalProperties": false, "required": ["traceIdB"], "properties": {
            "traceIdA": @TRACE, "traceIdB": @TRACE,
            "limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 25}}})"),
         output({"nodes"}), &McpTools::compareTraces},
        {"compare_runs", "Compare two runs",
         "Two groups of traces, endpoint by endpoint: p50/p95, error rate, calls per trace, new "
         "operations, errors and insights, biggest impact first. A run is named by a selector: "
         "since=15m,until=5m; attr=service.version=1.2; mark=NAME; restart=SERVICE.",
         schema(
             R"({"type": "object", "additionalProperties": false, "required": ["baseline", "candidate"], "properties": {
            "baseline": {"type": "string", "maxLength": 1024},
            "candidate": {"type": "string", "maxLength": 1024},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}})"),
         output({"endpoints"}), &McpTools::compareRuns},
        {"list_services", "List services",
         "Rate, errors and duration (p50/p95/p99) per service and operation from the stored "
         "spans, by impact, and who calls whom (services, databases, caches, queues).",
         schema(R"({"type": "object", "additionalProperties": false, "properties": {
            "since": @SINCE,
            "edges": {"type": "boolean", "default": true},
            "limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}}})"),
         output({"services", "edges"}), &McpTools::listServices},
    };
    m_definitions = json::array();
    for (const Tool &tool : m_tools)
        m_definitions.push_back(
            {{"name", tool.name},
             {"title", tool.title},
             {"description", tool.description},
             {"inputSchema", tool.inputSchema},
             {"outputSchema", tool.outputSchema},
             {"annotations", {{"readOnlyHint", true}, {"openWorldHint", false}}}});
    if (m_options.redact) {
        auto redactor = ingest::Redactor::create(ingest::RedactionRules::defaults());
        m_redactor = std::move(*redactor); // the defaults are valid expressions
    }
}

McpTools::~McpTools() = default;

bool McpTools::has(const std::string &name) const
{
    return std::any_of(m_tools.begin(), m_tools.end(),
                       [&](const Tool &tool) { return tool.name == name; });
}

std::string McpTools::validate(const std::string &name, const json &arguments) const
{
    const auto tool = std::find_if(m_tools.begin(), m_tools.end(),
                                   [&](const Tool &t) { return t.name == name; });
    if (tool == m_tools.end())
        return "Unknown tool '" + name + "'.";
    if (!arguments.is_object())
        return "The arguments of " + name + " must be an object.";
    const json &properties = tool->inputSchema["properties"];
    for (const std::string required : tool->inputSchema.value("required", json::array()))
        if (!arguments.contains(required))
            return name + " needs '" + required + "'.";
    for (const auto &[key, value] : arguments.items()) {
        if (!properties.contains(key))
            return name + " has no argument '" + key + "'.";
        const json &property = properties[key];
        const std::string type = property["type"];
        const bool fits = type == "string" ? value.is_string()
            : type == "boolean"            ? value.is_boolean()
            : type == "integer"            ? value.is_number_integer()
                                           : value.is_number();
        if (!fits)
            return "'" + key + "' must be " + (type == "integer" ? "an " : "a ") + type + ".";
        if (value.is_number()) {
            const double number = value.get<double>();
            if (property.contains("minimum") && number < property["minimum"].get<double>())
                return "'" + key + "' must be at least " + property["minimum"].dump() + ".";
            if (property.contains("maximum") && number > property["maximum"].get<double>())
                return "'" + key + "' must be at most " + property["maximum"].dump() + ".";
        }
        if (value.is_string()) {
            const std::string &text = value.get_ref<const std::string &>();
            if (property.contains("maxLength")
                && text.size() > property["maxLength"].get<std::size_t>())
                return "'" + key + "' is longer than " + property["maxLength"].dump()
                    + " characters.";
            if (property.contains("enum")
                && std::find(property["enum"].begin(), property["enum"].end(), value)
                    == property["enum"].end())
                return "'" + key + "' must be one of " + property["enum"].dump() + ".";
            // The only patterns are the ids': hex digits, as many as minLength says.
            if (property.contains("pattern")) {
                const std::size_t digits = property["minLength"].get<std::size_t>();
                const bool hex
                    = text.size() == digits && std::all_of(text.begin(), text.end(), [](char c) {
                          return std::isxdigit(static_cast<unsigned char>(c));
                      });
                if (!hex)
                    return "'" + key + "' needs " + std::to_string(digits) + " hex digits.";
            }
        }
    }
    std::string why;
    for (const char *duration : {"since"})
        if (badDuration(arguments, duration, why))
            return why;
    return {};
}

storage::TraceStore *McpTools::store(std::string &error)
{
    if (!m_store) {
        auto opened = storage::TraceStore::open(m_options.databasePath);
        if (!opened) {
            error = opened.error()
                + " Start Spanscope (the window or `spanscope serve`) so it creates its "
                  "database, or pass the right one with --db.";
            return nullptr;
        }
        m_store = std::move(*opened);
    }
    return m_store.get();
}

std::size_t McpTools::maskedSoFar() const
{
    std::size_t total = 0;
    if (m_redactor) {
        for (const auto &[pattern, count] : m_redactor->counts())
            total += static_cast<std::size_t>(count);
    }
    return total;
}

ToolAnswer McpTools::call(const std::string &name, const json &arguments)
{
    const auto tool = std::find_if(m_tools.begin(), m_tools.end(),
                                   [&](const Tool &t) { return t.name == name; });
    if (tool == m_tools.end())
        return failure("Unknown tool '" + name + "'.");
    std::string error;
    if (!store(error))
        return failure(error);
    const std::size_t maskedBefore = maskedSoFar();
    ToolAnswer answer = (this->*(tool->run))(arguments);
    if (const std::size_t masked = maskedSoFar() - maskedBefore; masked > 0 && answer.error.empty())
        answer.result["redacted"]
            = {{"values", masked},
               {"note",
                std::string("Values that look like secrets or personal data read ")
                    + ingest::Redactor::Mask
                    + " (the bundle's redaction rules); the user can start the "
                      "server with --no-redaction to see them."}};
    return answer;
}

void McpTools::fit(ToolAnswer &answer, const char *list,
                   const std::function<std::string(std::size_t)> &next) const
{
    json &items = answer.result[list];
    const std::size_t total = items.size();
    if (answer.result.dump(-1, ' ', false, json::error_handler_t::replace).size()
        <= m_options.maxAnswerChars)
        return;
    json all = std::move(items);
    // The most items that fit, found by halving: each try costs one dump of the answer.
    std::size_t low = 0, high = total;
    while (low < high) {
        const std::size_t middle = (low + high + 1) / 2;
        answer.result[list] = json(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(middle));
        if (answer.result.dump(-1, ' ', false, json::error_handler_t::replace).size() + 200
            <= m_options.maxAnswerChars)
            low = middle;
        else
            high = middle - 1;
    }
    answer.result[list] = json(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(low));
    answer.result["truncated"]
        = {{"list", list}, {"shown", low}, {"total", total}, {"hint", next(low)}};
}

ToolAnswer McpTools::listTraces(const json &arguments)
{
    storage::TraceFilter filter;
    filter.service = text(arguments, "service");
    filter.spanName = text(arguments, "operation");
    filter.errorsOnly = arguments.value("errorsOnly", false);
    if (arguments.contains("minDurationMs"))
        filter.minDurationNs
            = static_cast<std::int64_t>(arguments["minDurationMs"].get<double>() * 1e6);
    filter.startFromNs = sinceArgument(arguments);
    if (const std::string clauses = text(arguments, "attributes"); !clauses.empty()) {
        auto parsed = storage::parseAttributeConditions(clauses);
        if (!parsed)
            return failure("attributes: " + parsed.error());
        filter.attributes = std::move(*parsed);
    }
    const int limit = integer(arguments, "limit", 20);
    filter.limit = limit + 1; // one more says whether there is a next page
    if (const std::string cursor = text(arguments, "cursor"); !cursor.empty()) {
        const auto colon = cursor.find(':');
        try {
            filter.after
                = {std::stoll(cursor.substr(0, colon)), std::stoll(cursor.substr(colon + 1))};
        } catch (const std::exception &) {
            return failure("cursor: not one this server gave; leave it out for the first page.");
        }
    }
    auto traces = m_store->findTraces(filter);
    if (!traces)
        return failure(traces.error());
    ToolAnswer answer;
    json &list = answer.result["traces"] = json::array();
    for (int i = 0; i < std::min<int>(limit, static_cast<int>(traces->size())); ++i)
        list.push_back(summaryJson((*traces)[i]));
    if (static_cast<int>(traces->size()) > limit) {
        const storage::TraceSummary &last = (*traces)[limit - 1];
        answer.result["nextCursor"] = std::to_string(storage::sortValue(last, filter.order)) + ":"
            + std::to_string(last.key);
    }
    fit(answer, "traces", withLimit("Ask again with ", " and page with nextCursor."));
    return answer;
}

ToolAnswer McpTools::getTrace(const json &arguments)
{
    storage::TraceId id;
    storage::fromHex(arguments["traceId"].get<std::string>(), id);
    storage::TraceFilter filter;
    filter.traceId = id;
    filter.limit = 1;
    auto found = m_store->findTraces(filter);
    if (!found)
        return failure(found.error());
    if (found->empty())
        return failure("No trace " + storage::toHex(id)
                       + " is stored (list_traces shows what is).");
    ToolAnswer answer;
    answer.result["trace"] = summaryJson(found->front());
    if (found->front().spanCount > MaxTraceSpans) {
        answer.result["note"] = "This trace has " + std::to_string(found->front().spanCount)
            + " spans, more than this server walks; open it in the Spanscope window.";
        return answer;
    }
    auto loaded = m_store->loadTrace(id);
    if (!loaded)
        return failure(loaded.error());
    if (!*loaded)
        return failure("Trace " + storage::toHex(id) + " was evicted just now.");
    storage::TraceData &trace = **loaded;
    if (m_redactor)
        m_redactor->redact(trace);
    const analysis::SpanTree tree(trace);
    const std::int64_t origin = trace.summary.startNs;
    const auto serviceOf = [&](int span) {
        return trace.resources[trace.spans[span].resource].serviceName();
    };
    const auto spanRef = [&](int span) {
        const storage::Span &s = trace.spans[span].span;
        return json{
            {"spanId", storage::toHex(s.spanId)}, {"service", serviceOf(span)}, {"name", s.name}};
    };

    json errors = json::array();
    int errorCount = 0;
    for (int span = 0; span < tree.size(); ++span) {
        const storage::Span &s = trace.spans[span].span;
        const auto exception = analysis::exceptionOf(s);
        if (s.statusCode != storage::StatusCode::Error && !exception)
            continue;
        if (++errorCount > 10)
            continue;
        json error = spanRef(span);
        error["status"] = storage::toString(s.statusCode);
        if (!s.statusMessage.empty())
            error["statusMessage"] = clip(s.statusMessage);
        if (exception)
            error["exception"] = {{"type", exception->type},
                                  {"message", clip(exception->message)},
                                  {"topFrame", analysis::topFrameOf(exception->stacktrace)},
                                  {"stacktrace", clip(exception->stacktrace, 1'500)}};
        errors.push_back(std::move(error));
    }
    answer.result["errors"] = std::move(errors);
    if (errorCount > 10)
        answer.result["errorsNotShown"] = errorCount - 10;

    json path = json::array();
    const std::vector<int> critical = analysis::criticalPath(trace, tree);
    for (const int span : critical) {
        if (path.size() == 25)
            break;
        json step = spanRef(span);
        step["durationMs"] = millis(tree.durationNs(span));
        step["selfMs"] = millis(tree.selfNs(span));
        path.push_back(std::move(step));
    }
    answer.result["criticalPath"] = std::move(path);

    json insights = json::array();
    for (const analysis::Insight &insight : analysis::findInsights(trace, tree)) {
        if (insights.size() == 10)
            break;
        insights.push_back(insightJson(trace, insight));
    }
    answer.result["insights"] = std::move(insights);

    const int offset = integer(arguments, "spanOffset", 0);
    const int maxSpans = integer(arguments, "maxSpans", 100);
    const bool withAttributes = arguments.value("attributes", false);
    json spans = json::array();
    int index = 0;
    tree.walk(0, [&](int span, int depth) {
        if (index >= offset && index < offset + maxSpans) {
            const storage::Span &s = trace.spans[span].span;
            json row = spanRef(span);
            if (tree.parent(span) >= 0)
                row["parentSpanId"] = storage::toHex(s.parentSpanId);
            row["depth"] = depth;
            row["kind"] = storage::toString(s.kind);
            row["offsetMs"] = millis(static_cast<std::int64_t>(s.startUnixNano) - origin);
            row["durationMs"] = millis(tree.durationNs(span));
            row["selfMs"] = millis(tree.selfNs(span));
            row["status"] = storage::toString(s.statusCode);
            if (const auto exception = analysis::exceptionOf(s))
                row["exception"] = exception->type;
            if (withAttributes)
                row["attributes"] = attributesJson(s.attributes);
            spans.push_back(std::move(row));
        }
        ++index;
        return depth + 1;
    });
    const std::size_t shownBefore = spans.size();
    answer.result["spans"] = std::move(spans);
    answer.result["spanOffset"] = offset;
    const int total = tree.size();
    answer.result["logCount"] = trace.summary.logCount;
    const std::string hex = storage::toHex(id);
    if (offset + static_cast<int>(shownBefore) < total)
        answer.result["more"] = "Spans " + std::to_string(offset + shownBefore) + " to "
            + std::to_string(total) + " are not shown: call get_trace with spanOffset="
            + std::to_string(offset + shownBefore) + ".";
    fit(answer, "spans", [&](std::size_t shown) {
        return "Call get_trace with traceId=" + hex
            + " and spanOffset=" + std::to_string(offset + shown) + " for the next spans"
            + (withAttributes ? " (or without attributes, which take most of the room)." : ".");
    });
    return answer;
}

ToolAnswer McpTools::getSpan(const json &arguments)
{
    storage::TraceId traceId;
    storage::SpanId spanId;
    storage::fromHex(arguments["traceId"].get<std::string>(), traceId);
    storage::fromHex(arguments["spanId"].get<std::string>(), spanId);
    auto loaded = m_store->loadTrace(traceId);
    if (!loaded)
        return failure(loaded.error());
    if (!*loaded)
        return failure("No trace " + storage::toHex(traceId) + " is stored.");
    storage::TraceData &trace = **loaded;
    const auto stored
        = std::find_if(trace.spans.begin(), trace.spans.end(),
                       [&](const storage::StoredSpan &s) { return s.span.spanId == spanId; });
    if (stored == trace.spans.end())
        return failure("Trace " + storage::toHex(traceId) + " has no span " + storage::toHex(spanId)
                       + " (get_trace lists its spans).");
    if (m_redactor) {
        m_redactor->redact(trace.resources, trace.scopes);
        m_redactor->redact(stored->span);
    }
    const storage::Span &s = stored->span;
    const auto start = static_cast<std::int64_t>(s.startUnixNano);
    const storage::Scope &scope = trace.scopes[stored->scope];
    json span = {{"traceId", storage::toHex(traceId)},
                 {"spanId", storage::toHex(s.spanId)},
                 {"name", s.name},
                 {"service", trace.resources[stored->resource].serviceName()},
                 {"kind", storage::toString(s.kind)},
                 {"start", isoTime(start)},
                 {"offsetMs", millis(start - trace.summary.startNs)},
                 {"durationMs", millis(static_cast<std::int64_t>(s.endUnixNano) - start)},
                 {"status", storage::toString(s.statusCode)},
                 {"attributes", attributesJson(s.attributes)},
                 {"resource", attributesJson(trace.resources[stored->resource].attributes)},
                 {"scope", {{"name", scope.name}, {"version", scope.version}}}};
    if (s.isRoot())
        span["parentSpanId"] = nullptr;
    else
        span["parentSpanId"] = storage::toHex(s.parentSpanId);
    if (!s.statusMessage.empty())
        span["statusMessage"] = clip(s.statusMessage);
    json events = json::array();
    for (const storage::SpanEvent &event : s.events) {
        if (events.size() == MaxItems)
            break;
        events.push_back(
            {{"name", event.name},
             {"offsetMs", millis(static_cast<std::int64_t>(event.timeUnixNano) - start)},
             {"attributes", attributesJson(event.attributes)}});
    }
    span["events"] = std::move(events);
    json links = json::array();
    for (const storage::SpanLink &link : s.links) {
        if (links.size() == MaxItems)
            break;
        links.push_back({{"traceId", storage::toHex(link.traceId)},
                         {"spanId", storage::toHex(link.spanId)},
                         {"attributes", attributesJson(link.attributes)}});
    }
    span["links"] = std::move(links);

    storage::LogFilter filter;
    filter.traceId = traceId;
    filter.spanId = spanId;
    filter.order = storage::LogOrder::ByTime;
    filter.limit = 20;
    auto page = m_store->findLogs(filter);
    if (!page)
        return failure(page.error());
    if (m_redactor)
        m_redactor->redact(*page);
    ToolAnswer answer;
    answer.result["span"] = std::move(span);
    json &logs = answer.result["logs"] = json::array();
    for (const storage::StoredLog &log : page->logs)
        logs.push_back({{"time", isoTime(static_cast<std::int64_t>(storage::logTime(log.record)))},
                        {"severity", storage::severityLabel(log.record)},
                        {"body", clip(storage::formatValue(log.record.body))}});
    if (logs.size() == 20)
        answer.result["moreLogs"] = "search_logs with this traceId and spanId has the rest.";
    fit(answer, "logs", [](std::size_t) {
        return std::string("search_logs with this traceId and spanId has the log records.");
    });
    return answer;
}

ToolAnswer McpTools::searchLogs(const json &arguments)
{
    storage::LogFilter filter;
    if (arguments.contains("traceId")) {
        storage::TraceId id;
        storage::fromHex(arguments["traceId"].get<std::string>(), id);
        filter.traceId = id;
    }
    if (arguments.contains("spanId")) {
        storage::SpanId id;
        storage::fromHex(arguments["spanId"].get<std::string>(), id);
        filter.spanId = id;
    }
    filter.service = text(arguments, "service");
    filter.text = text(arguments, "text");
    if (arguments.contains("minSeverity")) {
        static const std::vector<std::string> bands
            = {"trace", "debug", "info", "warn", "error", "fatal"};
        const auto band = std::find(bands.begin(), bands.end(), text(arguments, "minSeverity"));
        filter.minSeverity = static_cast<int>(band - bands.begin()) * 4 + 1;
    }
    filter.fromNs = sinceArgument(arguments);
    filter.order = filter.traceId ? storage::LogOrder::ByTime : storage::LogOrder::NewestByTime;
    filter.limit = integer(arguments, "limit", 50);
    auto page = m_store->findLogs(filter);
    if (!page)
        return failure(page.error());
    if (m_redactor)
        m_redactor->redact(*page);
    ToolAnswer answer;
    json &logs = answer.result["logs"] = json::array();
    for (const storage::StoredLog &log : page->logs) {
        json row = {{"time", isoTime(static_cast<std::int64_t>(storage::logTime(log.record)))},
                    {"severity", storage::severityLabel(log.record)},
                    {"service", page->resources[log.resource].serviceName()},
                    {"body", clip(storage::formatValue(log.record.body))}};
        if (storage::isValid(log.record.traceId))
            row["traceId"] = storage::toHex(log.record.traceId);
        if (storage::isValid(log.record.spanId))
            row["spanId"] = storage::toHex(log.record.spanId);
        if (!log.record.attributes.empty())
            row["attributes"] = attributesJson(log.record.attributes);
        logs.push_back(std::move(row));
    }
    fit(answer, "logs",
        withLimit("Ask for fewer (", "), or narrow by traceId, text or minSeverity."));
    return answer;
}

ToolAnswer McpTools::listErrors(const json &arguments)
{
    storage::TraceFilter filter;
    filter.service = text(arguments, "service");
    filter.startFromNs = sinceArgument(arguments);
    filter.limit = integer(arguments, "maxTraces", 200);
    auto overview = analysis::errorsAcross(*m_store, filter, MaxSpansAcross);
    if (!overview)
        return failure(overview.error());
    ToolAnswer answer;
    json &groups = answer.result["groups"] = json::array();
    const int limit = integer(arguments, "limit", 20);
    for (const analysis::ErrorGroup &group : overview->groups) {
        if (static_cast<int>(groups.size()) == limit)
            break;
        std::string message = group.message;
        if (m_redactor)
            m_redactor->redact(message);
        groups.push_back({{"type", group.type},
                          {"topFrame", group.topFrame},
                          {"message", clip(message, 500)},
                          {"operation", group.operation},
                          {"count", group.count},
                          {"traces", group.traces},
                          {"firstSeen", isoTime(group.firstSeenNs)},
                          {"lastSeen", isoTime(group.lastSeenNs)},
                          {"exampleTraceId", storage::toHex(group.exampleTrace)},
                          {"exampleSpanId", storage::toHex(group.exampleSpan)}});
    }
    answer.result["kinds"] = overview->groups.size();
    answer.result["tracesRead"] = overview->traces;
    if (overview->skipped)
        answer.result["tracesSkipped"] = overview->skipped;
    fit(answer, "groups", withLimit("Ask with ", ", or narrow by service or since."));
    return answer;
}

ToolAnswer McpTools::listInsights(const json &arguments)
{
    ToolAnswer answer;
    json &insights = answer.result["insights"] = json::array();
    const int limit = integer(arguments, "limit", 20);
    if (arguments.contains("traceId")) {
        storage::TraceId id;
        storage::fromHex(arguments["traceId"].get<std::string>(), id);
        auto loaded = m_store->loadTrace(id);
        if (!loaded)
            return failure(loaded.error());
        if (!*loaded)
            return failure("No trace " + storage::toHex(id) + " is stored.");
        const storage::TraceData &trace = **loaded;
        const analysis::SpanTree tree(trace);
        for (const analysis::Insight &insight : analysis::findInsights(trace, tree)) {
            if (static_cast<int>(insights.size()) == limit)
                break;
            insights.push_back(insightJson(trace, insight));
        }
    } else {
        storage::TraceFilter filter;
        filter.service = text(arguments, "service");
        filter.startFromNs = sinceArgument(arguments);
        filter.limit = integer(arguments, "maxTraces", 200);
        analysis::InsightReading reading;
        reading.maxSpans = MaxSpansAcross;
        auto overview = analysis::insightsAcross(*m_store, filter, reading);
        if (!overview)
            return failure(overview.error());
        for (const analysis::InsightGroup &group : overview->groups) {
            if (static_cast<int>(insights.size()) == limit)
                break;
            insights.push_back({{"kind", analysis::kindName(group.example.kind)},
                                {"title", analysis::kindTitle(group.example.kind)},
                                {"message", group.example.message},
                                {"pattern", clip(group.example.pattern, 300)},
                                {"parentOperation", group.example.parentOperation},
                                {"traces", group.traces},
                                {"findings", group.findings},
                                {"totalMs", millis(group.totalNs)},
                                {"savableMs", millis(group.savableNs)},
                                {"lastSeen", isoTime(group.lastSeenNs)},
                                {"exampleTraceId", storage::toHex(group.exampleTrace)},
                                {"exampleSpanId", storage::toHex(group.exampleSpan)}});
        }
        answer.result["tracesRead"] = overview->traces;
        if (overview->skipped)
            answer.result["tracesSkipped"] = overview->skipped;
    }
    fit(answer, "insights", withLimit("Ask with ", "."));
    return answer;
}

ToolAnswer McpTools::compareTraces(const json &arguments)
{
    storage::TraceId idB;
    storage::fromHex(arguments["traceIdB"].get<std::string>(), idB);
    auto loadedB = m_store->loadTrace(idB);
    if (!loadedB)
        return failure(loadedB.error());
    if (!*loadedB)
        return failure("No trace " + storage::toHex(idB) + " is stored.");
    storage::TraceId idA;
    if (arguments.contains("traceIdA")) {
        storage::fromHex(arguments["traceIdA"].get<std::string>(), idA);
    } else {
        auto previous = analysis::previousTraceOf(*m_store, (*loadedB)->summary);
        if (!previous)
            return failure(previous.error());
        if (!*previous)
            return failure("No earlier trace of " + (*loadedB)->summary.rootService + ": "
                           + (*loadedB)->summary.rootName + " is stored; name traceIdA.");
        idA = **previous;
    }
    auto loadedA = m_store->loadTrace(idA);
    if (!loadedA)
        return failure(loadedA.error());
    if (!*loadedA)
        return failure("No trace " + storage::toHex(idA) + " is stored.");
    using analysis::TraceComparison;
    const analysis::SpanTree treeA(**loadedA), treeB(**loadedB);
    const TraceComparison comparison = TraceComparison::build(**loadedA, treeA, **loadedB, treeB);
    const TraceComparison::Node &whole = comparison.node(0);
    ToolAnswer answer;
    answer.result["a"] = summaryJson((*loadedA)->summary);
    answer.result["b"] = summaryJson((*loadedB)->summary);
    answer.result["deltaMs"] = millis(whole.deltaNs());
    answer.result["change"] = analysis::changeName(whole.change);
    json &nodes = answer.result["nodes"] = json::array();
    const int limit = integer(arguments, "limit", 25);
    for (const int index : comparison.byImpact()) {
        if (static_cast<int>(nodes.size()) == limit)
            break;
        const TraceComparison::Node &node = comparison.node(index);
        nodes.push_back({{"path", comparison.path(index)},
                         {"countA", node.count[TraceComparison::A]},
                         {"countB", node.count[TraceComparison::B]},
                         {"durationAMs", millis(node.durationNs[TraceComparison::A])},
                         {"durationBMs", millis(node.durationNs[TraceComparison::B])},
                         {"selfAMs", millis(node.selfNs[TraceComparison::A])},
                         {"selfBMs", millis(node.selfNs[TraceComparison::B])},
                         {"deltaMs", millis(node.deltaNs())},
                         {"errorsA", node.errors[TraceComparison::A]},
                         {"errorsB", node.errors[TraceComparison::B]},
                         {"change", analysis::changeName(node.change)}});
    }
    fit(answer, "nodes", withLimit("Ask with ", "."));
    return answer;
}

ToolAnswer McpTools::compareRuns(const json &arguments)
{
    storage::TraceFilter runs[2];
    const char *names[2] = {"baseline", "candidate"};
    for (int side = 0; side < 2; ++side) {
        QString error;
        if (!ui::runSelectorFilter(QString::fromStdString(text(arguments, names[side])), *m_store,
                                   runs[side], error))
            return failure(std::string(names[side]) + ": " + error.toStdString());
    }
    auto changes = analysis::compareRuns(*m_store, runs[0], runs[1]);
    if (!changes)
        return failure(changes.error());
    ToolAnswer answer;
    json &endpoints = answer.result["endpoints"] = json::array();
    const int limit = integer(arguments, "limit", 20);
    for (const analysis::EndpointChange &change : *changes) {
        if (static_cast<int>(endpoints.size()) == limit)
            break;
        const analysis::EndpointRun &a = change.runs[0], &b = change.runs[1];
        endpoints.push_back({{"endpoint", change.endpoint},
                             {"countA", a.traces},
                             {"countB", b.traces},
                             {"p50AMs", millis(a.p50Ns)},
                             {"p50BMs", millis(b.p50Ns)},
                             {"p95AMs", millis(a.p95Ns)},
                             {"p95BMs", millis(b.p95Ns)},
                             {"errorRateA", a.errorRate()},
                             {"errorRateB", b.errorRate()},
                             {"callsA", a.callsPerTrace},
                             {"callsB", b.callsPerTrace},
                             {"impactMs", millis(change.impactNs)},
                             {"newOperations", change.newOperations},
                             {"missingOperations", change.missingOperations},
                             {"newErrors", change.newErrors},
                             {"newInsights", change.newInsights},
                             {"typicalTraceA", storage::toHex(a.typicalTrace)},
                             {"typicalTraceB", storage::toHex(b.typicalTrace)}});
    }
    fit(answer, "endpoints", withLimit("Ask with ", "."));
    return answer;
}

ToolAnswer McpTools::listServices(const json &arguments)
{
    storage::ServiceFilter filter;
    const auto from = sinceArgument(arguments);
    filter.fromNs = from
        ? static_cast<std::uint64_t>(*from)
        : static_cast<std::uint64_t>(QDateTime::currentMSecsSinceEpoch() - 3'600'000) * 1'000'000;
    filter.buckets = 1;
    auto overview = m_store->serviceReader().overview(filter);
    if (!overview)
        return failure(overview.error());
    ToolAnswer answer;
    const int limit = integer(arguments, "limit", 50);
    json &services = answer.result["services"] = json::array();
    for (const storage::RedRow &row : overview->services) {
        if (static_cast<int>(services.size()) == limit)
            break;
        json entry = {{"service", row.service},       {"kind", storage::toString(row.kind)},
                      {"count", row.count},           {"errors", row.errors},
                      {"errorRate", row.errorRate()}, {"ratePerSecond", row.ratePerSecond},
                      {"p50Ms", millis(row.p50Ns)},   {"p95Ms", millis(row.p95Ns)},
                      {"p99Ms", millis(row.p99Ns)},   {"totalMs", millis(row.totalNs)}};
        if (!row.operation.empty())
            entry["operation"] = row.operation;
        services.push_back(std::move(entry));
    }
    json &edges = answer.result["edges"] = json::array();
    if (arguments.value("edges", true)) {
        for (const storage::ServiceEdge &edge : overview->edges) {
            if (static_cast<int>(edges.size()) == limit)
                break;
            edges.push_back({{"from", edge.from},
                             {"to", edge.to},
                             {"toKind", storage::toString(edge.toKind)},
                             {"messaging", edge.messaging},
                             {"calls", edge.calls},
                             {"errors", edge.errors},
                             {"p95Ms", millis(edge.p95Ns)}});
        }
    }
    fit(answer, "services", withLimit("Ask with ", " or edges=false."));
    return answer;
}

} // namespace spanscope::mcp

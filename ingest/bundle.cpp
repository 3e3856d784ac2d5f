#include "bundle.h"

#include "foreigntraces.h"
#include "jsondepth.h"
#include "otlpconvert.h"
#include "otlpjson.h"
#include "ziparchive.h"

#include <tracetext.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <type_traits>

namespace spanscope::ingest {

namespace {

using Json = nlohmann::json;

constexpr int MaxJsonNesting = 128; // OTLP-JSON needs about 12

std::string escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// Strings as they are; other values as the CLI prints them.
std::string bodyText(const storage::AnyValue &body)
{
    if (const auto *text = std::get_if<std::string>(&body.value))
        return *text;
    return storage::formatValue(body);
}

std::string attributeRows(const storage::Attributes &attributes)
{
    std::string html;
    for (const storage::KeyValue &kv : attributes)
        html += "<tr><th>" + escape(kv.key) + "</th><td>" + escape(storage::formatValue(kv.value))
            + "</td></tr>";
    return html.empty() ? std::string() : "<table class=attrs>" + html + "</table>";
}

// Spans in tree order with their depth; spans whose parent is missing start new trees.
std::vector<std::pair<int, int>> treeOrder(const storage::TraceData &trace)
{
    std::map<std::string, int> byId;
    for (int i = 0; i < static_cast<int>(trace.spans.size()); ++i) {
        const auto &id = trace.spans[i].span.spanId;
        byId.emplace(std::string(reinterpret_cast<const char *>(id.data()), id.size()), i);
    }
    std::vector<std::vector<int>> children(trace.spans.size());
    std::vector<int> roots;
    for (int i = 0; i < static_cast<int>(trace.spans.size()); ++i) {
        const storage::Span &span = trace.spans[i].span;
        const auto parent = byId.find(std::string(
            reinterpret_cast<const char *>(span.parentSpanId.data()), span.parentSpanId.size()));
        if (span.isRoot() || parent == byId.end() || parent->second == i)
            roots.push_back(i);
        else
            children[parent->second].push_back(i);
    }
    std::vector<std::pair<int, int>> order;
    std::vector<std::uint8_t> seen(trace.spans.size(), 0);
    std::vector<std::pair<int, int>> stack;
    for (auto root = roots.rbegin(); root != roots.rend(); ++root)
        stack.push_back({*root, 0});
    while (!stack.empty()) {
        const auto [span, depth] = stack.back();
        stack.pop_back();
        if (seen[span]++)
            continue;
        order.push_back({span, depth});
        for (auto child = children[span].rbegin(); child != children[span].rend(); ++child)
            stack.push_back({*child, depth + 1});
    }
    return order;
}

std::string traceHtml(const storage::TraceData &trace, const storage::LogPage &logs)
{
    const storage::TraceSummary &s = trace.summary;
    const double total = std::max<std::int64_t>(1, s.durationNs());
    std::string html = "<section><h2>" + escape(s.rootService) + ": " + escape(s.rootName)
        + "</h2><p>" + escape(storage::formatDuration(s.durationNs())) + " · "
        + std::to_string(trace.spans.size()) + " spans · " + std::to_string(s.errorCount)
        + " errors · trace <code>" + escape(storage::toHex(s.traceId)) + "</code></p>";
    html += "<div class=wf>";
    for (const auto &[index, depth] : treeOrder(trace)) {
        const storage::StoredSpan &stored = trace.spans[index];
        const storage::Span &span = stored.span;
        const double left
            = (static_cast<std::int64_t>(span.startUnixNano) - s.startNs) / total * 100;
        const double width = std::max(
            0.2, (static_cast<double>(span.endUnixNano) - span.startUnixNano) / total * 100);
        const bool error = span.statusCode == storage::StatusCode::Error;
        char bar[160];
        std::snprintf(bar, sizeof bar,
                      "<span class='bar%s' style='left:%.3f%%;width:%.3f%%'></span>",
                      error ? " err" : "", std::clamp(left, 0.0, 100.0), std::min(width, 100.0));
        // Indented by depth inside the name column, so every bar's track lines up.
        html += "<details><summary><span class=name style='padding-left:"
            + std::to_string(depth * 14) + "px'>" + escape(span.name) + " <small>"
            + escape(trace.resources[stored.resource].serviceName()) + " · "
            + escape(storage::formatDuration(
                static_cast<std::int64_t>(span.endUnixNano - span.startUnixNano)))
            + "</small></span><span class=track>" + bar + "</span></summary>";
        if (error)
            html += "<p class=error>error: " + escape(span.statusMessage) + "</p>";
        for (const storage::SpanEvent &event : span.events) {
            html += "<p><b>" + escape(event.name) + "</b></p>";
            for (const storage::KeyValue &kv : event.attributes) {
                if (kv.key == "exception.stacktrace")
                    html += "<pre>" + escape(bodyText(kv.value)) + "</pre>";
            }
            html += attributeRows(event.attributes);
        }
        html += attributeRows(span.attributes) + "</details>";
    }
    html += "</div>";
    if (!logs.logs.empty()) {
        html += "<h3>Logs</h3><table class=logs>";
        for (const storage::StoredLog &log : logs.logs) {
            const auto &r = log.record;
            const std::uint64_t time = r.timeUnixNano ? r.timeUnixNano : r.observedTimeUnixNano;
            html += "<tr><td>"
                + escape(storage::formatDuration(static_cast<std::int64_t>(time) - s.startNs))
                + "</td><td>"
                + escape(r.severityText.empty() ? storage::severityName(r.severityNumber)
                                                : r.severityText)
                + "</td><td>" + escape(logs.resources[log.resource].serviceName())
                + "</td><td><pre>" + escape(bodyText(r.body)) + "</pre></td></tr>";
        }
        html += "</table>";
    }
    return html + "</section>";
}

constexpr const char *PageStyle
    = "body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}"
      "details{border-bottom:1px solid #eee;padding:2px 0}summary{cursor:pointer;position:relative}"
      ".track{position:absolute;left:45%;right:0;top:4px;height:10px;background:#f4f4f4}"
      ".bar{position:absolute;top:0;height:10px;background:#6c9bd2}.bar.err{background:#dc322f}"
      ".name{display:inline-block;width:42%;overflow:hidden;white-space:nowrap;vertical-align:"
      "bottom}"
      "small{color:#777}.error{color:#dc322f}pre{white-space:pre-wrap;background:#fafafa;padding:"
      "4px}"
      "table.attrs th{text-align:left;padding-right:1em;font-weight:600}"
      "table.logs td{vertical-align:top;padding:2px 8px}table.logs pre{margin:0;background:none}";

storage::Result<bool> writeFileAtomically(const std::string &path, const std::string &data)
{
    const std::string temporary = path + ".part";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out)
            return storage::Error{"Cannot write " + path + "."};
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        out.close();
        if (!out) {
            std::filesystem::remove(temporary);
            return storage::Error{"Cannot write " + path + " (is the disk full?)."};
        }
    }
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec)
        return storage::Error{"Cannot write " + path + ": " + ec.message() + "."};
    return true;
}

} // namespace

storage::Result<BundleSummary> writeBundle(storage::TraceStore &store,
                                           const std::vector<storage::TraceId> &traceIds,
                                           const BundleOptions &options, const std::string &path)
{
    std::unique_ptr<Redactor> redactor;
    if (options.redaction) {
        auto created = Redactor::create(*options.redaction);
        if (!created)
            return storage::Error{created.error()};
        redactor = std::move(*created);
    }
    BundleSummary summary;
    // traces.json is written as text trace by trace: a large trace never exists as a message.
    std::string traces = "{\n  \"resourceSpans\": [";
    bool firstResource = true;
    const auto appendTraces = [&traces](std::string_view piece) {
        traces += piece;
    };
    opentelemetry::proto::logs::v1::LogsData logs;
    Json manifestTraces = Json::array();
    std::string body;
    for (const storage::TraceId &id : traceIds) {
        if (options.progress && !options.progress(std::size_t(summary.traces), traceIds.size()))
            return storage::Error{"The export was cancelled; nothing was written."};
        auto loaded = store.loadTrace(id);
        if (!loaded)
            return storage::Error{loaded.error()};
        // A trace known only from its log records can still be exported with them.
        if (!*loaded
            || ((*loaded)->spans.empty() && (!options.logs || (*loaded)->summary.logCount == 0)))
            return storage::Error{"No trace " + storage::toHex(id) + " is stored."};
        storage::TraceData &trace = **loaded;
        storage::LogPage page;
        if (options.logs) {
            storage::LogFilter filter;
            filter.traceId = id;
            filter.order = storage::LogOrder::ByTime;
            filter.limit = 100'000;
            auto found = store.findLogs(filter);
            if (!found)
                return storage::Error{found.error()};
            page = std::move(*found);
        }
        if (redactor) {
            redactor->redact(trace);
            redactor->redact(page);
        }
        writeResourceSpansJson(trace, appendTraces, firstResource);
        encodeLogs(page, logs);
        if (options.html)
            body += traceHtml(trace, page);
        ++summary.traces;
        summary.spans += trace.spans.size();
        summary.logs += page.logs.size();
        manifestTraces.push_back({{"traceId", storage::toHex(id)},
                                  {"rootService", trace.summary.rootService},
                                  {"rootName", trace.summary.rootName},
                                  {"spans", trace.spans.size()},
                                  {"logs", page.logs.size()},
                                  {"startTimeUnixNano", std::to_string(trace.summary.startNs)}});
    }
    if (redactor)
        summary.masked = redactor->counts();

    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    char created[32];
    std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&seconds));
    Json manifest{
        {"format", "spanscope-bundle"},
        {"formatVersion", 1},
        {"createdBy", "Spanscope " + options.appVersion},
        {"created", created},
        {"traces", manifestTraces},
        {"counts", {{"traces", summary.traces}, {"spans", summary.spans}, {"logs", summary.logs}}},
        {"note", options.note}};
    if (options.redaction) {
        // The rules applied and how often each matched; never the values.
        manifest["redaction"] = {{"keys", options.redaction->keyPatterns},
                                 {"values", options.redaction->valuePatterns},
                                 {"masked", summary.masked}};
    } else {
        manifest["redaction"] = nullptr;
    }

    ZipWriter zip;
    zip.add("manifest.json", manifest.dump(2));
    // An empty document still names its list, so every OpenTelemetry tool reads it as one.
    traces += "\n  ]\n}\n";
    zip.add("traces.json", traces);
    if (options.logs)
        zip.add("logs.json",
                logs.resource_logs_size() ? printOtlpJson(logs, true) : "{\"resourceLogs\": []}\n");
    if (options.html) {
        zip.add("index.html",
                "<!DOCTYPE html><html><head><meta charset=utf-8>"
                "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src "
                "'unsafe-inline'\"><title>Spanscope bundle</title><style>"
                    + std::string(PageStyle) + "</style></head><body><h1>Spanscope bundle</h1><p>"
                    + escape(options.note) + "</p>" + body + "</body></html>");
    }
    if (auto written = writeFileAtomically(path, zip.finish()); !written)
        return storage::Error{written.error()};
    return summary;
}

namespace {

// Where parsed batches go. A file is read twice: first only counted, which proves all of it
// reads (a bad file imports nothing), then written batch by batch as it is read again, so a
// large file is never held decoded whole.
struct Parsed
{
    storage::BatchSink *sink = nullptr; // null: the first pass, counting only
    std::string source; // the file, recorded on every trace
    std::string error; // the first write that failed; later batches are skipped

    template<typename Batch>
    void add(Batch batch)
    {
        if (!sink || !error.empty())
            return;
        if constexpr (std::is_same_v<Batch, storage::TraceBatch>)
            batch.source = source;
        for (int attempt = 0;; ++attempt) {
            storage::WriteOutcome outcome;
            if constexpr (std::is_same_v<Batch, storage::TraceBatch>)
                outcome = sink->writeTraces(batch);
            else
                outcome = sink->writeLogs(batch);
            if (outcome.committed())
                return;
            if (outcome.status == storage::WriteOutcome::Status::Closed || attempt == 200) {
                error = "The database did not take the data: " + outcome.error;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50)); // the queue is full
        }
    }
};

// The keys of a JSON document's top-level object, found by nlohmann's SAX parser.
struct TopLevelKeys : nlohmann::json_sax<Json>
{
    bool object = false;
    int depth = 0;
    std::set<std::string> names;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t &) override { return true; }
    bool string(string_t &) override { return true; }
    bool binary(binary_t &) override { return true; }
    bool start_object(std::size_t) override
    {
        object = object || depth == 0;
        ++depth;
        return true;
    }
    bool key(string_t &name) override
    {
        if (depth == 1)
            names.insert(name);
        return true;
    }
    bool end_object() override
    {
        --depth;
        return true;
    }
    bool start_array(std::size_t) override
    {
        ++depth;
        return true;
    }
    bool end_array() override
    {
        --depth;
        return true;
    }
    bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &) override
    {
        return false;
    }
};

// One OTLP-JSON object (a request, TracesData or LogsData) into batches.
storage::Result<bool> parseObject(std::string_view text, const std::string &where, Parsed &out,
                                  ImportSummary &summary)
{
    // The top-level keys say what the object is; read without building a tree (a bundle's
    // traces.json can be a 100 MB object).
    TopLevelKeys keys;
    if (!Json::sax_parse(text.begin(), text.end(), &keys) || !keys.object)
        return storage::Error{where + ": not a JSON object"};
    const auto has = [&keys](const char *a, const char *b) {
        return keys.names.count(a) > 0 || keys.names.count(b) > 0;
    };
    if (keys.names.empty())
        return true; // an empty TracesData or LogsData (older bundles wrote `{}` for no logs)
    const IngestLimits limits;
    if (has("resourceSpans", "resource_spans")) {
        otlp_trace::ExportTraceServiceRequest request;
        if (const std::string error = parseOtlpJson(text, request); !error.empty())
            return storage::Error{where + ": " + error};
        auto decoded = decodeTraces(request, limits);
        summary.spans += decoded.batch.spanCount();
        out.add(std::move(decoded.batch));
    } else if (has("resourceLogs", "resource_logs")) {
        otlp_logs::ExportLogsServiceRequest request;
        if (const std::string error = parseOtlpJson(text, request); !error.empty())
            return storage::Error{where + ": " + error};
        auto decoded = decodeLogs(request, limits);
        summary.logs += decoded.batch.recordCount();
        out.add(std::move(decoded.batch));
    } else if (!has("resourceMetrics", "resource_metrics")) {
        return storage::Error{where + ": not OTLP-JSON (no resourceSpans or resourceLogs)"};
    }
    return true;
}

// A document: one object, an array of objects, or JSON lines.
storage::Result<bool> parseDocument(std::string_view text, const std::string &name, Parsed &out,
                                    ImportSummary &summary)
{
    if (!jsonNestingWithin(text, MaxJsonNesting))
        return storage::Error{name + " nests JSON deeper than " + std::to_string(MaxJsonNesting)
                              + " levels; it is not a trace file"};
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return storage::Error{name + " is empty"};
    if (text[first] == '[') {
        const auto array = Json::parse(text.begin(), text.end(), nullptr, false);
        if (!array.is_array())
            return storage::Error{name + " is not valid JSON"};
        summary.format = "OTLP-JSON array";
        for (std::size_t i = 0; i < array.size(); ++i) {
            if (auto parsed = parseObject(array[i].dump(), name + " item " + std::to_string(i + 1),
                                          out, summary);
                !parsed)
                return parsed;
        }
        return true;
    }
    if (Json::accept(text.begin(), text.end())) {
        summary.format = summary.format.empty() ? "OTLP-JSON" : summary.format;
        return parseObject(text, name, out, summary);
    }
    summary.format = "OTLP-JSON lines";
    std::size_t line = 0, start = 0;
    while (start < text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        ++line;
        const std::string_view row = text.substr(start, end - start);
        if (row.find_first_not_of(" \t\r") != std::string_view::npos) {
            if (auto parsed
                = parseObject(row, name + " line " + std::to_string(line), out, summary);
                !parsed)
                return parsed;
        }
        start = end + 1;
    }
    return true;
}

} // namespace

storage::Result<ImportSummary> importFile(const std::string &path, storage::BatchSink &sink,
                                          std::uint64_t maxBytes)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return storage::Error{"Cannot read " + path + ": " + ec.message() + "."};
    if (size > maxBytes)
        return storage::Error{path + " is larger than " + std::to_string(maxBytes >> 20)
                              + " MiB; Spanscope does not import files that large."};
    std::ifstream in(path, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof())
        return storage::Error{"Cannot read " + path + "."};

    // A Jaeger or Zipkin file, read whole by its reader.
    const auto takeForeign
        = [&path](storage::Result<storage::TraceBatch> &read, const char *format, Parsed &parsed,
                  ImportSummary &summary) -> storage::Result<bool> {
        if (!read)
            return storage::Error{path + ": " + read.error() + "."};
        summary.format = format;
        summary.spans = read->spanCount();
        parsed.add(std::move(*read));
        return true;
    };
    // One reading of the file into `parsed`, counted in `summary`.
    const auto read = [&](Parsed &parsed, ImportSummary &summary) -> storage::Result<bool> {
        if (data.rfind("PK\x03\x04", 0) == 0) {
            auto entries = ZipReader::read(data, maxBytes);
            if (!entries)
                return storage::Error{path + ": " + entries.error() + "."};
            bool hasTraces = false;
            for (const ZipReader::Entry &entry : *entries) {
                if (entry.name != "traces.json" && entry.name != "logs.json")
                    continue;
                hasTraces |= entry.name == "traces.json";
                if (auto ok = parseDocument(entry.data, path + ": " + entry.name, parsed, summary);
                    !ok)
                    return storage::Error{ok.error() + "."};
            }
            if (!hasTraces)
                return storage::Error{path + " is not a Spanscope bundle (it has no traces.json)."};
            summary.format = "bundle";
        } else if (!jsonNestingWithin(data, MaxJsonNesting)) {
            return storage::Error{path + " nests JSON deeper than " + std::to_string(MaxJsonNesting)
                                  + " levels; it is not a trace file."};
        } else if (auto jaeger = readJaegerJson(data)) {
            return takeForeign(*jaeger, "Jaeger JSON", parsed, summary);
        } else if (auto zipkin = readZipkinJson(data)) {
            return takeForeign(*zipkin, "Zipkin v2 JSON", parsed, summary);
        } else if (auto ok = parseDocument(data, path, parsed, summary); !ok) {
            return storage::Error{ok.error() + "."};
        }
        return true;
    };
    ImportSummary summary;
    Parsed counting;
    if (auto readable = read(counting, summary); !readable)
        return storage::Error{readable.error()};
    // All of it reads: now it is written, labelled with where it came from.
    Parsed writing;
    writing.sink = &sink;
    writing.source = std::filesystem::absolute(path).lexically_normal().string();
    ImportSummary again;
    if (auto written = read(writing, again); !written)
        return storage::Error{written.error()};
    if (!writing.error.empty())
        return storage::Error{writing.error};
    return summary;
}

} // namespace spanscope::ingest

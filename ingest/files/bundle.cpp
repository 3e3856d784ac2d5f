#include "bundle.h"

#include "foreigntraces.h"
#include "ziparchive.h"
#include <otlp/jsondepth.h>
#include <otlp/otlpconvert.h>
#include <otlp/otlpjson.h>
#include <otlp/otlpjsonsplit.h>
#include <otlp/otlptext.h>

#include <spansource.h>
#include <tracetext.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <type_traits>

namespace spanscope::ingest {

namespace {

using Json = nlohmann::json;

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

// A browser cannot lay out a page of a million spans; the page draws this many of a trace and
// says so (traces.json holds them all).
constexpr std::size_t MaxPageSpans = 5000;

storage::Result<std::string> traceHtml(storage::SpanSource &source, const storage::LogPage &logs)
{
    const storage::TraceData &trace = source.header();
    const storage::TraceSummary &s = trace.summary;
    const double total = std::max<std::int64_t>(1, s.durationNs());
    const std::size_t spanCount = source.places().size();
    std::string html = "<section><h2>" + escape(s.rootService) + ": " + escape(s.rootName)
        + "</h2><p>" + escape(storage::formatDuration(s.durationNs())) + " · "
        + std::to_string(spanCount) + " spans · " + std::to_string(s.errorCount)
        + " errors · trace <code>" + escape(storage::toHex(s.traceId)) + "</code></p>";
    if (spanCount > MaxPageSpans)
        html += "<p>The first " + std::to_string(MaxPageSpans) + " spans are drawn here; "
            + "traces.json holds all " + std::to_string(spanCount) + ".</p>";
    html += "<div class=wf>";
    std::size_t drawn = 0;
    for (const auto &[index, depth] : storage::treeOrder(source.places())) {
        if (drawn++ == MaxPageSpans)
            break;
        const storage::StoredSpan *read = source.span(index);
        if (!read)
            return storage::Error{source.error()};
        const storage::StoredSpan &stored = *read;
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

// A stored trace as a bundle shows it: every resource, scope and span redacted as it is read.
class RedactedTrace final : public storage::SpanSource
{
public:
    RedactedTrace(storage::SpanSource &inner, Redactor *redactor)
        : m_inner(inner)
        , m_redactor(redactor)
        , m_header(inner.header())
    {
        if (m_redactor)
            m_redactor->redact(m_header.resources, m_header.scopes);
    }
    const storage::TraceData &header() const override { return m_header; }
    const std::vector<storage::SpanPlace> &places() const override { return m_inner.places(); }
    const std::string &error() const override { return m_inner.error(); }
    const storage::StoredSpan *span(std::size_t index) override
    {
        const storage::StoredSpan *read = m_inner.span(index);
        if (!read || !m_redactor)
            return read;
        m_span = *read;
        m_redactor->redact(m_span.span);
        return &m_span;
    }

private:
    storage::SpanSource &m_inner;
    Redactor *m_redactor;
    storage::TraceData m_header;
    storage::StoredSpan m_span;
};

} // namespace

storage::Result<BundleSummary> writeBundle(storage::TraceStore &store,
                                           const std::vector<storage::TraceId> &traceIds,
                                           const BundleOptions &options, const std::string &path)
{
    // The counted redaction is the one of traces.json; the page's own redactor applies the
    // same rules again to the spans it draws, so nothing is counted twice.
    std::unique_ptr<Redactor> redactor, pageRedactor;
    if (options.redaction) {
        auto created = Redactor::create(*options.redaction);
        if (!created)
            return storage::Error{created.error()};
        redactor = std::move(*created);
        pageRedactor = std::move(*Redactor::create(*options.redaction));
    }
    // Written straight into a temporary file, entry by entry and traces.json span by span, so
    // a large trace exists neither as a message nor as text; renamed when complete.
    const std::string temporary = path + ".part";
    struct RemoveUnlessKept
    {
        const std::string &file;
        bool keep = false;
        ~RemoveUnlessKept()
        {
            std::error_code ignored;
            if (!keep)
                std::filesystem::remove(file, ignored);
        }
    } cleanup{temporary};
    ZipWriter zip(temporary);
    if (!zip.error().empty())
        return storage::Error{"Cannot write " + path + "."};

    BundleSummary summary;
    zip.begin("traces.json");
    zip.write("{\n  \"resourceSpans\": [");
    bool firstResource = true;
    const auto writeTraces = [&zip](std::string_view piece) {
        zip.write(piece);
    };
    opentelemetry::proto::logs::v1::LogsData logs;
    Json manifestTraces = Json::array();
    std::string body;
    for (const storage::TraceId &id : traceIds) {
        if (options.progress && !options.progress(std::size_t(summary.traces), traceIds.size()))
            return storage::Error{"The export was cancelled; nothing was written."};
        auto opened = store.openTrace(id);
        if (!opened)
            return storage::Error{opened.error()};
        // A trace known only from its log records can still be exported with them.
        if (!*opened
            || ((*opened)->places().empty()
                && (!options.logs || (*opened)->header().summary.logCount == 0)))
            return storage::Error{"No trace " + storage::toHex(id) + " is stored."};
        RedactedTrace trace(**opened, redactor.get());
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
            if (redactor)
                redactor->redact(page);
        }
        if (!writeResourceSpansJson(trace, writeTraces, firstResource))
            return storage::Error{trace.error()};
        encodeLogs(page, logs);
        if (options.html) {
            RedactedTrace drawn(**opened, pageRedactor.get());
            auto html = traceHtml(drawn, page);
            if (!html)
                return storage::Error{html.error()};
            body += *html;
        }
        const storage::TraceSummary &s = trace.header().summary;
        ++summary.traces;
        summary.spans += trace.places().size();
        summary.logs += page.logs.size();
        manifestTraces.push_back({{"traceId", storage::toHex(id)},
                                  {"rootService", s.rootService},
                                  {"rootName", s.rootName},
                                  {"spans", trace.places().size()},
                                  {"logs", page.logs.size()},
                                  {"startTimeUnixNano", std::to_string(s.startNs)}});
    }
    // An empty document still names its list, so every OpenTelemetry tool reads it as one.
    zip.write("\n  ]\n}\n");
    zip.end();
    if (redactor)
        summary.masked = redactor->counts();
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
                                 {"keep", options.redaction->keepKeys},
                                 {"masked", summary.masked}};
    } else {
        manifest["redaction"] = nullptr;
    }
    // Last, because it counts what redaction masked on the way.
    zip.add("manifest.json", manifest.dump(2));
    zip.finish();
    if (!zip.error().empty())
        return storage::Error{zip.error()};
    std::error_code ec;
    std::filesystem::rename(temporary, path, ec);
    if (ec)
        return storage::Error{"Cannot write " + path + ": " + ec.message() + "."};
    cleanup.keep = true;
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

// Parts of a large object are parsed this big at most (protobuf's message of a part is ~8x).
constexpr std::size_t PieceBytes = 4 << 20;

// One OTLP-JSON object (a request, TracesData or LogsData) into batches, a part at a time.
storage::Result<bool> parseObject(std::string_view text, const std::string &where, Parsed &out,
                                  ImportSummary &summary)
{
    // The top-level keys say what the object is.
    const auto keys = jsonObjectKeys(text);
    if (!keys)
        return storage::Error{where + ": not a JSON object"};
    const auto has = [&keys](const char *a, const char *b) {
        return std::find(keys->begin(), keys->end(), a) != keys->end()
            || std::find(keys->begin(), keys->end(), b) != keys->end();
    };
    if (keys->empty())
        return true; // an empty TracesData or LogsData (older bundles wrote `{}` for no logs)
    const bool traces = has("resourceSpans", "resource_spans");
    if (!traces && !has("resourceLogs", "resource_logs")) {
        if (has("resourceMetrics", "resource_metrics"))
            return true; // metrics in files are not imported
        return storage::Error{where + ": not OTLP-JSON (no resourceSpans or resourceLogs)"};
    }
    const IngestLimits limits;
    std::string error;
    const auto parsePiece = [&](std::string_view piece) {
        if (traces) {
            otlp_trace::ExportTraceServiceRequest request;
            error = parseOtlpJson(piece, request);
            if (!error.empty())
                return false;
            auto decoded = decodeTraces(request, limits);
            summary.spans += decoded.batch.spanCount();
            out.add(std::move(decoded.batch));
        } else {
            otlp_logs::ExportLogsServiceRequest request;
            error = parseOtlpJson(piece, request);
            if (!error.empty())
                return false;
            auto decoded = decodeLogs(request, limits);
            summary.logs += decoded.batch.recordCount();
            out.add(std::move(decoded.batch));
        }
        return true;
    };
    if (!splitOtlpJson(text, PieceBytes, parsePiece, error))
        return storage::Error{where + ": " + error};
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
        summary.format = "OTLP-JSON array";
        std::size_t item = 0;
        std::string error;
        storage::Result<bool> parsed = true;
        const bool walked = forEachJsonElement(
            text.substr(first),
            [&](std::string_view element) {
                parsed
                    = parseObject(element, name + " item " + std::to_string(++item), out, summary);
                return bool(parsed);
            },
            error);
        if (!parsed)
            return parsed;
        if (!walked)
            return storage::Error{name + " is not valid JSON (" + error + ")"};
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

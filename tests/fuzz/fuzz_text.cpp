// Untrusted text through the paths that print and redact it: the terminal escaping of every
// name, the span tree and log lines of `show` and `logs`, and the redaction patterns of export
// (which crashed on a 40 000-character run with std::regex). Each input becomes a span name,
// an attribute value, a status message and a log body at once.
#include <files/redaction.h>
#include <tracetext.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

using namespace spanscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char *>(data), size);
    storage::printable(text);

    storage::TraceData trace;
    trace.resources.emplace_back();
    trace.resources[0].attributes = {{"service.name", {text}}};
    trace.scopes.emplace_back();
    storage::StoredSpan stored;
    stored.span.traceId[0] = 1;
    stored.span.spanId[0] = 1;
    stored.span.name = text;
    stored.span.statusCode = storage::StatusCode::Error;
    stored.span.statusMessage = text;
    stored.span.attributes = {{"url.full", {text}}, {"note", {text}}};
    storage::SpanEvent exception;
    exception.name = "exception";
    exception.attributes = {{"exception.type", {text}}, {"exception.stacktrace", {text}}};
    stored.span.events.push_back(exception);
    trace.spans.push_back(stored);
    trace.summary.spanCount = 1;
    trace.summary.services = {text};

    storage::LogPage page;
    page.resources = trace.resources;
    page.scopes = trace.scopes;
    storage::StoredLog log;
    log.record.body.value = text;
    log.record.severityText = text;
    log.record.traceId = stored.span.traceId;
    log.record.spanId = stored.span.spanId;
    log.spanName = text;
    page.logs.push_back(log);

    storage::TraceTextOptions options;
    options.attributes = true;
    options.logs = &page;
    storage::formatTrace(trace, options);
    storage::formatLog(page.logs[0], page, storage::TimeZone::Utc);

    static auto redactor = std::move(*ingest::Redactor::create(ingest::RedactionRules::defaults()));
    redactor->redact(trace);
    redactor->redact(page);
    return 0;
}

#include "otlptext.h"

#include "otlpconvert.h"
#include "otlpjson.h"

#include <nlohmann/json.hpp>

namespace spanscope::ingest {

std::string tracesJson(const storage::TraceData &trace)
{
    opentelemetry::proto::trace::v1::TracesData data;
    encodeTrace(trace, data);
    return printOtlpJson(data, true);
}

std::string logsJson(const storage::LogPage &page)
{
    opentelemetry::proto::logs::v1::LogsData data;
    encodeLogs(page, data);
    return printOtlpJson(data, true);
}

bool writeResourceSpansJson(storage::SpanSource &source,
                            const std::function<void(std::string_view)> &write, bool &first)
{
    const storage::TraceData &trace = source.header();
    // Empty fields are left out, as the protobuf printer does.
    const auto schemaUrl = [](const std::string &url) {
        return url.empty() ? std::string()
                           : ", \"schemaUrl\": "
                + nlohmann::json(url).dump(-1, ' ', false,
                                           nlohmann::json::error_handler_t::replace);
    };
    for (const auto &[resource, scopes] : storage::groupByResourceAndScope(source.places())) {
        opentelemetry::proto::resource::v1::Resource pbResource;
        encodeResource(trace.resources[resource], pbResource);
        write(first ? "" : ",");
        first = false;
        write("\n    {\"resource\": " + printOtlpJson(pbResource)
              + schemaUrl(trace.resources[resource].schemaUrl) + ", \"scopeSpans\": [");
        const char *scopeComma = "";
        for (const auto &[scope, spans] : scopes) {
            opentelemetry::proto::common::v1::InstrumentationScope pbScope;
            encodeScope(trace.scopes[scope], pbScope);
            write(scopeComma);
            scopeComma = ",";
            write("\n      {\"scope\": " + printOtlpJson(pbScope)
                  + schemaUrl(trace.scopes[scope].schemaUrl) + ", \"spans\": [");
            const char *spanComma = "\n        ";
            for (const std::size_t index : spans) {
                const storage::StoredSpan *stored = source.span(index);
                if (!stored)
                    return false;
                opentelemetry::proto::trace::v1::Span span;
                encodeSpan(stored->span, span);
                write(spanComma);
                spanComma = ",\n        ";
                write(printOtlpJson(span));
            }
            write("\n      ]}");
        }
        write("\n    ]}");
    }
    return true;
}

bool writeTraceJson(storage::SpanSource &source, const std::function<void(std::string_view)> &write)
{
    write("{\n  \"resourceSpans\": [");
    bool first = true;
    if (!writeResourceSpansJson(source, write, first))
        return false;
    write("\n  ]\n}\n");
    return true;
}

} // namespace spanscope::ingest

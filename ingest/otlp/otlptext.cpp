#include "otlptext.h"

#include "otlpconvert.h"
#include "otlpjson.h"

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

} // namespace spanscope::ingest

// OTLP-JSON request bodies (as POSTed to /v1/traces and /v1/logs) into our value types. The
// first byte chooses traces or logs; the rest is the JSON text.
#include <otlp/otlpconvert.h>
#include <otlp/otlpjson.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace spanscope::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::string_view json(reinterpret_cast<const char *>(data + 1), size - 1);
    const IngestLimits limits;
    if (data[0] % 2 == 0) {
        otlp_trace::ExportTraceServiceRequest request;
        if (parseOtlpJson(json, request).empty())
            decodeTraces(request, limits);
    } else {
        otlp_logs::ExportLogsServiceRequest request;
        if (parseOtlpJson(json, request).empty())
            decodeLogs(request, limits);
    }
    return 0;
}

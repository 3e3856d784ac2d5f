// OTLP protobuf from the wire into our value types, as both receivers decode it. The first byte
// chooses the message (traces, logs, metrics); the rest is its encoding.
#include <otlp/otlpconvert.h>

#include <cstddef>
#include <cstdint>

using namespace spanscope::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const auto *payload = data + 1;
    const int length = static_cast<int>(size - 1);
    const IngestLimits limits;
    switch (data[0] % 3) {
    case 0: {
        otlp_trace::ExportTraceServiceRequest request;
        if (request.ParseFromArray(payload, length))
            decodeTraces(request, limits);
        break;
    }
    case 1: {
        otlp_logs::ExportLogsServiceRequest request;
        if (request.ParseFromArray(payload, length))
            decodeLogs(request, limits);
        break;
    }
    default: {
        otlp_metrics::ExportMetricsServiceRequest request;
        if (request.ParseFromArray(payload, length))
            decodeMetrics(request, limits);
        break;
    }
    }
    return 0;
}

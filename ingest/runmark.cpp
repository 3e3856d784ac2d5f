#include "runmark.h"

#include "otlpclient.h"

#include <opentelemetry/proto/collector/trace/v1/trace_service.grpc.pb.h>
#include <runmarks.h>
#include <tracestore.h>

#include <chrono>
#include <random>

namespace spanscope::ingest {

namespace pb_trace = opentelemetry::proto::trace::v1;
namespace pb_collector_trace = opentelemetry::proto::collector::trace::v1;

storage::Result<std::string> sendRunMark(const std::string &grpcAddress,
                                         const std::string &bearerToken, const std::string &name)
{
    std::random_device entropy;
    std::mt19937_64 rng((std::uint64_t(entropy()) << 32) | entropy());
    const auto randomBytes = [&](int n) {
        std::string out(static_cast<std::size_t>(n), '\0');
        for (char &c : out)
            c = static_cast<char>(rng() | 1); // never all zero: an invalid id
        return out;
    };
    const auto now
        = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                         std::chrono::system_clock::now().time_since_epoch())
                                         .count());
    pb_collector_trace::ExportTraceServiceRequest request;
    auto *resourceSpans = request.add_resource_spans();
    auto *service = resourceSpans->mutable_resource()->add_attributes();
    service->set_key("service.name");
    service->mutable_value()->set_string_value(storage::RunMarkService);
    auto *scope = resourceSpans->add_scope_spans();
    scope->mutable_scope()->set_name("spanscope.mark");
    pb_trace::Span *span = scope->add_spans();
    const std::string traceId = randomBytes(16);
    span->set_trace_id(traceId);
    span->set_span_id(randomBytes(8));
    span->set_name("run mark: " + name);
    span->set_kind(pb_trace::Span::SPAN_KIND_INTERNAL);
    span->set_start_time_unix_nano(now);
    span->set_end_time_unix_nano(now);
    auto *mark = span->add_attributes();
    mark->set_key(storage::RunMarkAttribute);
    mark->mutable_value()->set_string_value(name);
    OtlpGrpcClient client(grpcAddress, bearerToken);
    const auto sent = client.exportTraces(request);
    if (!sent)
        return storage::Error{sent.error()};
    if (*sent > 0)
        return storage::Error{"the receiver rejected the mark"};
    storage::TraceId id{};
    std::copy(traceId.begin(), traceId.end(), id.begin());
    return storage::toHex(id);
}

} // namespace spanscope::ingest

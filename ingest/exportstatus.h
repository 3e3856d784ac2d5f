#pragma once

#include <string_view>

namespace spanscope::ingest {

// Why an export is not stored, one list for both receivers.
enum class Refusal {
    Malformed, // not valid protobuf, OTLP-JSON or gzip
    TooLarge, // over the body limit, or its decoded cost over the per-request budget
    Unauthenticated, // the bearer token is missing or wrong
    QueueFull, // the writer's queue is full: back off and resend
    Busy, // the decode budget in flight is taken
    StorageUnavailable, // the database failed, is gone, or Spanscope is stopping
};

// What a refusal is answered with on each transport. The pairs follow the OTLP specification's
// failure rules and the Collector's OTLP receiver (RESOURCE_EXHAUSTED <-> 429, UNAVAILABLE <->
// 503); retryable answers carry Retry-After (HTTP) or RetryInfo (gRPC), which is what makes an
// SDK resend RESOURCE_EXHAUSTED rather than drop it.
struct ExportStatus
{
    int http = 0;
    int grpc = 0; // a grpc::StatusCode value
    bool retryable = false;
};

constexpr ExportStatus exportStatus(Refusal refusal)
{
    // gRPC codes by number: the table needs no gRPC header.
    constexpr int InvalidArgument = 3, ResourceExhausted = 8, Unavailable = 14,
                  Unauthenticated = 16;
    switch (refusal) {
    case Refusal::Malformed:
        return {400, InvalidArgument, false};
    case Refusal::TooLarge:
        // gRPC's own code for a message over the size limit; without RetryInfo, not resent.
        return {413, ResourceExhausted, false};
    case Refusal::Unauthenticated:
        return {401, Unauthenticated, false};
    case Refusal::QueueFull:
        return {429, ResourceExhausted, true};
    case Refusal::Busy:
    case Refusal::StorageUnavailable:
        return {503, Unavailable, true};
    }
    return {500, 13 /* INTERNAL */, false};
}

} // namespace spanscope::ingest

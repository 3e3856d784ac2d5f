#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace google::protobuf {
class Descriptor;
}

namespace spanscope::ingest {

// What decoding a request will cost in memory, estimated from its bytes before it is parsed.
// A few bytes on the wire can stand for a large parsed object (an empty span is 2 bytes of
// protobuf and ~250 parsed, and as much again once converted), so requests are admitted by this
// estimate, not by their size. Span-level messages (spans, log records, metrics, data points)
// weigh SpanCost, every other message MessageCost, plus the bytes themselves.
inline constexpr std::uint64_t SpanCost = 512;
inline constexpr std::uint64_t MessageCost = 128;

// Walks protobuf wire data with the message's schema, without allocating. Stops counting once
// the estimate passes `stopAt` (the answer is then above it). Malformed data is counted as far
// as it reads; the parser reports it afterwards.
std::uint64_t protobufDecodeCost(std::string_view wire, const google::protobuf::Descriptor &type,
                                 std::uint64_t stopAt);

// The same for OTLP-JSON: every object counts, objects in a "spans", "logRecords", "metrics" or
// "dataPoints" array as span-level.
std::uint64_t jsonDecodeCost(std::string_view json, std::uint64_t stopAt);

} // namespace spanscope::ingest

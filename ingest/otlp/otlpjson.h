#pragma once

#include <google/protobuf/message.h>

#include <string>
#include <string_view>

namespace spanscope::ingest {

// OTLP-JSON differs from proto3 JSON in one way that matters: trace and span ids are hex, not
// base64. These convert at the edges and leave everything else to protobuf's JSON support
// (lowerCamelCase or original names, 64-bit integers as strings or numbers, enums as integers,
// unknown fields ignored).

// Fills `message` from an OTLP-JSON document. Returns an empty string on success, otherwise a
// sentence naming what is wrong and where.
std::string parseOtlpJson(std::string_view json, google::protobuf::Message &message);

// OTLP-JSON text of `message`: hex ids, integer enums, 64-bit integers as strings.
std::string printOtlpJson(const google::protobuf::Message &message, bool pretty = false);

} // namespace spanscope::ingest

#pragma once

#include <result.h>

#include <string>

namespace spanscope::ingest {

// Sends a run mark named `name` (see storage/runmarks.h) to a receiver's OTLP/gRPC address;
// returns the mark's trace id in hex.
storage::Result<std::string> sendRunMark(const std::string &grpcAddress,
                                         const std::string &bearerToken, const std::string &name);

} // namespace spanscope::ingest

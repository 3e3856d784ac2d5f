#pragma once

#include <string_view>

namespace spanscope::ingest {

// Receivers listening beyond this machine require `authorization: Bearer <token>` on every call;
// on loopback they take anyone on the machine, as the OTLP defaults expect.
bool isLoopbackHost(std::string_view host);

// True when `header` is "Bearer <token>" (the scheme in any case). The token is compared in
// constant time, so response timing does not reveal how much of a guess was right.
bool bearerMatches(std::string_view header, std::string_view token);

} // namespace spanscope::ingest

#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spanscope::ingest {

// Receivers listening beyond this machine require `authorization: Bearer <token>` on every call;
// on loopback they take anyone on the machine, as the OTLP defaults expect.
bool isLoopbackHost(std::string_view host);

// Whether an HTTP Host header ("localhost:4318", "[::1]:4318", "127.0.0.1") names this machine
// by a loopback name or address. While bound to loopback, any other Host is a page's request
// through DNS rebinding and is refused. An absent Host (HTTP/1.0) counts as loopback.
bool hostHeaderIsLoopback(std::string_view header);

// A token for listening beyond loopback: not blank, at least this long.
inline constexpr std::size_t MinimumTokenLength = 16;
bool strongEnough(std::string_view token);

// True when `header` is "Bearer <token>" (the scheme in any case). The token is compared in
// constant time, so response timing does not reveal how much of a guess was right.
bool bearerMatches(std::string_view header, std::string_view token);

// Splits "HOST:PORT" ("[::1]:4317" too); false when it is not of that form.
bool splitHostPort(const std::string &address, std::string &host, int &port);

} // namespace spanscope::ingest

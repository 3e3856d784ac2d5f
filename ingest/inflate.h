#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spanscope::ingest {

// Content encodings of a request body, as HTTP names them (any case) and gRPC too.
enum class BodyEncoding { Identity, Gzip, Deflate, Unknown };
BodyEncoding bodyEncoding(std::string_view name);

// Inflates a gzip or zlib ("deflate") body into `out`, stopping as soon as the output would pass
// `maxBytes`: a small compressed bomb costs at most `maxBytes` of memory and the time to fill
// it, never more.
enum class InflateResult { Ok, TooLarge, Damaged };
InflateResult inflateBody(std::string_view compressed, BodyEncoding encoding, std::size_t maxBytes,
                          std::string &out);

} // namespace spanscope::ingest

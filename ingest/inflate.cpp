#include "inflate.h"

#include <zlib.h>

#include <algorithm>
#include <strings.h>

namespace spanscope::ingest {

BodyEncoding bodyEncoding(std::string_view name)
{
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t'))
        name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t'))
        name.remove_suffix(1);
    const auto is = [&](std::string_view word) {
        return name.size() == word.size()
            && strncasecmp(name.data(), word.data(), name.size()) == 0;
    };
    if (name.empty() || is("identity"))
        return BodyEncoding::Identity;
    if (is("gzip") || is("x-gzip"))
        return BodyEncoding::Gzip;
    if (is("deflate"))
        return BodyEncoding::Deflate;
    return BodyEncoding::Unknown;
}

InflateResult inflateBody(std::string_view compressed, BodyEncoding encoding, std::size_t maxBytes,
                          std::string &out)
{
    out.clear();
    z_stream stream{};
    // 16 + MAX_WBITS reads gzip only; 32 + MAX_WBITS detects a gzip or zlib header ("deflate").
    if (inflateInit2(&stream, encoding == BodyEncoding::Gzip ? 16 + MAX_WBITS : 32 + MAX_WBITS)
        != Z_OK)
        return InflateResult::Damaged;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    char chunk[64 * 1024];
    InflateResult result = InflateResult::Damaged;
    for (;;) {
        stream.next_out = reinterpret_cast<Bytef *>(chunk);
        stream.avail_out = sizeof chunk;
        const int status = inflate(&stream, Z_NO_FLUSH);
        const std::size_t produced = sizeof chunk - stream.avail_out;
        if (out.size() + produced > maxBytes) {
            result = InflateResult::TooLarge;
            break;
        }
        out.append(chunk, produced);
        if (status == Z_STREAM_END) {
            // Concatenated gzip members (allowed by RFC 1952) are read on.
            if (stream.avail_in > 0 && encoding == BodyEncoding::Gzip
                && inflateReset(&stream) == Z_OK)
                continue;
            result = InflateResult::Ok;
            break;
        }
        if (status != Z_OK || (stream.avail_in == 0 && produced == 0))
            break; // damaged or truncated
    }
    inflateEnd(&stream);
    if (result != InflateResult::Ok)
        std::string().swap(out);
    return result;
}

} // namespace spanscope::ingest

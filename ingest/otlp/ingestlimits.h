#pragma once

#include <cstddef>
#include <cstdint>

namespace spanscope::ingest {

// Bounds on what one request may make us hold. Values past a limit are truncated and counted,
// as the SDKs' own attribute limits do; whole requests past the size limit are refused.
struct IngestLimits
{
    std::size_t maxRequestBytes = 64u << 20; // after decompression, on both transports
    std::size_t maxAttributeCount = 1024; // per span, event, link, log record, resource
    std::size_t maxValueBytes = 256u << 10; // per string or bytes value
    int maxValueDepth = 16; // nested arrays and maps
    // Per metric point: exemplars kept (the SDKs keep a few), and histogram buckets (an
    // exponential histogram's default is 160); a point with more buckets is rejected.
    std::size_t maxExemplarsPerPoint = 32;
    std::size_t maxBucketsPerPoint = 4096;
    // What decoding one request may cost, estimated from its bytes before parsing
    // (decodecost.h): 256 MiB admits ~100 000 typical spans, and refuses a 2-byte-per-span bomb
    // after 500 000 spans instead of parsing millions.
    std::uint64_t maxDecodeCost = 256ull << 20;
    // What all requests being decoded at once may cost; beyond it senders are asked to retry.
    std::uint64_t maxDecodeCostInFlight = 512ull << 20;
};

} // namespace spanscope::ingest

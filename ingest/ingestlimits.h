#pragma once

#include <cstddef>

namespace spanscope::ingest {

// Bounds on what one request may make us hold. Values past a limit are truncated and counted,
// as the SDKs' own attribute limits do; whole requests past the size limit are refused.
struct IngestLimits
{
    std::size_t maxRequestBytes = 64u << 20; // after decompression, on both transports
    std::size_t maxAttributeCount = 1024; // per span, event, link, log record, resource
    std::size_t maxValueBytes = 256u << 10; // per string or bytes value
    int maxValueDepth = 16; // nested arrays and maps
};

} // namespace spanscope::ingest

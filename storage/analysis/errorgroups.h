#pragma once

#include <result.h>
#include <tracestore.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spanscope::analysis {

// The exception a span recorded (its first "exception" event), as the SDKs write it.
struct RecordedException
{
    std::string type, message, stacktrace;
};
std::optional<RecordedException> exceptionOf(const storage::Span &span);

// The frame an exception was raised in, from a stack trace as Python, Java, Node.js, .NET or Go
// print it: "handler (app.py:42)", "com.shop.Cart.add(Cart.java:42)". Frames of the
// OpenTelemetry SDK that recorded it are skipped; empty when no frame is recognised.
std::string topFrameOf(std::string_view stacktrace);

// One kind of failure across traces: the errors that share an exception type and top frame
// (or, without an exception, a status message and operation).
struct ErrorGroup
{
    std::string type; // the exception type, or "error status" when no exception was recorded
    std::string topFrame; // the exception's top frame, or the failing operation
    std::string message; // of the newest occurrence
    std::string operation; // "service: span name" of the newest occurrence
    int count = 0; // failing spans
    int traces = 0;
    storage::TraceId exampleTrace{}; // the newest occurrence
    storage::SpanId exampleSpan{};
    std::int64_t firstSeenNs = 0, lastSeenNs = 0; // span start times
};

struct ErrorOverview
{
    std::vector<ErrorGroup> groups; // most failing spans first
    int traces = 0; // read
    int skipped = 0; // larger than maxSpans
};

// The failures of the traces with errors that `filter` finds (newest first; the filter's
// errorsOnly is implied), grouped. Traces larger than `maxSpans` are skipped and counted.
storage::Result<ErrorOverview> errorsAcross(storage::TraceStore &store, storage::TraceFilter filter,
                                            std::int64_t maxSpans = 200'000);

} // namespace spanscope::analysis

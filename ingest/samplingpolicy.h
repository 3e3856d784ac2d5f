#pragma once

#include "remotesampling.h"

#include <result.h>
#include <telemetry.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spanscope::ingest {

// How a ratio decides from a trace id, so a trace is kept or dropped whole across services and
// restarts.
enum class RatioAlgorithm {
    // The low 64 bits (bytes 8-15) below ratio * 2^64: what the Python and Go SDKs'
    // TraceIdRatioBased(ratio) keep, trace by trace.
    LowBits64,
    // W3C consistent probability sampling: randomness R = the low 56 bits, kept iff
    // R >= (1 - ratio) * 2^56 (the `th` threshold of OTel's ProbabilitySampler).
    Consistent56,
};

bool ratioKeeps(const storage::TraceId &traceId, double ratio, RatioAlgorithm algorithm);

// What a rule looks at: a span's name, its service, or an attribute (span, then resource)
// equal to a value. Matching is exact.
struct SpanMatch
{
    enum class Field { SpanName, Service, Attribute };
    Field field = Field::SpanName;
    std::string key; // the attribute key (Attribute only)
    std::string value;
    bool matches(const storage::Span &span, const storage::Resource &resource) const;
    std::string describe() const; // "http.route = /healthz"
};

struct DropRule
{
    SpanMatch match;
    // Whole traces whose root span matches, or single matching spans.
    bool wholeTrace = true;
    std::string name() const;
};

// The receiver-side policy, applied before storage. The default keeps everything.
struct SamplingPolicy
{
    double ratio = 1.0; // of traces, for services without their own
    RatioAlgorithm algorithm = RatioAlgorithm::LowBits64;
    std::map<std::string, double> serviceRatios;
    std::vector<DropRule> dropRules;
    // Traces with an error span are kept whatever the ratio says (from that span on: spans the
    // ratio dropped before the error arrived are gone).
    bool keepErrors = false;
    // Traces whose root span lasted at least this long are kept whatever the ratio says. 0: off.
    std::int64_t keepSlowerThanNs = 0;
    // New traces per second per service; beyond it, traces are dropped. 0: no limit.
    double maxTracesPerSecond = 0;
    // Rules that look at the root (trace drop rules, keep errors, keep slow) need it before the
    // trace is decided: other spans wait for it in memory until the trace has been quiet this long.
    int decisionWaitMs = 5000;
    // What SDKs with a jaeger_remote sampler are told (head sampling, before anything is sent).
    RemoteSamplingConfig remote;

    bool keepsEverything() const;
    bool decidesAtRoot() const;
    // A line for the status bar: "ratio 10 % (low 64 bits), 1 drop rule, keep errors".
    std::string summary() const;

    // The JSON form used by `spanscope serve --sampling FILE` and the settings:
    // {"ratio": 0.1, "algorithm": "low64" | "consistent", "serviceRatios": {"svc": 0.5},
    //  "dropRules": [{"field": "attribute", "key": "http.route", "value": "/healthz",
    //                 "scope": "trace" | "span"}], "keepErrors": true, "keepSlowerThanMs": 500,
    //  "maxTracesPerSecond": 100, "decisionWaitMs": 5000, "remote": {...RemoteSamplingConfig}}
    static storage::Result<SamplingPolicy> fromJson(std::string_view json);
    std::string toJson() const;
};

} // namespace spanscope::ingest

#pragma once

// Crafted traces for the analysis tests: spans added by name, parent index and times in ms.

#include <tracestore.h>

#include <algorithm>
#include <cstdint>
#include <string>

namespace spanscope::testing {

using storage::SpanKind;

inline constexpr std::int64_t Ms = 1'000'000;

// Builds a TraceData span by span: times in ms from the trace's start, parents by index.
class TraceBuilder
{
public:
    explicit TraceBuilder(std::uint8_t traceByte = 1)
        : m_traceByte(traceByte)
    {
        m_trace.resources.resize(2);
        m_trace.resources[0].attributes = {{"service.name", {std::string("shop")}}};
        m_trace.resources[1].attributes = {{"service.name", {std::string("stock")}}};
        m_trace.scopes.resize(1);
    }

    int add(const char *name, int parent, double startMs, double durationMs,
            SpanKind kind = SpanKind::Internal, storage::Attributes attributes = {},
            int resource = 0)
    {
        storage::StoredSpan stored;
        storage::Span &span = stored.span;
        const int index = static_cast<int>(m_trace.spans.size());
        span.traceId[0] = m_traceByte;
        span.spanId[6] = static_cast<std::uint8_t>((index + 1) >> 8);
        span.spanId[7] = static_cast<std::uint8_t>(index + 1);
        if (parent >= 0)
            span.parentSpanId = m_trace.spans[parent].span.spanId;
        span.name = name;
        span.kind = kind;
        span.startUnixNano = Base + static_cast<std::uint64_t>(startMs * Ms);
        span.endUnixNano = span.startUnixNano + static_cast<std::uint64_t>(durationMs * Ms);
        span.attributes = std::move(attributes);
        stored.resource = resource;
        m_trace.spans.push_back(std::move(stored));
        return index;
    }

    int query(int parent, double startMs, double durationMs, const std::string &statement)
    {
        return add(
            "SELECT", parent, startMs, durationMs, SpanKind::Client,
            {{"db.system.name", {std::string("postgresql")}}, {"db.query.text", {statement}}});
    }

    int http(int parent, double startMs, double durationMs, const std::string &url)
    {
        return add("GET", parent, startMs, durationMs, SpanKind::Client,
                   {{"http.request.method", {std::string("GET")}}, {"url.full", {url}}});
    }

    // Spans in start order, as the store gives them; returns the trace.
    const storage::TraceData &trace()
    {
        std::stable_sort(m_trace.spans.begin(), m_trace.spans.end(),
                         [](const auto &a, const auto &b) {
                             return a.span.startUnixNano < b.span.startUnixNano;
                         });
        std::uint64_t end = Base;
        for (const auto &stored : m_trace.spans)
            end = std::max(end, stored.span.endUnixNano);
        m_trace.summary.traceId = m_trace.spans.front().span.traceId;
        m_trace.summary.startNs = static_cast<std::int64_t>(Base);
        m_trace.summary.endNs = static_cast<std::int64_t>(end);
        return m_trace;
    }

private:
    static constexpr std::uint64_t Base = 1'700'000'000'000'000'000ull;
    std::uint8_t m_traceByte;
    storage::TraceData m_trace;
};

} // namespace spanscope::testing

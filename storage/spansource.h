#pragma once

#include "tracestore.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace spanscope::storage {

// Where a span sits in its trace: enough to order and nest it without reading the span.
struct SpanPlace
{
    SpanId spanId{};
    SpanId parentSpanId{};
    std::uint64_t startUnixNano = 0;
    int resource = 0; // index into the header's resources
    int scope = 0; // index into the header's scopes
};

// A trace for writers that must not hold a huge one whole (`show`, `show --json`, bundles):
// the header and every span's place are in memory (32 bytes a span), a span itself only
// while it is written.
class SpanSource
{
public:
    virtual ~SpanSource() = default;
    // The summary, resources and scopes; its span list may be empty.
    virtual const TraceData &header() const = 0;
    // Every span's place, in start order.
    virtual const std::vector<SpanPlace> &places() const = 0;
    // The whole span at `index` of places(), valid until the next call; null when it cannot be
    // read (error() says why).
    virtual const StoredSpan *span(std::size_t index) = 0;
    virtual const std::string &error() const = 0;
};

// A trace already in memory, as a source.
class LoadedTrace final : public SpanSource
{
public:
    explicit LoadedTrace(const TraceData &trace);
    const TraceData &header() const override { return m_trace; }
    const std::vector<SpanPlace> &places() const override { return m_places; }
    const StoredSpan *span(std::size_t index) override { return &m_trace.spans.at(index); }
    const std::string &error() const override { return m_error; }

private:
    const TraceData &m_trace;
    std::vector<SpanPlace> m_places;
    std::string m_error;
};

// The parent-child shape of a trace's spans, in flat arrays (a few bytes a span).
class SpanTree
{
public:
    static constexpr std::uint32_t None = UINT32_MAX;

    explicit SpanTree(const std::vector<SpanPlace> &places);
    // The index of the span with this id, or None (the first one when ids repeat).
    std::uint32_t find(const SpanId &id) const;
    // The index of a span's parent, or None when it has none, its parent is not stored, or it
    // names itself.
    std::uint32_t parent(std::size_t index) const { return m_parent[index]; }
    // The children of a span, in start order.
    const std::uint32_t *childrenBegin(std::size_t index) const
    {
        return m_children.data() + m_firstChild[index];
    }
    const std::uint32_t *childrenEnd(std::size_t index) const
    {
        return m_children.data() + m_firstChild[index + 1];
    }

private:
    const std::vector<SpanPlace> &m_places;
    std::vector<std::uint32_t> m_byId;
    std::vector<std::uint32_t> m_parent;
    std::vector<std::uint32_t> m_firstChild;
    std::vector<std::uint32_t> m_children;
};

// Spans as a tree, depth first, children in start order: (index into places, depth). Spans
// whose parent is missing start trees of their own; spans caught in a parent cycle follow at
// depth 0, so every span appears once.
std::vector<std::pair<std::size_t, int>> treeOrder(const std::vector<SpanPlace> &places);

// The spans grouped by resource, then scope, in the order each first appears (a sender's
// grouping): for each resource its scopes, for each scope the indices of its spans.
using SpanGroups
    = std::vector<std::pair<int, std::vector<std::pair<int, std::vector<std::size_t>>>>>;
SpanGroups groupByResourceAndScope(const std::vector<SpanPlace> &places);

} // namespace spanscope::storage

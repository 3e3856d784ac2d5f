#pragma once

// Services from stored spans: RED metrics (rate, errors, duration percentiles) per service and
// operation over a time range — server and consumer spans, and client spans toward targets
// that send no spans of their own (a database, a cache, a queue, an external host) — with a
// count and p95 per time bucket for sparklines; and the service map's edges: client → server
// parentage across services, producer → consumer links, client spans to uninstrumented
// targets. Reached through TraceStore::serviceReader(), on its connection.

#include <result.h>
#include <telemetry.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spanscope::storage {

class Database;
class StringResolver;

struct ServiceFilter
{
    std::uint64_t fromNs = 0, toNs = UINT64_MAX; // traces started in this range
    int buckets = 30; // sparkline columns
    std::optional<TraceId> trace; // only this trace (its own map)
};

// What a node of the map is: a service that sends spans, or a target seen only from client
// spans.
enum class NodeKind : std::uint8_t { Service, Database, Cache, Queue, External };
const char *toString(NodeKind kind);

struct RedRow
{
    std::string service;
    std::string operation; // empty: the service as a whole
    NodeKind kind = NodeKind::Service;
    std::uint64_t count = 0, errors = 0;
    std::int64_t p50Ns = 0, p95Ns = 0, p99Ns = 0;
    std::int64_t totalNs = 0; // what it cost in all: the ranking's impact
    double ratePerSecond = 0;
    std::vector<std::uint64_t> countPerBucket;
    std::vector<std::int64_t> p95PerBucket; // 0 where the bucket is empty
    double errorRate() const { return count ? double(errors) / double(count) : 0; }
};

struct ServiceEdge
{
    std::string from, to;
    NodeKind toKind = NodeKind::Service;
    bool messaging = false; // a producer -> consumer link
    std::uint64_t calls = 0, errors = 0;
    std::int64_t p95Ns = 0;
};

struct ServiceOverview
{
    std::uint64_t fromNs = 0, toNs = 0; // the range the buckets divide
    std::vector<RedRow> services; // by impact, each service's operations after it
    std::vector<ServiceEdge> edges; // by calls
    std::uint64_t spansRead = 0;
};

class ServiceReader
{
public:
    ServiceReader(const Database &db, StringResolver &dictionary);
    Result<ServiceOverview> overview(const ServiceFilter &filter);

private:
    const Database &m_db;
    StringResolver &m_dictionary;
};

} // namespace spanscope::storage

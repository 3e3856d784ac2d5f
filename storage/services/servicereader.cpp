#include "servicereader.h"

#include <database.h>
#include <valuecodec.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>

namespace spanscope::storage {

namespace {

struct SpanRow
{
    SpanId id{}, parent{};
    int kind = 0;
    std::int64_t duration = 0;
    bool error = false;
    std::uint64_t start = 0;
    std::int64_t resource = 0;
    std::uint64_t nameId = 0;
    std::string attributes, links; // client/producer attributes; consumer links
};

// Durations gathered for one row of the table, to take percentiles of once read.
struct Gathered
{
    NodeKind kind = NodeKind::Service;
    std::vector<std::int64_t> durations;
    std::vector<std::vector<std::int64_t>> perBucket;
    std::uint64_t errors = 0;
};

std::int64_t percentile(std::vector<std::int64_t> &values, double q)
{
    if (values.empty())
        return 0;
    const auto at = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
    return values[at];
}

std::optional<std::string> text(const Attributes &attributes, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        for (const KeyValue &kv : attributes) {
            if (kv.key == key) {
                const std::string value = scalarText(kv.value);
                if (!value.empty())
                    return value;
            }
        }
    }
    return std::nullopt;
}

// Where a client or producer span goes when nothing answers it with spans of its own.
std::optional<std::pair<std::string, NodeKind>> targetOf(const Attributes &attributes)
{
    if (auto system = text(attributes, {"db.system.name", "db.system"})) {
        const bool cache = *system == "redis" || *system == "memcached" || *system == "valkey";
        return std::pair{*system, cache ? NodeKind::Cache : NodeKind::Database};
    }
    if (auto system = text(attributes, {"messaging.system"})) {
        const auto destination = text(attributes, {"messaging.destination.name"});
        return std::pair{destination ? *system + " " + *destination : *system, NodeKind::Queue};
    }
    if (auto host = text(attributes, {"peer.service", "server.address", "net.peer.name"}))
        return std::pair{*host, NodeKind::External};
    return std::nullopt;
}

constexpr int Server = 2, Client = 3, Producer = 4, Consumer = 5;

} // namespace

const char *toString(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Service:
        return "service";
    case NodeKind::Database:
        return "database";
    case NodeKind::Cache:
        return "cache";
    case NodeKind::Queue:
        return "queue";
    case NodeKind::External:
        return "external";
    }
    return "service";
}

ServiceReader::ServiceReader(const Database &db, StringResolver &dictionary)
    : m_db(db)
    , m_dictionary(dictionary)
{}

Result<ServiceOverview> ServiceReader::overview(const ServiceFilter &filter)
{
    const auto clamp = [](std::uint64_t ns) {
        return static_cast<std::int64_t>(
            std::min<std::uint64_t>(ns, std::numeric_limits<std::int64_t>::max()));
    };
    const std::string columns
        = "SELECT s.trace_key, s.span_id, s.parent_span_id, s.kind, s.duration_ns, "
          "s.status_code, t.base_ns + s.start_offset_ns, s.resource_id, s.name_id, "
          "CASE WHEN s.kind IN (3, 4) THEN s.attributes END, "
          "CASE WHEN s.kind = 5 THEN s.links END "
          "FROM traces t JOIN spans s ON s.trace_key = t.trace_key ";
    Statement spans(m_db, filter.trace ? columns + "WHERE t.trace_id = ?"
                                       : columns
                              + "WHERE t.start_ns BETWEEN ? AND ? ORDER BY t.trace_key");
    Statement resources(m_db, "SELECT resource_id, service_name FROM resources");
    if (!spans.prepared() || !resources.prepared())
        return Error{spans.prepared() ? resources.prepareError() : spans.prepareError()};
    std::unordered_map<std::int64_t, std::string> serviceOf;
    while (resources.next())
        serviceOf.emplace(resources.integer(0), std::string(resources.text(1)));
    if (filter.trace)
        spans.bindBlob(1, filter.trace->data(), filter.trace->size());
    else
        spans.bind(1, clamp(filter.fromNs)).bind(2, clamp(filter.toNs));

    ServiceOverview out;
    const int buckets = std::max(1, filter.buckets);
    std::uint64_t first = UINT64_MAX, last = 0;
    std::map<std::pair<std::string, std::string>, Gathered> rows; // (service, operation)
    std::map<std::tuple<std::string, std::string, bool>, std::pair<ServiceEdge, std::vector<std::int64_t>>>
        edges;
    std::unordered_map<std::string, std::string> producers; // span id bytes -> service
    std::vector<std::pair<std::string, std::vector<SpanLink>>> consumers; // service, links
    struct Timed
    {
        std::string service, operation;
        NodeKind kind;
        std::uint64_t start;
        std::int64_t duration;
        bool error;
    };
    std::vector<Timed> timed; // bucketed once the range is known
    std::unordered_map<std::uint64_t, std::string> names;
    const auto nameOf = [&](std::uint64_t id) -> const std::string & {
        auto it = names.find(id);
        if (it == names.end()) {
            std::string name;
            m_dictionary.resolve(id, name);
            it = names.emplace(id, std::move(name)).first;
        }
        return it->second;
    };
    const auto addEdge = [&](const std::string &from, const std::string &to, NodeKind kind,
                             bool messaging, std::int64_t duration, bool error) {
        auto &[edge, durations] = edges[{from, to, messaging}];
        edge.from = from;
        edge.to = to;
        edge.toKind = kind;
        edge.messaging = messaging;
        ++edge.calls;
        edge.errors += error ? 1 : 0;
        durations.push_back(duration);
    };

    std::vector<SpanRow> trace;
    std::int64_t traceKey = -1;
    const auto finishTrace = [&] {
        std::unordered_map<std::string, std::vector<std::size_t>> children;
        std::unordered_map<std::string, std::size_t> byId;
        for (std::size_t i = 0; i < trace.size(); ++i) {
            children[std::string(reinterpret_cast<const char *>(trace[i].parent.data()), 8)]
                .push_back(i);
            byId.emplace(std::string(reinterpret_cast<const char *>(trace[i].id.data()), 8), i);
        }
        for (const SpanRow &span : trace) {
            const std::string &service = serviceOf[span.resource];
            const std::string id(reinterpret_cast<const char *>(span.id.data()), 8);
            if (span.kind == Server || span.kind == Consumer) {
                timed.push_back({service, nameOf(span.nameId), NodeKind::Service, span.start,
                                 span.duration, span.error});
                // Called by another service without a client span of its own (an
                // instrumentation that records only the server side): the parent says who.
                const auto parent = byId.find(
                    std::string(reinterpret_cast<const char *>(span.parent.data()), 8));
                if (parent != byId.end()) {
                    const SpanRow &caller = trace[parent->second];
                    if (caller.kind != Client && caller.kind != Producer
                        && serviceOf[caller.resource] != service)
                        addEdge(serviceOf[caller.resource], service, NodeKind::Service,
                                span.kind == Consumer, span.duration, span.error);
                }
            }
            if (span.kind == Producer)
                producers.emplace(id, service);
            if (span.kind == Consumer && !span.links.empty()) {
                std::vector<SpanLink> links;
                if (decodeLinks(span.links, m_dictionary, links))
                    consumers.emplace_back(service, std::move(links));
            }
            if (span.kind != Client && span.kind != Producer)
                continue;
            bool answered = false;
            if (const auto it = children.find(id); it != children.end()) {
                for (const std::size_t c : it->second) {
                    const SpanRow &child = trace[c];
                    const std::string &childService = serviceOf[child.resource];
                    if ((child.kind == Server || child.kind == Consumer) && childService != service) {
                        addEdge(service, childService, NodeKind::Service, span.kind == Producer,
                                span.duration, span.error || child.error);
                        answered = true;
                    }
                }
            }
            if (answered || span.kind == Producer)
                continue; // a producer's consumer is found by its links
            Attributes attributes;
            if (!decodeAttributes(span.attributes, m_dictionary, attributes))
                continue;
            if (const auto target = targetOf(attributes)) {
                addEdge(service, target->first, target->second, false, span.duration, span.error);
                timed.push_back({target->first, nameOf(span.nameId), target->second, span.start,
                                 span.duration, span.error});
            }
        }
        out.spansRead += trace.size();
        trace.clear();
    };
    while (spans.next()) {
        if (spans.integer(0) != traceKey && !trace.empty())
            finishTrace();
        traceKey = spans.integer(0);
        SpanRow &row = trace.emplace_back();
        if (const auto id = spans.blob(1); id.size() == 8)
            std::memcpy(row.id.data(), id.data(), 8);
        if (const auto parent = spans.blob(2); parent.size() == 8)
            std::memcpy(row.parent.data(), parent.data(), 8);
        row.kind = static_cast<int>(spans.integer(3));
        row.duration = spans.integer(4);
        row.error = spans.integer(5) == 2;
        row.start = static_cast<std::uint64_t>(spans.integer(6));
        row.resource = spans.integer(7);
        row.nameId = static_cast<std::uint64_t>(spans.integer(8));
        row.attributes = std::string(spans.blob(9));
        row.links = std::string(spans.blob(10));
    }
    if (!spans.ok())
        return Error{m_db.lastError()};
    if (!trace.empty())
        finishTrace();
    for (const auto &[service, links] : consumers) {
        for (const SpanLink &link : links) {
            const auto it = producers.find(
                std::string(reinterpret_cast<const char *>(link.spanId.data()), 8));
            if (it != producers.end() && it->second != service)
                addEdge(it->second, service, NodeKind::Service, true, 0, false);
        }
    }

    for (const Timed &t : timed) {
        first = std::min(first, t.start);
        last = std::max(last, t.start);
    }
    out.fromNs = filter.fromNs > 0 && !filter.trace ? filter.fromNs : (first == UINT64_MAX ? 0 : first);
    out.toNs = filter.toNs != UINT64_MAX && !filter.trace ? filter.toNs : last;
    if (out.toNs <= out.fromNs)
        out.toNs = out.fromNs + 1;
    const double bucketNs = static_cast<double>(out.toNs - out.fromNs) / buckets;
    for (const Timed &t : timed) {
        const int b = t.start <= out.fromNs
            ? 0
            : std::min(buckets - 1, static_cast<int>(static_cast<double>(t.start - out.fromNs) / bucketNs));
        for (const std::string &operation : {t.operation, std::string()}) {
            Gathered &g = rows[{t.service, operation}];
            g.kind = t.kind;
            g.durations.push_back(t.duration);
            g.errors += t.error ? 1 : 0;
            g.perBucket.resize(buckets);
            g.perBucket[b].push_back(t.duration);
        }
    }
    const double seconds = static_cast<double>(out.toNs - out.fromNs) / 1e9;
    std::map<std::string, std::vector<RedRow>> operations;
    std::vector<RedRow> services;
    for (auto &[key, g] : rows) {
        RedRow row;
        row.service = key.first;
        row.operation = key.second;
        row.kind = g.kind;
        row.count = g.durations.size();
        row.errors = g.errors;
        for (const std::int64_t d : g.durations)
            row.totalNs += d;
        row.p50Ns = percentile(g.durations, 0.5);
        row.p95Ns = percentile(g.durations, 0.95);
        row.p99Ns = percentile(g.durations, 0.99);
        row.ratePerSecond = seconds > 0 ? static_cast<double>(row.count) / seconds : 0;
        for (auto &bucket : g.perBucket) {
            row.countPerBucket.push_back(bucket.size());
            row.p95PerBucket.push_back(percentile(bucket, 0.95));
        }
        if (row.operation.empty())
            services.push_back(std::move(row));
        else
            operations[key.first].push_back(std::move(row));
    }
    const auto byImpact = [](const RedRow &a, const RedRow &b) { return a.totalNs > b.totalNs; };
    std::sort(services.begin(), services.end(), byImpact);
    for (RedRow &service : services) {
        auto &ops = operations[service.service];
        std::sort(ops.begin(), ops.end(), byImpact);
        out.services.push_back(std::move(service));
        for (RedRow &op : ops)
            out.services.push_back(std::move(op));
    }
    for (auto &[key, entry] : edges) {
        entry.first.p95Ns = percentile(entry.second, 0.95);
        out.edges.push_back(entry.first);
    }
    std::sort(out.edges.begin(), out.edges.end(),
              [](const ServiceEdge &a, const ServiceEdge &b) { return a.calls > b.calls; });
    return out;
}

} // namespace spanscope::storage

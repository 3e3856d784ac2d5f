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
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at),
                     values.end());
    return values[at];
}

std::optional<std::string> text(const Attributes &attributes,
                                std::initializer_list<const char *> keys)
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
    Statement spans(m_db,
                    filter.trace
                        ? columns + "WHERE t.trace_id = ?"
                        : columns + "WHERE t.start_ns BETWEEN ? AND ? ORDER BY t.trace_key");
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
    std::map<std::tuple<std::string, std::string, bool>,
             std::pair<ServiceEdge, std::vector<std::int64_t>>>
        edges;
    std::unordered_map<std::string, std::string> producers; // span id bytes -> service
    std::vector<std::pair<std::string, std::vector<SpanLink>>> consumers; // service, links
    // Each span counted for a row, by the row's number: rows are found once per (service or
    // target, name), not once per span.
    struct Timed
    {
        int row;
        std::uint64_t start;
        std::int64_t duration;
        bool error;
    };
    std::vector<Timed> timed; // bucketed once the range is known
    struct RowKey
    {
        std::string service, operation;
        NodeKind kind;
    };
    std::vector<RowKey> rowKeys;
    std::map<std::tuple<std::int64_t, std::uint64_t>, int> serviceRows; // (resource, name id)
    std::map<std::pair<std::string, std::uint64_t>, int> targetRows; // (target, name id)
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
        const auto key = [](const SpanId &id) {
            std::uint64_t k;
            std::memcpy(&k, id.data(), sizeof k);
            return k;
        };
        std::unordered_multimap<std::uint64_t, std::size_t> children;
        std::unordered_map<std::uint64_t, std::size_t> byId;
        children.reserve(trace.size());
        byId.reserve(trace.size());
        for (std::size_t i = 0; i < trace.size(); ++i) {
            children.emplace(key(trace[i].parent), i);
            byId.emplace(key(trace[i].id), i);
        }
        for (const SpanRow &span : trace) {
            const std::string &service = serviceOf[span.resource];
            if (span.kind == Server || span.kind == Consumer) {
                auto [row, added] = serviceRows.try_emplace({span.resource, span.nameId},
                                                            static_cast<int>(rowKeys.size()));
                if (added)
                    rowKeys.push_back({service, nameOf(span.nameId), NodeKind::Service});
                timed.push_back({row->second, span.start, span.duration, span.error});
                // Called by another service without a client span of its own (an
                // instrumentation that records only the server side): the parent says who.
                const auto parent = byId.find(key(span.parent));
                if (parent != byId.end()) {
                    const SpanRow &caller = trace[parent->second];
                    if (caller.kind != Client && caller.kind != Producer
                        && serviceOf[caller.resource] != service)
                        addEdge(serviceOf[caller.resource], service, NodeKind::Service,
                                span.kind == Consumer, span.duration, span.error);
                }
            }
            if (span.kind == Producer)
                producers.emplace(std::string(reinterpret_cast<const char *>(span.id.data()), 8),
                                  service);
            if (span.kind == Consumer && !span.links.empty()) {
                std::vector<SpanLink> links;
                if (decodeLinks(span.links, m_dictionary, links))
                    consumers.emplace_back(service, std::move(links));
            }
            if (span.kind != Client && span.kind != Producer)
                continue;
            bool answered = false;
            for (auto [it, end] = children.equal_range(key(span.id)); it != end; ++it) {
                {
                    const SpanRow &child = trace[it->second];
                    const std::string &childService = serviceOf[child.resource];
                    if ((child.kind == Server || child.kind == Consumer)
                        && childService != service) {
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
                auto [row, added] = targetRows.try_emplace({target->first, span.nameId},
                                                           static_cast<int>(rowKeys.size()));
                if (added)
                    rowKeys.push_back({target->first, nameOf(span.nameId), target->second});
                timed.push_back({row->second, span.start, span.duration, span.error});
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
    out.fromNs
        = filter.fromNs > 0 && !filter.trace ? filter.fromNs : (first == UINT64_MAX ? 0 : first);
    out.toNs = filter.toNs != UINT64_MAX && !filter.trace ? filter.toNs : last;
    if (out.toNs <= out.fromNs)
        out.toNs = out.fromNs + 1;
    const double bucketNs = static_cast<double>(out.toNs - out.fromNs) / buckets;
    // Rows by number: each (service, operation) and, after them, each service's total.
    const std::string noOperation;
    std::vector<Gathered> gathered(rowKeys.size());
    std::vector<int> totalOf(rowKeys.size());
    std::map<std::string, int> totals;
    for (std::size_t r = 0; r < rowKeys.size(); ++r) {
        auto [it, added]
            = totals.try_emplace(rowKeys[r].service, static_cast<int>(gathered.size()));
        if (added)
            gathered.emplace_back();
        totalOf[r] = it->second;
    }
    for (const Timed &t : timed) {
        const int b = t.start <= out.fromNs
            ? 0
            : std::min(buckets - 1,
                       static_cast<int>(static_cast<double>(t.start - out.fromNs) / bucketNs));
        const RowKey &rowKey = rowKeys[t.row];
        for (const std::string *operation : {&rowKey.operation, &noOperation}) {
            Gathered &g = gathered[operation == &noOperation ? totalOf[t.row] : t.row];
            g.kind = rowKey.kind;
            g.durations.push_back(t.duration);
            g.errors += t.error ? 1 : 0;
            g.perBucket.resize(buckets);
            g.perBucket[b].push_back(t.duration);
        }
    }
    const double seconds = static_cast<double>(out.toNs - out.fromNs) / 1e9;
    std::map<std::string, std::vector<RedRow>> operations;
    std::vector<RedRow> services;
    std::vector<std::pair<std::string, std::string>> rowNames(gathered.size());
    for (std::size_t r = 0; r < rowKeys.size(); ++r)
        rowNames[r] = {rowKeys[r].service, rowKeys[r].operation};
    for (const auto &[service, index] : totals)
        rowNames[index] = {service, std::string()};
    for (std::size_t r = 0; r < gathered.size(); ++r) {
        Gathered &g = gathered[r];
        if (g.durations.empty())
            continue;
        const auto &key = rowNames[r];
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
    const auto byImpact = [](const RedRow &a, const RedRow &b) {
        return a.totalNs > b.totalNs;
    };
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

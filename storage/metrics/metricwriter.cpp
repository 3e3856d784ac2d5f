#include "metricwriter.h"

#include "metriccodec.h"

#include <sqlite3.h>

#include <algorithm>

namespace spanscope::storage {

namespace {

constexpr std::size_t MaxCachedSeries = 200'000;
// Open blocks are kept in memory to be appended to; past this the cache starts afresh (and
// the next points start new blocks).
constexpr std::size_t MaxOpenBlockBytes = 32u << 20;

std::string metricFingerprint(std::int64_t resourceId, std::int64_t scopeId, const Metric &metric)
{
    std::string out = std::to_string(resourceId) + '\x1f' + std::to_string(scopeId) + '\x1f'
        + metric.name + '\x1f' + metric.unit + '\x1f';
    out.push_back(static_cast<char>('0' + static_cast<int>(metric.kind)));
    out.push_back(static_cast<char>('0' + static_cast<int>(metric.temporality)));
    out.push_back(metric.monotonic ? 'm' : '-');
    return out;
}

} // namespace

MetricWriter::MetricWriter(Database &db, TransactionError &error, StringInterner &dictionary)
    : m_db(db)
    , m_error(error)
    , m_dictionary(dictionary)
    , m_findMetric(db, "SELECT metric_id, series_count FROM metrics WHERE fingerprint = ?")
    , m_insertMetric(db,
                     "INSERT INTO metrics(fingerprint, resource_id, scope_id, service_name, name, "
                     "description, unit, kind, temporality, monotonic) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?)")
    , m_updateSeriesCount(db, "UPDATE metrics SET series_count = ? WHERE metric_id = ?")
    , m_findSeries(db,
                   "SELECT series_id FROM metric_series WHERE metric_id = ? AND fingerprint = ?")
    , m_insertSeries(db,
                     "INSERT INTO metric_series(metric_id, fingerprint, attributes, overflow) "
                     "VALUES (?,?,?,?)")
    , m_insertBlock(db,
                    "INSERT INTO metric_blocks(series_id, start_ns, end_ns, point_count, points) "
                    "VALUES (?,?,?,?,?)")
    , m_updateBlock(db,
                    "UPDATE metric_blocks SET start_ns = ?, end_ns = ?, point_count = ?, "
                    "points = ? WHERE block_id = ?")
    , m_insertExemplar(db,
                       "INSERT INTO metric_exemplars(series_id, time_ns, value, trace_id, "
                       "span_id, attributes) VALUES (?,?,?,?,?,?)")
{}

std::string MetricWriter::prepareError() const
{
    for (const Statement *statement :
         {&m_findMetric, &m_insertMetric, &m_updateSeriesCount, &m_findSeries, &m_insertSeries,
          &m_insertBlock, &m_updateBlock, &m_insertExemplar}) {
        if (!statement->prepared())
            return statement->prepareError();
    }
    return {};
}

void MetricWriter::forget()
{
    m_metrics.clear();
    m_series.clear();
    m_pending.clear();
    m_open.clear();
    m_openBytes = 0;
    m_overflowed = 0;
}

MetricWriter::MetricRow &MetricWriter::metricRow(const ScopedMetrics &group, const Metric &metric,
                                                 std::int64_t resourceId, std::int64_t scopeId)
{
    std::string fingerprint = metricFingerprint(resourceId, scopeId, metric);
    if (auto it = m_metrics.find(fingerprint); it != m_metrics.end())
        return it->second;
    MetricRow row;
    if (m_findMetric.bindBlob(1, fingerprint).next())
        row = {m_findMetric.integer(0), m_findMetric.integer(1), 0};
    m_findMetric.reset();
    if (row.id == 0) {
        m_error.check(m_insertMetric.bindBlob(1, fingerprint)
                          .bind(2, resourceId)
                          .bind(3, scopeId)
                          .bindText(4, group.resource.serviceName())
                          .bindText(5, metric.name)
                          .bindText(6, metric.description)
                          .bindText(7, metric.unit)
                          .bind(8, static_cast<int>(metric.kind))
                          .bind(9, static_cast<int>(metric.temporality))
                          .bind(10, metric.monotonic ? 1 : 0)
                          .run());
        row.id = sqlite3_last_insert_rowid(m_db.handle());
    }
    return m_metrics.emplace(std::move(fingerprint), row).first->second;
}

std::int64_t MetricWriter::insertSeries(std::int64_t metricId, const std::string &fingerprint,
                                        const Attributes &attributes, bool overflow)
{
    std::string encoded;
    encodeAttributes(attributes, m_dictionary, encoded);
    m_error.check(m_insertSeries.bind(1, metricId)
                      .bindBlob(2, fingerprint)
                      .bindBlob(3, encoded)
                      .bind(4, overflow ? 1 : 0)
                      .run());
    return sqlite3_last_insert_rowid(m_db.handle());
}

std::int64_t MetricWriter::seriesId(MetricRow &metric, const Attributes &attributes)
{
    const std::string fingerprint = canonicalAttributes(attributes);
    std::string key = std::to_string(metric.id) + ':' + fingerprint;
    if (auto it = m_series.find(key); it != m_series.end())
        return it->second;
    if (m_series.size() > MaxCachedSeries)
        m_series.clear();
    std::int64_t id = 0;
    if (m_findSeries.bind(1, metric.id).bindBlob(2, fingerprint).next())
        id = m_findSeries.integer(0);
    m_findSeries.reset();
    if (id == 0 && metric.seriesCount >= MaxSeriesPerMetric) {
        // Past the bound every new attribute set shares one series, so memory and rows stay
        // bounded whatever a sender's cardinality; the points are counted.
        const Attributes overflow{{"otel.metric.overflow", AnyValue{true}}};
        const std::string overflowFingerprint = canonicalAttributes(overflow);
        if (metric.overflowSeries == 0) {
            if (m_findSeries.bind(1, metric.id).bindBlob(2, overflowFingerprint).next())
                metric.overflowSeries = m_findSeries.integer(0);
            m_findSeries.reset();
            if (metric.overflowSeries == 0)
                metric.overflowSeries
                    = insertSeries(metric.id, overflowFingerprint, overflow, true);
        }
        ++m_overflowed;
        return metric.overflowSeries; // not cached: each such point is counted
    }
    if (id == 0) {
        id = insertSeries(metric.id, fingerprint, attributes, false);
        ++metric.seriesCount;
        m_error.check(m_updateSeriesCount.bind(1, metric.seriesCount).bind(2, metric.id).run());
    }
    m_series.emplace(std::move(key), id);
    return id;
}

void MetricWriter::addExemplars(std::int64_t series, const MetricPoint &point)
{
    std::string attrs;
    for (const Exemplar &exemplar : point.exemplars) {
        attrs.clear();
        encodeAttributes(exemplar.filteredAttributes, m_dictionary, attrs);
        m_insertExemplar.bind(1, series).bind(2, exemplar.timeUnixNano).bind(3, exemplar.value);
        if (isValid(exemplar.traceId))
            m_insertExemplar.bindBlob(4, exemplar.traceId.data(), exemplar.traceId.size());
        else
            m_insertExemplar.bindNull(4);
        if (isValid(exemplar.spanId))
            m_insertExemplar.bindBlob(5, exemplar.spanId.data(), exemplar.spanId.size());
        else
            m_insertExemplar.bindNull(5);
        m_error.check(m_insertExemplar.bindBlob(6, attrs).run());
    }
}

void MetricWriter::add(const ScopedMetrics &group, std::int64_t resourceId, std::int64_t scopeId)
{
    for (const Metric &metric : group.metrics) {
        MetricRow &row = metricRow(group, metric, resourceId, scopeId);
        for (const MetricPoint &point : metric.points) {
            if (m_error.failed())
                return;
            const std::int64_t series = seriesId(row, point.attributes);
            Pending &pending = m_pending[series];
            pending.kind = metric.kind;
            // Deltas continue from the series' open block when this transaction starts it.
            std::uint64_t previous = pending.count > 0 ? pending.last : 0;
            if (pending.count == 0) {
                if (auto open = m_open.find(series);
                    open != m_open.end() && open->second.takesMore())
                    previous = open->second.lastTime;
            }
            encodeMetricPoint(metric.kind, point, previous, pending.points);
            ++pending.count;
            pending.first = std::min(pending.first, point.timeUnixNano);
            pending.last = point.timeUnixNano;
            addExemplars(series, point);
        }
    }
}

void MetricWriter::writeBlock(std::int64_t series, Pending &pending)
{
    auto open = m_open.find(series);
    if (open != m_open.end() && open->second.takesMore()) {
        OpenBlock &block = open->second;
        block.points += pending.points;
        block.count += pending.count;
        block.start = std::min(block.start, pending.first);
        block.end = std::max(block.end, pending.last);
        block.lastTime = pending.last;
        m_openBytes += pending.points.size();
        m_error.check(m_updateBlock.bind(1, block.start)
                          .bind(2, block.end)
                          .bind(3, block.count)
                          .bindBlob(4, block.points)
                          .bind(5, block.blockId)
                          .run());
        return;
    }
    // A block of its own: its first point was encoded against 0, as a block starts.
    m_error.check(m_insertBlock.bind(1, series)
                      .bind(2, pending.first)
                      .bind(3, pending.last)
                      .bind(4, pending.count)
                      .bindBlob(5, pending.points)
                      .run());
    OpenBlock block{sqlite3_last_insert_rowid(m_db.handle()),
                    std::move(pending.points),
                    pending.count,
                    pending.first,
                    pending.last,
                    pending.last};
    if (open != m_open.end()) {
        m_openBytes -= open->second.points.size();
        m_open.erase(open);
    }
    if (m_openBytes > MaxOpenBlockBytes) {
        m_open.clear();
        m_openBytes = 0;
    }
    m_openBytes += block.points.size();
    m_open.emplace(series, std::move(block));
}

std::uint64_t MetricWriter::flush()
{
    for (auto &[series, pending] : m_pending) {
        if (m_error.failed())
            break;
        writeBlock(series, pending);
    }
    m_pending.clear();
    return std::exchange(m_overflowed, 0);
}

} // namespace spanscope::storage

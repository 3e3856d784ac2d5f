#include "metricreader.h"

#include "metriccodec.h"

#include <database.h>
#include <valuecodec.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>

namespace spanscope::storage {

namespace {

constexpr const char *InstrumentColumns
    = "SELECT m.metric_id, m.service_name, coalesce(sc.name, ''), m.name, m.description, m.unit, "
      "m.kind, m.temporality, m.monotonic, m.series_count, "
      "(SELECT coalesce(sum(b.point_count), 0) FROM metric_series s JOIN metric_blocks b ON "
      "b.series_id = s.series_id WHERE s.metric_id = m.metric_id), "
      "(SELECT coalesce(min(b.start_ns), 0) FROM metric_series s JOIN metric_blocks b ON "
      "b.series_id = s.series_id WHERE s.metric_id = m.metric_id), "
      "(SELECT coalesce(max(b.end_ns), 0) FROM metric_series s JOIN metric_blocks b ON "
      "b.series_id = s.series_id WHERE s.metric_id = m.metric_id) "
      "FROM metrics m LEFT JOIN scopes sc ON sc.scope_id = m.scope_id ";

Instrument instrumentRow(const Statement &row)
{
    Instrument out;
    out.id = row.integer(0);
    out.service = std::string(row.text(1));
    out.scope = std::string(row.text(2));
    out.name = std::string(row.text(3));
    out.description = std::string(row.text(4));
    out.unit = std::string(row.text(5));
    out.kind = static_cast<MetricKind>(std::clamp<std::int64_t>(row.integer(6), 0, 4));
    out.temporality = static_cast<Temporality>(std::clamp<std::int64_t>(row.integer(7), 0, 2));
    out.monotonic = row.integer(8) != 0;
    out.seriesCount = row.integer(9);
    out.pointCount = row.integer(10);
    out.firstNs = static_cast<std::uint64_t>(row.integer(11));
    out.lastNs = static_cast<std::uint64_t>(row.integer(12));
    return out;
}

std::string lowered(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::int64_t clampedNs(std::uint64_t ns)
{
    return static_cast<std::int64_t>(
        std::min<std::uint64_t>(ns, std::numeric_limits<std::int64_t>::max()));
}

} // namespace

MetricReader::MetricReader(const Database &db, StringResolver &dictionary)
    : m_db(db)
    , m_dictionary(dictionary)
{}

Result<std::vector<Instrument>> MetricReader::instruments(const InstrumentFilter &filter)
{
    Statement query(m_db,
                    std::string(InstrumentColumns)
                        + "WHERE (?1 = '' OR m.service_name = ?1) "
                          "ORDER BY m.service_name, m.name, m.metric_id");
    if (!query.prepared())
        return Error{query.prepareError()};
    query.bindText(1, filter.service);
    const std::string part = lowered(filter.nameContains);
    std::vector<Instrument> out;
    while (query.next() && out.size() < filter.limit) {
        Instrument instrument = instrumentRow(query);
        if (!part.empty() && lowered(instrument.name).find(part) == std::string::npos)
            continue;
        if (filter.sinceNs > 0 && instrument.lastNs < filter.sinceNs)
            continue;
        out.push_back(std::move(instrument));
    }
    if (!query.ok())
        return Error{m_db.lastError()};
    return out;
}

Result<std::optional<Instrument>> MetricReader::instrument(std::int64_t id)
{
    Statement query(m_db, std::string(InstrumentColumns) + "WHERE m.metric_id = ?");
    if (!query.prepared())
        return Error{query.prepareError()};
    if (query.bind(1, id).next())
        return std::optional<Instrument>(instrumentRow(query));
    if (!query.ok())
        return Error{m_db.lastError()};
    return std::optional<Instrument>();
}

Result<SeriesRead> MetricReader::series(std::int64_t id, std::uint64_t fromNs, std::uint64_t toNs,
                                        std::size_t maxPoints)
{
    Statement kind(m_db, "SELECT kind FROM metrics WHERE metric_id = ?");
    if (!kind.prepared())
        return Error{kind.prepareError()};
    if (!kind.bind(1, id).next())
        return kind.ok() ? Result<SeriesRead>(SeriesRead{}) : Error{m_db.lastError()};
    const auto metricKind
        = static_cast<MetricKind>(std::clamp<std::int64_t>(kind.integer(0), 0, 4));
    Statement seriesRows(m_db,
                         "SELECT series_id, attributes, overflow FROM metric_series WHERE "
                         "metric_id = ? ORDER BY series_id");
    Statement blocks(m_db,
                     "SELECT b.series_id, b.point_count, b.points FROM metric_blocks b JOIN "
                     "metric_series s ON s.series_id = b.series_id WHERE s.metric_id = ? AND "
                     "b.end_ns >= ? AND b.start_ns <= ? ORDER BY b.end_ns DESC");
    if (!seriesRows.prepared() || !blocks.prepared())
        return Error{seriesRows.prepared() ? blocks.prepareError() : seriesRows.prepareError()};
    SeriesRead read;
    std::map<std::int64_t, std::size_t> index;
    seriesRows.bind(1, id);
    while (seriesRows.next()) {
        StoredSeries series;
        series.id = seriesRows.integer(0);
        if (!decodeAttributes(seriesRows.blob(1), m_dictionary, series.attributes))
            return Error{"the stored attributes of metric series " + std::to_string(series.id)
                         + " are damaged"};
        series.overflow = seriesRows.integer(2) != 0;
        index.emplace(series.id, read.series.size());
        read.series.push_back(std::move(series));
    }
    if (!seriesRows.ok())
        return Error{m_db.lastError()};
    blocks.bind(1, id).bind(2, clampedNs(fromNs)).bind(3, clampedNs(toNs));
    std::size_t decoded = 0;
    std::vector<MetricPoint> points;
    while (blocks.next()) {
        const auto count = static_cast<std::size_t>(blocks.integer(1));
        if (decoded + count > maxPoints) {
            read.pointsSkipped += count;
            continue;
        }
        const auto it = index.find(blocks.integer(0));
        if (it == index.end())
            continue;
        points.clear();
        if (!decodeMetricBlock(metricKind, blocks.blob(2), points))
            return Error{"a stored block of metric " + std::to_string(id) + " is damaged"};
        decoded += points.size();
        auto &into = read.series[it->second].points;
        for (MetricPoint &point : points) {
            if (point.timeUnixNano >= fromNs && point.timeUnixNano <= toNs)
                into.push_back(std::move(point));
        }
    }
    if (!blocks.ok())
        return Error{m_db.lastError()};
    for (StoredSeries &series : read.series) {
        std::stable_sort(series.points.begin(), series.points.end(),
                         [](const MetricPoint &a, const MetricPoint &b) {
                             return a.timeUnixNano < b.timeUnixNano;
                         });
    }
    return read;
}

Result<std::vector<StoredExemplar>> MetricReader::exemplars(std::int64_t id, std::uint64_t fromNs,
                                                            std::uint64_t toNs, std::size_t limit)
{
    Statement query(m_db,
                    "SELECT e.series_id, e.time_ns, e.value, e.trace_id, e.span_id, e.attributes "
                    "FROM metric_exemplars e JOIN metric_series s ON s.series_id = e.series_id "
                    "WHERE s.metric_id = ? AND e.time_ns BETWEEN ? AND ? "
                    "ORDER BY e.time_ns DESC LIMIT ?");
    if (!query.prepared())
        return Error{query.prepareError()};
    query.bind(1, id).bind(2, clampedNs(fromNs)).bind(3, clampedNs(toNs)).bind(4, limit);
    std::vector<StoredExemplar> out;
    while (query.next()) {
        StoredExemplar row;
        row.seriesId = query.integer(0);
        row.exemplar.timeUnixNano = static_cast<std::uint64_t>(query.integer(1));
        row.exemplar.value = query.number(2);
        if (const std::string_view trace = query.blob(3); trace.size() == 16)
            std::memcpy(row.exemplar.traceId.data(), trace.data(), 16);
        if (const std::string_view span = query.blob(4); span.size() == 8)
            std::memcpy(row.exemplar.spanId.data(), span.data(), 8);
        decodeAttributes(query.blob(5), m_dictionary, row.exemplar.filteredAttributes);
        out.push_back(std::move(row));
    }
    if (!query.ok())
        return Error{m_db.lastError()};
    return out;
}

} // namespace spanscope::storage

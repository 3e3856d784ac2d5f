#pragma once

// Read-only queries on stored metrics: the instruments, a metric's series with their points in
// a time range, and its exemplars. Reached through TraceStore::metrics(), on its connection.

#include "metricdata.h"

#include <result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spanscope::storage {

class Database;
class StringResolver;

struct InstrumentFilter
{
    std::string service; // exact; empty for all
    std::string nameContains; // case-insensitive part of the name; empty for all
    std::uint64_t sinceNs = 0; // only instruments with points at or after this
    std::size_t limit = 5000;
};

struct Instrument
{
    std::int64_t id = 0;
    std::string service, scope, name, description, unit;
    MetricKind kind = MetricKind::Gauge;
    Temporality temporality = Temporality::Unspecified;
    bool monotonic = false;
    std::int64_t seriesCount = 0;
    std::int64_t pointCount = 0;
    std::uint64_t firstNs = 0, lastNs = 0;
};

struct StoredSeries
{
    std::int64_t id = 0;
    Attributes attributes;
    bool overflow = false; // the instrument's overflow series
    std::vector<MetricPoint> points; // by time
};

struct SeriesRead
{
    std::vector<StoredSeries> series;
    std::uint64_t pointsSkipped = 0; // past the point budget; the newest are kept
};

struct StoredExemplar
{
    std::int64_t seriesId = 0;
    Exemplar exemplar;
};

class MetricReader
{
public:
    MetricReader(const Database &db, StringResolver &dictionary);

    Result<std::vector<Instrument>> instruments(const InstrumentFilter &filter);
    Result<std::optional<Instrument>> instrument(std::int64_t id);
    // The series of instrument `id` with their points in [fromNs, toNs], at most `maxPoints`
    // points in all (whole blocks, newest first, are read until the budget is spent): a decoded
    // point holds a few hundred bytes, so a read stays within a few hundred MB.
    static constexpr std::size_t MaxPointsRead = 1'000'000;
    Result<SeriesRead> series(std::int64_t id, std::uint64_t fromNs, std::uint64_t toNs,
                              std::size_t maxPoints = MaxPointsRead);
    // Exemplars of instrument `id` in [fromNs, toNs], newest first.
    Result<std::vector<StoredExemplar>> exemplars(std::int64_t id, std::uint64_t fromNs,
                                                  std::uint64_t toNs, std::size_t limit = 2000);

private:
    const Database &m_db;
    StringResolver &m_dictionary;
};

} // namespace spanscope::storage

#pragma once

// The writer's part for metrics (see writer/): instruments and series found or created with
// caches, points gathered per series during a transaction and written at its end as one block
// per series — appended to the series' open block while it is small — and exemplars rows.

#include "metricdata.h"

#include <database.h>
#include <valuecodec.h>
#include <writer/transactionerror.h>

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

namespace spanscope::storage {

class MetricWriter
{
public:
    // Series past this many in one instrument share its overflow series (attribute
    // otel.metric.overflow = true, as the SDKs do), and their points are counted.
    static constexpr std::int64_t MaxSeriesPerMetric = 2000;
    // A block takes points until it holds this many, or this many bytes (appending rewrites
    // the block, so a block stays small enough to rewrite at every commit); then a new one
    // starts.
    static constexpr std::int64_t MaxPointsPerBlock = 256;
    static constexpr std::size_t MaxBlockBytes = 2048;

    MetricWriter(Database &db, TransactionError &error, StringInterner &dictionary);

    std::string prepareError() const;
    void add(const ScopedMetrics &group, std::int64_t resourceId, std::int64_t scopeId);
    // Writes the transaction's blocks; returns the points that went to an overflow series.
    std::uint64_t flush();
    // After a rollback: ids handed out in it may not exist.
    void forget();

private:
    struct Pending
    {
        MetricKind kind = MetricKind::Gauge;
        std::string points;
        std::int64_t count = 0;
        std::uint64_t first = UINT64_MAX, last = 0;
    };
    struct OpenBlock
    {
        std::int64_t blockId = 0;
        std::string points;
        std::int64_t count = 0;
        std::uint64_t start = 0, end = 0, lastTime = 0;
        bool takesMore() const
        {
            return count < MaxPointsPerBlock && points.size() < MaxBlockBytes;
        }
    };
    struct MetricRow
    {
        std::int64_t id = 0;
        std::int64_t seriesCount = 0;
        std::int64_t overflowSeries = 0; // 0 until made
    };

    MetricRow &metricRow(const ScopedMetrics &group, const Metric &metric, std::int64_t resourceId,
                         std::int64_t scopeId);
    std::int64_t seriesId(MetricRow &metric, const Attributes &attributes);
    std::int64_t insertSeries(std::int64_t metricId, const std::string &fingerprint,
                              const Attributes &attributes, bool overflow);
    void addExemplars(std::int64_t series, const MetricPoint &point);
    void writeBlock(std::int64_t series, Pending &pending);

    Database &m_db;
    TransactionError &m_error;
    StringInterner &m_dictionary;
    Statement m_findMetric, m_insertMetric, m_updateSeriesCount, m_findSeries, m_insertSeries,
        m_insertBlock, m_updateBlock, m_insertExemplar;
    std::unordered_map<std::string, MetricRow> m_metrics; // by fingerprint
    std::unordered_map<std::string, std::int64_t> m_series; // by metric id + attributes
    std::map<std::int64_t, Pending> m_pending; // this transaction's points, by series
    std::unordered_map<std::int64_t, OpenBlock> m_open;
    std::size_t m_openBytes = 0;
    std::uint64_t m_overflowed = 0;
};

} // namespace spanscope::storage

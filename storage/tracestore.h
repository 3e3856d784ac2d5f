#pragma once

#include "attributefilter.h"
#include "attributequery.h"
#include "result.h"
#include "telemetry.h"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spanscope::storage {

class Database;
class DictionaryReader;
class MetricReader;
class ServiceReader;
class SpanSource;

// How many services a trace's summary lists; beyond them it says "and more".
inline constexpr std::size_t MaxSummaryServices = 64;
// Separates the services in traces.services: a control character, so a service named
// "billing,eu" stays one service (names holding it have it replaced by '?').
inline constexpr char ServiceSeparator = '\x1f';

struct TraceSummary
{
    std::int64_t key = 0; // arrival order
    TraceId traceId{};
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::int64_t spanCount = 0;
    std::int64_t errorCount = 0;
    std::int64_t logCount = 0;
    bool hasRoot = false; // false: the root span has not arrived (yet)
    std::string rootService;
    std::string rootName;
    // The trace's services, at most MaxSummaryServices of them (a hostile trace may name
    // thousands); moreServices says there are others.
    std::vector<std::string> services;
    bool moreServices = false;
    std::int64_t receivedNs = 0;
    bool pinned = false;
    std::string source;
    std::int64_t updatedSeq = 0; // the commit that last changed this summary
    std::int64_t durationNs() const { return endNs - startNs; }
};

// What a trace list is ordered by; ties are broken by arrival order in the same direction.
enum class TraceOrder { Start, Duration, Spans, Errors };

// The value a summary is ordered by under `order`.
std::int64_t sortValue(const TraceSummary &summary, TraceOrder order);

// Newest first unless `order` says otherwise. Every field narrows the result; empty fields do
// not filter.
struct TraceFilter
{
    std::string service;
    std::string spanName;
    bool errorsOnly = false;
    std::optional<std::int64_t> minDurationNs, maxDurationNs;
    std::optional<std::int64_t> startFromNs, startToNs;
    // Each clause is satisfied by some span of the trace (its own attributes or its resource's).
    std::vector<AttributeCondition> attributes;
    std::optional<TraceId> traceId;
    std::string source; // traces imported from this file
    int limit = 100;
    TraceOrder order = TraceOrder::Start;
    bool descending = true;
    // Keyset paging: continue after the last summary of the previous page.
    std::optional<std::pair<std::int64_t, std::int64_t>> after; // (sortValue, key)
    // Live updates: traces changed after (updatedSeq, key), oldest change first. One commit can
    // touch many traces, so the key continues within a commit when the limit cuts it.
    std::optional<std::pair<std::int64_t, std::int64_t>> changedAfter; // (updatedSeq, key)
};

// Whether the filter leaves any stored trace out (order and paging aside).
bool narrows(const TraceFilter &filter);

struct StoredSpan
{
    Span span;
    int resource = 0; // index into TraceData::resources
    int scope = 0; // index into TraceData::scopes
};

struct TraceData
{
    TraceSummary summary;
    std::vector<Resource> resources;
    std::vector<Scope> scopes;
    std::vector<StoredSpan> spans; // in start order
};

struct StoredLog
{
    std::int64_t key = 0;
    LogRecord record;
    int resource = 0;
    int scope = 0;
    std::string spanName; // the name of the stored span it belongs to, if any
    // The record had no time of its own; it was placed at the end of its span.
    bool timeEstimated = false;
};

// Newest first is arrival order, newest at the top: what a live log view shows and what the
// text index can page through without sorting. By time (oldest first) is the story of one
// trace; newest by time is the global list by record time, arrival breaking ties.
enum class LogOrder { NewestFirst, OldestFirst, ByTime, NewestByTime };

struct LogFilter
{
    std::optional<TraceId> traceId;
    std::optional<SpanId> spanId;
    int minSeverity = 0;
    std::string service;
    // Text the body contains, anywhere, ignoring ASCII case ("ed for" finds "failed for").
    std::string text;
    // Words of the body, each matched at the start of a word ("charge fail" finds "charge
    // failed" and "failing charge", not "recharge").
    std::string words;
    std::optional<std::int64_t> fromNs, toNs;
    // Each clause is satisfied by the record's attributes or its resource's.
    std::vector<AttributeCondition> attributes;
    int limit = 200;
    LogOrder order = LogOrder::NewestFirst;
    // Paging and live updates in arrival order: continue after this record (StoredLog::key).
    // Not used by the orders by time.
    std::optional<std::int64_t> afterKey;
};

// The trigram index's query for the filter's text and words (the parts of three characters or
// more, all required); empty when the index cannot narrow the search.
std::string logTextQuery(const LogFilter &filter);

struct LogPage
{
    std::vector<Resource> resources;
    std::vector<Scope> scopes;
    std::vector<StoredLog> logs; // newest first
};

struct Operation
{
    std::string service;
    std::string name;
    SpanKind kind = SpanKind::Unspecified;
};

struct StoreStatistics
{
    std::map<std::string, std::uint64_t>
        counters; // accepted/refused/rejected per signal, evictions
    std::int64_t traces = 0;
    std::int64_t spans = 0;
    std::int64_t logs = 0;
    std::int64_t usedBytes = 0;
    std::int64_t fileBytes = 0;
};

// Read-only queries on a connection of its own. Use one TraceStore per thread.
class TraceStore
{
public:
    static Result<std::unique_ptr<TraceStore>> open(const std::string &path);
    ~TraceStore();

    Result<std::vector<TraceSummary>> findTraces(const TraceFilter &filter);
    // The whole trace in memory; null when it is not stored.
    Result<std::optional<TraceData>> loadTrace(const TraceId &traceId);
    // The trace to read span by span (see SpanSource), valid while this store lives; null when
    // it is not stored. What a huge trace is written from.
    Result<std::unique_ptr<SpanSource>> openTrace(const TraceId &traceId);
    Result<LogPage> findLogs(const LogFilter &filter);
    Result<std::vector<std::string>> services();
    // The files stored traces were imported from.
    Result<std::vector<std::string>> sources();
    Result<std::vector<Operation>> operations(const std::string &service = {});
    // For completing attribute filters: keys seen lately, and the values a key takes.
    Result<std::vector<std::string>> attributeKeys(AttributeSource source);
    Result<std::vector<std::string>> attributeValues(AttributeSource source,
                                                     const std::string &key);
    Result<StoreStatistics> statistics();
    // The newest commit number in traces.updated_seq (0 for an empty store).
    Result<std::int64_t> latestUpdateSeq();
    // Stored metrics, read on this store's connection.
    MetricReader &metrics();
    // RED metrics and the service map from stored spans, on this store's connection.
    ServiceReader &serviceReader();

private:
    explicit TraceStore(std::unique_ptr<Database> db);
    struct SummaryAndBase
    {
        TraceSummary summary;
        std::int64_t baseNs = 0; // what span offsets count from
    };
    // The trace's summary row; nothing when it is not stored.
    Result<std::optional<SummaryAndBase>> summaryOf(const TraceId &traceId);
    std::optional<std::uint64_t> stringId(const std::string &text);
    bool loadResource(std::int64_t id, Resource &out);
    bool loadScope(std::int64_t id, Scope &out);
    // The first column of every row of `sql`, as text.
    Result<std::vector<std::string>> firstColumn(const char *sql, const char *what);

    std::unique_ptr<Database> m_db;
    std::unique_ptr<DictionaryReader> m_dictionary;
    std::unique_ptr<MetricReader> m_metrics;
    std::unique_ptr<ServiceReader> m_serviceReader;
};

} // namespace spanscope::storage

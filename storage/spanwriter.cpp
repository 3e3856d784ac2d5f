#include "spanwriter.h"

#include "counters.h"
#include "database.h"
#include "metrics/metricwriter.h"
#include "valuecodec.h"
#include "writer/dictionary.h"
#include "writer/logtextindex.h"
#include "writer/retention.h"
#include "writer/tracesummaries.h"

#include <QLoggingCategory>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <variant>

Q_LOGGING_CATEGORY(lcWriter, "spanscope.storage.writer", QtWarningMsg)

namespace spanscope::storage {

const char *toString(Signal signal)
{
    switch (signal) {
    case Signal::Traces:
        return "traces";
    case Signal::Logs:
        return "logs";
    case Signal::Metrics:
        return "metrics";
    }
    return "traces";
}

namespace {

constexpr std::size_t MaxJobsPerTransaction = 512;
constexpr std::size_t MaxItemsPerTransaction = 200'000;
constexpr std::size_t MaxCachedOperations = 500'000;
constexpr std::size_t MaxCachedTraces = 200'000;
constexpr std::size_t MaxRememberedRejections = 50;
constexpr auto MaintenanceInterval = std::chrono::seconds(2);

std::int64_t nowNanos()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The memory a decoded batch holds while it waits; close enough to bound the queue.
std::size_t approximateBytes(const TraceBatch &batch)
{
    std::size_t n = 0;
    for (const ScopedSpans &group : batch.groups) {
        n += 256 + approximateBytes(group.resource.attributes);
        for (const Span &span : group.spans)
            n += approximateBytes(span);
    }
    return n;
}

std::size_t approximateBytes(const MetricBatch &batch)
{
    std::size_t n = 0;
    for (const ScopedMetrics &group : batch.groups) {
        n += 256 + approximateBytes(group.resource.attributes);
        for (const Metric &metric : group.metrics) {
            n += sizeof(Metric) + metric.name.size() + metric.description.size();
            for (const MetricPoint &point : metric.points)
                n += approximateBytes(point);
        }
    }
    return n;
}

std::size_t itemCount(const std::variant<TraceBatch, LogBatch, MetricBatch> &batch)
{
    if (const auto *traces = std::get_if<TraceBatch>(&batch))
        return traces->spanCount();
    if (const auto *logs = std::get_if<LogBatch>(&batch))
        return logs->recordCount();
    return std::get<MetricBatch>(batch).pointCount();
}

Signal signalOf(const std::variant<TraceBatch, LogBatch, MetricBatch> &batch)
{
    return static_cast<Signal>(batch.index()); // the variant's order is Signal's
}

std::size_t approximateBytes(const LogBatch &batch)
{
    std::size_t n = 0;
    for (const ScopedLogs &group : batch.groups) {
        n += 256 + approximateBytes(group.resource.attributes);
        for (const LogRecord &record : group.records) {
            n += sizeof(LogRecord) + record.severityText.size()
                + approximateBytes(record.attributes);
            if (const auto *text = std::get_if<std::string>(&record.body.value))
                n += text->size();
        }
    }
    return n;
}

// Mixes both halves: ids are not guaranteed random in either (64-bit ids leave the high half
// zero, some generators put a timestamp first).
struct TraceIdHash
{
    std::size_t operator()(const TraceId &id) const
    {
        std::uint64_t hi, lo;
        std::memcpy(&hi, id.data(), sizeof hi);
        std::memcpy(&lo, id.data() + 8, sizeof lo);
        return static_cast<std::size_t>((hi * 0x9E3779B97F4A7C15ull) ^ lo ^ (lo >> 29));
    }
};

} // namespace

struct SpanWriter::Job
{
    std::variant<TraceBatch, LogBatch, MetricBatch> batch; // in Signal's order
    std::size_t bytes = 0;
    std::promise<WriteOutcome> done;
};

// The writer thread's state: its connection, and the parts each transaction goes through —
// the dictionary, the resource/scope/trace-row catalogue with its caches, the span and log
// rows, the log-text index, the per-trace summaries — and retention between commits.
class SpanWriter::Session final
{
public:
    explicit Session(std::unique_ptr<Database> db)
        : m_db(std::move(db))
        , m_error(*m_db)
        , m_dictionary(*m_db, m_error)
        , m_logText(*m_db, m_error)
        , m_summaries(*m_db, m_error)
        , m_retention(*m_db)
        , m_metrics(*m_db, m_error, m_dictionary)
        , m_findResource(*m_db, "SELECT resource_id FROM resources WHERE fingerprint = ?")
        , m_insertResource(*m_db,
                           "INSERT INTO resources(fingerprint, service_name, attributes, "
                           "dropped_attributes, schema_url) VALUES (?,?,?,?,?)")
        , m_findScope(*m_db, "SELECT scope_id FROM scopes WHERE fingerprint = ?")
        , m_insertScope(*m_db,
                        "INSERT INTO scopes(fingerprint, name, version, attributes, "
                        "dropped_attributes, schema_url) VALUES (?,?,?,?,?,?)")
        , m_findTrace(*m_db, "SELECT trace_key, base_ns FROM traces WHERE trace_id = ?")
        , m_insertTrace(*m_db,
                        "INSERT INTO traces(trace_id, base_ns, start_ns, end_ns, span_count, "
                        "error_count, log_count, has_root, root_service, root_name, "
                        "services, received_ns, updated_seq, source) "
                        "VALUES (?,?,0,0,0,0,0,0,'','','',?,0,?)")
        , m_insertSpan(*m_db,
                       "INSERT OR IGNORE INTO spans(trace_key, span_id, parent_span_id, name_id, "
                       "kind, start_offset_ns, duration_ns, status_code, status_message, flags, "
                       "trace_state, resource_id, scope_id, attributes, events, links, "
                       "dropped_attributes, dropped_events, dropped_links) "
                       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        , m_insertLog(*m_db,
                      "INSERT INTO logs(trace_key, span_id, time_ns, observed_ns, "
                      "severity_number, severity_text, body, attributes, "
                      "dropped_attributes, flags, event_name, resource_id, scope_id, "
                      "time_estimated, service_guessed) "
                      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
        , m_insertOperation(*m_db,
                            "INSERT OR IGNORE INTO operations(service_name, span_name, "
                            "kind) VALUES (?,?,?)")
        , m_addCounter(*m_db,
                       "INSERT INTO counters(name, value) VALUES (?, ?) "
                       "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value")
    {
        Statement last(*m_db, "SELECT coalesce(max(updated_seq), 0) FROM traces");
        if (last.next())
            m_commitSeq = last.integer(0);
    }

    Result<bool> indexStoredLogText() { return m_logText.indexStored(); }

    // Returns the first statement that could not be prepared, if any, as an error sentence.
    std::string prepareError() const
    {
        for (const std::string &error : {m_dictionary.prepareError(), m_logText.prepareError(),
                                         m_summaries.prepareError(), m_metrics.prepareError()}) {
            if (!error.empty())
                return error;
        }
        for (const Statement *statement :
             {&m_findResource, &m_insertResource, &m_findScope, &m_insertScope, &m_findTrace,
              &m_insertTrace, &m_insertSpan, &m_insertLog, &m_insertOperation, &m_addCounter}) {
            if (!statement->prepared())
                return statement->prepareError();
        }
        return {};
    }

    // Writes the jobs and counters in one transaction. On failure nothing is kept.
    WriteOutcome commit(std::vector<std::unique_ptr<Job>> &jobs,
                        std::map<std::string, std::uint64_t> &counters)
    {
        if (auto begin = m_db->exec("BEGIN IMMEDIATE"); !begin)
            return failed(begin.error());
        m_error.clear();
        for (const auto &job : jobs) {
            if (const auto *traces = std::get_if<TraceBatch>(&job->batch)) {
                writeTraces(*traces);
                counters[counters::SpansAccepted] += traces->spanCount();
            } else if (const auto *logs = std::get_if<LogBatch>(&job->batch)) {
                writeLogs(*logs);
                counters[counters::LogRecordsAccepted] += logs->recordCount();
            } else {
                const auto &metrics = std::get<MetricBatch>(job->batch);
                for (const ScopedMetrics &group : metrics.groups)
                    m_metrics.add(group, resourceId(group.resource), scopeId(group.scope));
                counters[counters::MetricPointsAccepted] += metrics.pointCount();
            }
            if (m_error.failed())
                break;
        }
        ++m_commitSeq;
        if (!m_error.failed()) {
            m_summaries.flush(m_commitSeq);
            if (const std::uint64_t overflowed = m_metrics.flush(); overflowed > 0)
                counters[counters::MetricPointsOverflowed] += overflowed;
        }
        if (m_duplicates > 0) {
            counters[counters::SpansDuplicated] += m_duplicates;
            m_duplicates = 0;
        }
        for (const auto &[name, delta] : counters) {
            if (!m_error.failed())
                m_error.check(m_addCounter.bindText(1, name).bind(2, delta).run());
        }
        if (!m_error.failed()) {
            if (auto done = m_db->exec("COMMIT"); done)
                return {};
            else
                m_error.set(done.error());
        }
        m_db->exec("ROLLBACK");
        return failed(m_error.what());
    }

    void checkpointIfLarge(std::int64_t budgetBytes) { m_retention.checkpointIfLarge(budgetBytes); }

    std::int64_t commitSeq() const { return m_commitSeq; }

    // True when it evicted any traces.
    bool enforceRetention(std::int64_t budgetBytes)
    {
        if (!m_retention.enforce(budgetBytes))
            return false;
        m_traceKeys.clear(); // evicted rows may be among them
        m_metrics.forget(); // and open metric blocks
        return true;
    }

private:
    struct TraceRow
    {
        std::int64_t key = 0;
        std::int64_t base = 0; // span starts are stored relative to this
    };

    WriteOutcome failed(const std::string &error)
    {
        // The rolled-back transaction may have handed out ids that no longer exist.
        m_dictionary.forget();
        m_resources.clear();
        m_scopes.clear();
        m_traceKeys.clear();
        m_operations.clear();
        m_summaries.forget();
        m_metrics.forget();
        m_duplicates = 0;
        return {WriteOutcome::Status::Failed, "The database could not be written: " + error};
    }

    std::int64_t sqlite3LastRowId() { return sqlite3_last_insert_rowid(m_db->handle()); }

    std::int64_t resourceId(const Resource &resource)
    {
        std::string fingerprint = resourceFingerprint(resource);
        if (auto it = m_resources.find(fingerprint); it != m_resources.end())
            return it->second;
        std::string attrs;
        encodeAttributes(resource.attributes, m_dictionary, attrs);
        std::int64_t id = 0;
        if (m_findResource.bindBlob(1, fingerprint).next())
            id = m_findResource.integer(0);
        m_findResource.reset();
        if (id == 0) {
            m_error.check(m_insertResource.bindBlob(1, fingerprint)
                              .bindText(2, resource.serviceName())
                              .bindBlob(3, attrs)
                              .bind(4, resource.droppedAttributesCount)
                              .bindText(5, resource.schemaUrl)
                              .run());
            id = sqlite3LastRowId();
        }
        m_resources.emplace(std::move(fingerprint), id);
        return id;
    }

    std::int64_t scopeId(const Scope &scope)
    {
        std::string fingerprint = scopeFingerprint(scope);
        if (auto it = m_scopes.find(fingerprint); it != m_scopes.end())
            return it->second;
        std::string attrs;
        encodeAttributes(scope.attributes, m_dictionary, attrs);
        std::int64_t id = 0;
        if (m_findScope.bindBlob(1, fingerprint).next())
            id = m_findScope.integer(0);
        m_findScope.reset();
        if (id == 0) {
            m_error.check(m_insertScope.bindBlob(1, fingerprint)
                              .bindText(2, scope.name)
                              .bindText(3, scope.version)
                              .bindBlob(4, attrs)
                              .bind(5, scope.droppedAttributesCount)
                              .bindText(6, scope.schemaUrl)
                              .run());
            id = sqlite3LastRowId();
        }
        m_scopes.emplace(std::move(fingerprint), id);
        return id;
    }

    // The trace's row, created on first sight with `time` as its base.
    TraceRow traceRow(const TraceId &traceId, std::int64_t time, const std::string &source = {})
    {
        if (auto it = m_traceKeys.find(traceId); it != m_traceKeys.end())
            return it->second;
        if (m_traceKeys.size() > MaxCachedTraces)
            m_traceKeys.clear();
        TraceRow row;
        if (m_findTrace.bindBlob(1, traceId.data(), traceId.size()).next())
            row = {m_findTrace.integer(0), m_findTrace.integer(1)};
        m_findTrace.reset();
        if (row.key == 0) {
            m_error.check(m_insertTrace.bindBlob(1, traceId.data(), traceId.size())
                              .bind(2, time)
                              .bind(3, nowNanos())
                              .bindText(4, source)
                              .run());
            row = {sqlite3LastRowId(), time};
            m_summaries.markNew(row.key);
        }
        m_traceKeys.emplace(traceId, row);
        return row;
    }

    void noteOperation(const std::string &service, const std::string &name, SpanKind kind)
    {
        auto entry = std::make_tuple(service, name, static_cast<int>(kind));
        if (m_operations.size() > MaxCachedOperations)
            m_operations.clear();
        if (m_operations.insert(entry).second)
            m_error.check(m_insertOperation.bindText(1, service)
                              .bindText(2, name)
                              .bind(3, static_cast<int>(kind))
                              .run());
    }

    void writeTraces(const TraceBatch &batch)
    {
        std::string attrs, events, links;
        for (const ScopedSpans &group : batch.groups) {
            const std::int64_t resource = resourceId(group.resource);
            const std::int64_t scope = scopeId(group.scope);
            const std::string service = group.resource.serviceName();
            const std::string listed = TraceSummaries::listedName(service);
            for (const Span &span : group.spans) {
                const TraceRow trace = traceRow(
                    span.traceId, static_cast<std::int64_t>(span.startUnixNano), batch.source);
                attrs.clear();
                events.clear();
                links.clear();
                encodeAttributes(span.attributes, m_dictionary, attrs);
                if (!span.events.empty())
                    encodeEvents(span.events, span.startUnixNano, m_dictionary, events);
                if (!span.links.empty())
                    encodeLinks(span.links, m_dictionary, links);
                const auto start = static_cast<std::int64_t>(span.startUnixNano);
                // A span that ends before it starts is stored with zero duration.
                const auto end = std::max(start, static_cast<std::int64_t>(span.endUnixNano));
                m_insertSpan.bind(1, trace.key).bindBlob(2, span.spanId.data(), span.spanId.size());
                if (span.isRoot())
                    m_insertSpan.bindNull(3);
                else
                    m_insertSpan.bindBlob(3, span.parentSpanId.data(), span.parentSpanId.size());
                m_insertSpan.bind(4, m_dictionary.internKey(span.name))
                    .bind(5, static_cast<int>(span.kind))
                    .bind(6, start - trace.base)
                    .bind(7, end - start)
                    .bind(8, static_cast<int>(span.statusCode));
                if (span.statusMessage.empty())
                    m_insertSpan.bindNull(9);
                else
                    m_insertSpan.bindText(9, span.statusMessage);
                m_insertSpan.bind(10, span.flags);
                if (span.traceState.empty())
                    m_insertSpan.bindNull(11);
                else
                    m_insertSpan.bindText(11, span.traceState);
                m_insertSpan.bind(12, resource)
                    .bind(13, scope)
                    .bindBlob(14, attrs)
                    .bindBlob(15, events)
                    .bindBlob(16, links)
                    .bind(17, span.droppedAttributesCount)
                    .bind(18, span.droppedEventsCount)
                    .bind(19, span.droppedLinksCount);
                m_error.check(m_insertSpan.run());
                if (sqlite3_changes(m_db->handle()) == 0) {
                    ++m_duplicates; // the same span again, from a retried export
                    continue;
                }
                noteOperation(service, span.name, span.kind);
                m_summaries.addSpan(trace.key, span, start, end, service, listed);
            }
        }
    }

    void writeLogs(const LogBatch &batch)
    {
        std::string body, attrs;
        for (const ScopedLogs &group : batch.groups) {
            const std::int64_t resource = resourceId(group.resource);
            const std::int64_t scope = scopeId(group.scope);
            const bool serviceGuessed
                = std::any_of(group.resource.attributes.begin(), group.resource.attributes.end(),
                              [](const KeyValue &kv) { return kv.key == ServiceGuessedAttribute; });
            for (const LogRecord &record : group.records) {
                body.clear();
                attrs.clear();
                encodeAnyValue(record.body, m_dictionary, body);
                encodeAttributes(record.attributes, m_dictionary, attrs);
                // A record with one timestamp is placed at the time it was observed.
                const std::uint64_t time
                    = record.timeUnixNano ? record.timeUnixNano : record.observedTimeUnixNano;
                if (isValid(record.traceId)) {
                    const std::int64_t key
                        = traceRow(record.traceId, static_cast<std::int64_t>(time)).key;
                    m_summaries.addLog(key);
                    m_insertLog.bind(1, key);
                } else {
                    m_insertLog.bindNull(1);
                }
                if (isValid(record.spanId))
                    m_insertLog.bindBlob(2, record.spanId.data(), record.spanId.size());
                else
                    m_insertLog.bindNull(2);
                m_insertLog.bind(3, time)
                    .bind(4, record.observedTimeUnixNano)
                    .bind(5, record.severityNumber)
                    .bindText(6, record.severityText)
                    .bindBlob(7, body)
                    .bindBlob(8, attrs)
                    .bind(9, record.droppedAttributesCount)
                    .bind(10, record.flags)
                    .bindText(11, record.eventName)
                    .bind(12, resource)
                    .bind(13, scope);
                // A linked record without a time, or with a guessed service, waits for its span
                // (the summaries place it once the span is stored, maybe in this commit).
                const bool linked = isValid(record.traceId) && isValid(record.spanId);
                m_insertLog.bind(14, linked && record.timeUnixNano == 0 ? 2 : 0)
                    .bind(15, linked && serviceGuessed ? 1 : 0);
                m_error.check(m_insertLog.run());
                m_logText.add(sqlite3LastRowId(), record.body);
            }
        }
    }

    std::unique_ptr<Database> m_db;
    TransactionError m_error;
    Dictionary m_dictionary;
    LogTextIndex m_logText;
    TraceSummaries m_summaries;
    Retention m_retention;
    MetricWriter m_metrics;
    Statement m_findResource, m_insertResource, m_findScope, m_insertScope, m_findTrace,
        m_insertTrace, m_insertSpan, m_insertLog, m_insertOperation, m_addCounter;
    std::uint64_t m_duplicates = 0;
    std::int64_t m_commitSeq = 0; // numbers commits for traces.updated_seq
    std::unordered_map<std::string, std::int64_t> m_resources, m_scopes;
    std::unordered_map<TraceId, TraceRow, TraceIdHash> m_traceKeys;
    std::set<std::tuple<std::string, std::string, int>> m_operations;
};

Result<std::unique_ptr<SpanWriter>> SpanWriter::open(const std::string &path, WriterOptions options)
{
    auto db = Database::open(path, Database::Mode::ReadWrite);
    if (!db)
        return Error{db.error()};
    // One writer per file: a second Spanscope writing the same database would evict and count
    // behind the first one's back. flock is separate from SQLite's own (fcntl) locks.
    const int lockFd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (lockFd < 0 || ::flock(lockFd, LOCK_EX | LOCK_NB) != 0) {
        if (lockFd >= 0)
            ::close(lockFd);
        return Error{"The database " + path
                     + " is in use by another Spanscope (a window, `spanscope serve`, an import or "
                       "`logs ingest --db`). Stop it, or choose another file with --db."};
    }
    auto session = std::make_unique<Session>(std::move(*db));
    const auto failed = [lockFd](std::string message) {
        ::close(lockFd);
        return Error{std::move(message)};
    };
    if (const std::string error = session->prepareError(); !error.empty())
        return failed("The database " + path + " cannot be used: " + error);
    if (auto indexed = session->indexStoredLogText(); !indexed)
        return failed("The database " + path + " cannot be upgraded: " + indexed.error());
    return std::unique_ptr<SpanWriter>(new SpanWriter(std::move(session), path, options, lockFd));
}

SpanWriter::SpanWriter(std::unique_ptr<Session> session, std::string path, WriterOptions options,
                       int lockFd)
    : m_path(std::move(path))
    , m_lockFd(lockFd)
    , m_options(options)
    , m_retentionBytes(options.retentionBytes)
    , m_session(std::move(session))
{
    m_thread = std::thread([this] { run(); });
}

SpanWriter::~SpanWriter()
{
    shutdown();
}

void SpanWriter::shutdown()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    m_session.reset();
    if (m_lockFd >= 0) {
        ::close(m_lockFd); // releases the file for the next writer
        m_lockFd = -1;
    }
}

WriteOutcome SpanWriter::writeTraces(TraceBatch batch)
{
    auto job = std::make_unique<Job>();
    job->bytes = approximateBytes(batch);
    job->batch = std::move(batch);
    return enqueue(std::move(job));
}

WriteOutcome SpanWriter::writeLogs(LogBatch batch)
{
    auto job = std::make_unique<Job>();
    job->bytes = approximateBytes(batch);
    job->batch = std::move(batch);
    return enqueue(std::move(job));
}

WriteOutcome SpanWriter::writeMetrics(MetricBatch batch)
{
    auto job = std::make_unique<Job>();
    job->bytes = approximateBytes(batch);
    job->batch = std::move(batch);
    return enqueue(std::move(job));
}

WriteOutcome SpanWriter::enqueue(std::unique_ptr<Job> job)
{
    const std::size_t items = itemCount(job->batch);
    const std::string refused = counters::refused(signalOf(job->batch));
    std::future<WriteOutcome> done = job->done.get_future();
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            m_pendingCounters[refused] += items;
            return {WriteOutcome::Status::Closed, "Spanscope is shutting down."};
        }
        // Answered as a storage failure, never acknowledged into a file nobody can open again.
        if (!m_fileProblem.empty()) {
            m_pendingCounters[refused] += items;
            return {WriteOutcome::Status::Failed, m_fileProblem};
        }
        // An empty queue takes any single batch, so one large request is never refused forever.
        if (!m_queue.empty() && m_queuedBytes + job->bytes > m_options.queueByteBudget) {
            m_pendingCounters[refused] += items;
            return {WriteOutcome::Status::Busy, "The ingest queue is full; retry shortly."};
        }
        m_queuedBytes += job->bytes;
        m_queue.push_back(std::move(job));
    }
    m_wake.notify_one();
    WriteOutcome outcome = done.get();
    if (!outcome.committed()) {
        std::lock_guard lock(m_mutex);
        m_pendingCounters[refused] += items;
    }
    return outcome;
}

void SpanWriter::count(Signal signal, Tally what, std::uint64_t items)
{
    addCounter(counters::tally(signal, what), items);
}

void SpanWriter::countRejectedRequest(Signal signal, const std::string &reason)
{
    std::lock_guard lock(m_mutex);
    m_pendingCounters[counters::rejectedRequests(signal)] += 1;
    m_rejections.push_back(std::string(toString(signal)) + ": " + reason);
    if (m_rejections.size() > MaxRememberedRejections)
        m_rejections.pop_front();
}

std::deque<std::string> SpanWriter::recentRejections() const
{
    std::lock_guard lock(m_mutex);
    return m_rejections;
}

void SpanWriter::addCounter(const std::string &name, std::uint64_t delta)
{
    if (delta == 0)
        return;
    std::lock_guard lock(m_mutex);
    m_pendingCounters[name] += delta;
}

std::string SpanWriter::storageProblem() const
{
    std::lock_guard lock(m_mutex);
    return m_storageProblem;
}

void SpanWriter::reportFailure(const std::string &error)
{
    // A failing disk fails every commit; one line per distinct error and minute is enough.
    const auto now = std::chrono::steady_clock::now();
    ++m_failuresSinceReport;
    if (error == m_lastFailure && now - m_lastFailureReport < std::chrono::minutes(1))
        return;
    qCWarning(lcWriter).noquote()
        << QString::fromStdString(error)
        << QStringLiteral("(%1 failed commits since the last report)").arg(m_failuresSinceReport);
    m_lastFailure = error;
    m_lastFailureReport = now;
    m_failuresSinceReport = 0;
}

bool SpanWriter::fileIsStillThere() const
{
    struct stat open
    {
    }, named{};
    if (::fstat(m_lockFd, &open) != 0 || open.st_nlink == 0)
        return false;
    return ::stat(m_path.c_str(), &named) == 0 && named.st_ino == open.st_ino
        && named.st_dev == open.st_dev;
}

void SpanWriter::setCommitListener(std::function<void(std::int64_t)> listener)
{
    // Held while the listener runs too: once this returns, the old listener is not running
    // and never will be, so its owner may go.
    std::lock_guard lock(m_listenerMutex);
    m_commitListener = std::move(listener);
}

void SpanWriter::notifyCommitted()
{
    std::lock_guard lock(m_listenerMutex);
    if (m_commitListener)
        m_commitListener(m_session->commitSeq());
}

void SpanWriter::run()
{
    auto nextMaintenance = std::chrono::steady_clock::now();
    for (;;) {
        std::vector<std::unique_ptr<Job>> jobs;
        std::map<std::string, std::uint64_t> counters;
        std::size_t bytes = 0;
        bool stop = false;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, MaintenanceInterval,
                            [this] { return !m_queue.empty() || m_stopping; });
            std::size_t items = 0;
            while (!m_queue.empty() && jobs.size() < MaxJobsPerTransaction
                   && items < MaxItemsPerTransaction) {
                auto &job = m_queue.front();
                items += itemCount(job->batch);
                bytes += job->bytes;
                jobs.push_back(std::move(job));
                m_queue.pop_front();
            }
            counters.swap(m_pendingCounters);
            stop = m_stopping && m_queue.empty();
        }
        if (!jobs.empty() || !counters.empty()) {
            const WriteOutcome outcome = m_session->commit(jobs, counters);
            // Only stored data proves storing works again: a commit of counters alone may fit
            // on a full disk.
            if (!outcome.committed() || !jobs.empty()) {
                std::lock_guard lock(m_mutex);
                m_storageProblem = outcome.committed() ? std::string() : outcome.error;
            }
            if (!outcome.committed()) {
                reportFailure(outcome.error);
                std::lock_guard lock(m_mutex);
                // Counters describe what happened, so they are kept for the next commit.
                for (const auto &[name, delta] : counters) {
                    if (name != counters::SpansAccepted && name != counters::LogRecordsAccepted
                        && name != counters::MetricPointsAccepted)
                        m_pendingCounters[name] += delta;
                }
            }
            for (auto &job : jobs)
                job->done.set_value(outcome);
            {
                std::lock_guard lock(m_mutex);
                m_queuedBytes -= bytes;
            }
            m_session->checkpointIfLarge(m_retentionBytes);
            if (outcome.committed())
                notifyCommitted();
        }
        if (std::chrono::steady_clock::now() >= nextMaintenance || stop) {
            if (!fileIsStillThere()) {
                std::lock_guard lock(m_mutex);
                if (m_fileProblem.empty())
                    qCWarning(lcWriter) << "the database file is gone:" << m_path.c_str();
                m_fileProblem = "The database file " + m_path
                    + " was deleted or replaced while Spanscope was writing it; nothing more is "
                      "stored. Restart Spanscope to start a new one.";
                m_storageProblem = m_fileProblem;
            }
            if (m_session->enforceRetention(m_retentionBytes))
                notifyCommitted();
            nextMaintenance = std::chrono::steady_clock::now() + MaintenanceInterval;
        }
        if (stop)
            break;
    }
}

} // namespace spanscope::storage

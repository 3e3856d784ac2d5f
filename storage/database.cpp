#include "database.h"

#include "dictionaryreader.h"
#include "valuecodec.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>

namespace spanscope::storage {

namespace {

// 'SPSC': marks the file as ours so a foreign SQLite file is never migrated.
constexpr int ApplicationId = 0x53505343;

// Schema 5: stored resources and scopes were found by their storage encoding, which differs
// with what the dictionary had seen, so one resource could be stored twice. Rows are merged by
// their canonical fingerprint and what pointed at a duplicate points at the row kept.
Result<bool> mergeByCanonicalFingerprint(Database &db, bool resources)
{
    const std::string table = resources ? "resources" : "scopes";
    const std::string id = resources ? "resource_id" : "scope_id";
    DictionaryReader dictionary(db);
    Statement rows(db,
                   resources ? "SELECT resource_id, attributes, dropped_attributes, schema_url "
                               "FROM resources ORDER BY resource_id"
                             : "SELECT scope_id, attributes, dropped_attributes, schema_url, "
                               "name, version FROM scopes ORDER BY scope_id");
    std::map<std::string, std::int64_t> kept;
    std::vector<std::pair<std::int64_t, std::int64_t>> duplicates; // (row, the row it repeats)
    std::vector<std::pair<std::int64_t, std::string>> fingerprints;
    while (rows.next()) {
        const std::int64_t row = rows.integer(0);
        Attributes attributes;
        std::string fingerprint;
        if (!decodeAttributes(rows.blob(1), dictionary, attributes)) {
            fingerprint = "damaged " + std::to_string(row); // kept apart, never merged
        } else if (resources) {
            Resource resource{std::move(attributes), static_cast<std::uint32_t>(rows.integer(2)),
                              std::string(rows.text(3))};
            fingerprint = resourceFingerprint(resource);
        } else {
            Scope scope;
            scope.attributes = std::move(attributes);
            scope.droppedAttributesCount = static_cast<std::uint32_t>(rows.integer(2));
            scope.schemaUrl = std::string(rows.text(3));
            scope.name = std::string(rows.text(4));
            scope.version = std::string(rows.text(5));
            fingerprint = scopeFingerprint(scope);
        }
        if (auto [it, fresh] = kept.emplace(fingerprint, row); !fresh)
            duplicates.emplace_back(row, it->second);
        else
            fingerprints.emplace_back(row, std::move(fingerprint));
    }
    if (!rows.ok())
        return Error{db.lastError()};
    rows.reset();
    if (auto made
        = db.exec("CREATE TEMP TABLE merged(old INTEGER PRIMARY KEY, new INTEGER NOT NULL)");
        !made)
        return made;
    Statement remember(db, "INSERT INTO merged(old, new) VALUES (?, ?)");
    for (const auto &[row, into] : duplicates) {
        if (!remember.bind(1, row).bind(2, into).run())
            return Error{db.lastError()};
    }
    const std::string repoint = " SET " + id + " = (SELECT new FROM merged WHERE old = " + id
        + ") WHERE " + id + " IN (SELECT old FROM merged);";
    if (auto done = db.exec("UPDATE spans" + repoint + "UPDATE logs" + repoint + "DELETE FROM "
                            + table + " WHERE " + id
                            + " IN (SELECT old FROM merged);"
                              "DROP TABLE merged;"
                              "UPDATE "
                            + table + " SET fingerprint = CAST('old ' || " + id + " AS BLOB);");
        !done)
        return done;
    Statement update(db, "UPDATE " + table + " SET fingerprint = ? WHERE " + id + " = ?");
    for (const auto &[row, fingerprint] : fingerprints) {
        if (!update.bindBlob(1, fingerprint).bind(2, row).run())
            return Error{db.lastError()};
    }
    return true;
}

Result<bool> mergeDuplicateResourcesAndScopes(Database &db)
{
    if (auto merged = mergeByCanonicalFingerprint(db, true); !merged)
        return merged;
    return mergeByCanonicalFingerprint(db, false);
}

struct Migration
{
    const char *sql;
    Result<bool> (*then)(Database &) = nullptr; // a step SQL alone cannot do
};

// Each entry upgrades the schema from version i to i + 1, inside one transaction.
// Traces are keyed by an arrival-ordered integer; the random 16-byte id lives once, in `traces`.
// Spans are clustered by that key (no separate index), so a trace reads as one range and a span
// that a retry delivers twice is stored once. Span starts are kept relative to the trace's fixed
// `base_ns` (the first time seen for it), which takes 3-4 bytes instead of 8. `updated_seq` is the
// commit that last changed a trace's summary, so live views can ask what changed since.
const Migration Migrations[] = {
    {R"sql(
CREATE TABLE strings(id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
CREATE TABLE resources(
    resource_id INTEGER PRIMARY KEY,
    fingerprint BLOB NOT NULL UNIQUE,
    service_name TEXT NOT NULL,
    attributes BLOB,
    dropped_attributes INTEGER NOT NULL,
    schema_url TEXT NOT NULL);
CREATE TABLE scopes(
    scope_id INTEGER PRIMARY KEY,
    fingerprint BLOB NOT NULL UNIQUE,
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    attributes BLOB,
    dropped_attributes INTEGER NOT NULL,
    schema_url TEXT NOT NULL);
CREATE TABLE traces(
    trace_key INTEGER PRIMARY KEY,
    trace_id BLOB NOT NULL UNIQUE,
    base_ns INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    span_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    log_count INTEGER NOT NULL,
    has_root INTEGER NOT NULL,
    root_service TEXT NOT NULL,
    root_name TEXT NOT NULL,
    services TEXT NOT NULL,
    received_ns INTEGER NOT NULL,
    updated_seq INTEGER NOT NULL);
CREATE INDEX traces_by_start ON traces(start_ns);
CREATE INDEX traces_by_update ON traces(updated_seq, trace_key);
CREATE TABLE spans(
    trace_key INTEGER NOT NULL,
    span_id BLOB NOT NULL,
    parent_span_id BLOB,
    name_id INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    start_offset_ns INTEGER NOT NULL,
    duration_ns INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    status_message TEXT,
    flags INTEGER NOT NULL,
    trace_state TEXT,
    resource_id INTEGER NOT NULL,
    scope_id INTEGER NOT NULL,
    attributes BLOB,
    events BLOB,
    links BLOB,
    dropped_attributes INTEGER NOT NULL,
    dropped_events INTEGER NOT NULL,
    dropped_links INTEGER NOT NULL,
    PRIMARY KEY(trace_key, span_id)) WITHOUT ROWID;
CREATE TABLE logs(
    log_key INTEGER PRIMARY KEY,
    trace_key INTEGER,
    span_id BLOB,
    time_ns INTEGER NOT NULL,
    observed_ns INTEGER NOT NULL,
    severity_number INTEGER NOT NULL,
    severity_text TEXT NOT NULL,
    body BLOB,
    attributes BLOB,
    dropped_attributes INTEGER NOT NULL,
    flags INTEGER NOT NULL,
    event_name TEXT NOT NULL,
    resource_id INTEGER NOT NULL,
    scope_id INTEGER NOT NULL);
CREATE INDEX logs_by_trace ON logs(trace_key) WHERE trace_key IS NOT NULL;
CREATE INDEX logs_by_time ON logs(time_ns);
CREATE TABLE operations(
    service_name TEXT NOT NULL,
    span_name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    PRIMARY KEY(service_name, span_name, kind)) WITHOUT ROWID;
CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
)sql"},
    // Version 2: pinned traces are exempt from retention; `source` names the file a trace was
    // imported from (empty for live telemetry).
    {R"sql(
ALTER TABLE traces ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE traces ADD COLUMN source TEXT NOT NULL DEFAULT '';
)sql"},
    // Version 3: a full-text index of log bodies, keyed by log_key. Bodies are stored encoded, so
    // the writer fills the index for existing records when it sees the pending marker.
    {R"sql(
CREATE VIRTUAL TABLE logs_text USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO counters(name, value) SELECT 'schema.logs_text_pending', 1 WHERE EXISTS (SELECT 1 FROM logs);
)sql"},
    // Version 4: the files traces were imported from, listed and filtered without a scan.
    {R"sql(
CREATE INDEX traces_by_source ON traces(source) WHERE source != '';
)sql"},
    // Version 5: a trace's services are separated by a control character (a name with a comma
    // stays one service) and capped (more_services says there are others); resources and scopes
    // merged by canonical fingerprint; the text index becomes a
    // trigram index, so a search matches any part of a body ("ed for" in "failed for"), refilled
    // by the writer. A record without a time of its own (time_estimated 2) or whose service was
    // guessed from a file name (service_guessed 1) waits for its span, and then takes the span's
    // end as its time (time_estimated 1) and the span's resource. Counters are renamed for what
    // they count (storage/counters.h).
    {R"sql(
ALTER TABLE traces ADD COLUMN more_services INTEGER NOT NULL DEFAULT 0;
UPDATE traces SET services = replace(services, ',', char(31));
ALTER TABLE logs ADD COLUMN time_estimated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE logs ADD COLUMN service_guessed INTEGER NOT NULL DEFAULT 0;
CREATE INDEX logs_waiting_for_span ON logs(trace_key) WHERE time_estimated = 2 OR service_guessed = 1;
DROP TABLE logs_text;
CREATE VIRTUAL TABLE logs_text USING fts5(body, tokenize = 'trigram');
INSERT OR IGNORE INTO counters(name, value) SELECT 'schema.logs_text_pending', 1 WHERE EXISTS (SELECT 1 FROM logs);
CREATE TEMP TABLE renamed(old TEXT PRIMARY KEY, new TEXT NOT NULL);
INSERT INTO renamed VALUES
    ('traces.accepted', 'spans.accepted'), ('traces.rejected', 'spans.rejected'),
    ('traces.truncated', 'spans.values_truncated'), ('traces.sampled_out', 'spans.sampled_out'),
    ('traces.refused', 'spans.refused'), ('traces.duplicates', 'spans.duplicates'),
    ('traces.bad_requests', 'trace_requests.rejected'),
    ('logs.accepted', 'log_records.accepted'), ('logs.rejected', 'log_records.rejected'),
    ('logs.truncated', 'log_records.values_truncated'),
    ('logs.sampled_out', 'log_records.sampled_out'), ('logs.refused', 'log_records.refused'),
    ('logs.bad_requests', 'log_requests.rejected'),
    ('metrics.accepted', 'metric_points.accepted'), ('metrics.rejected', 'metric_points.rejected'),
    ('metrics.truncated', 'metric_points.values_truncated'),
    ('metrics.bad_requests', 'metric_requests.rejected'),
    ('evicted.traces', 'traces.evicted'), ('evicted.spans', 'spans.evicted');
UPDATE counters SET name = (SELECT new FROM renamed WHERE old = counters.name)
    WHERE name IN (SELECT old FROM renamed);
DROP TABLE renamed;
)sql",
     mergeDuplicateResourcesAndScopes},
    // Version 6: metrics. An instrument (resource, scope, name, kind, unit, temporality) has
    // series (one per attribute set, bounded per instrument); a series' points are kept in
    // blocks appended to by the writer (metrics/metriccodec.h), exemplars apart so a chart finds
    // them by time and they open their span.
    {R"sql(
CREATE TABLE metrics(
    metric_id INTEGER PRIMARY KEY,
    fingerprint BLOB NOT NULL UNIQUE,
    resource_id INTEGER NOT NULL,
    scope_id INTEGER NOT NULL,
    service_name TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind INTEGER NOT NULL,
    temporality INTEGER NOT NULL,
    monotonic INTEGER NOT NULL,
    series_count INTEGER NOT NULL DEFAULT 0);
CREATE INDEX metrics_by_service ON metrics(service_name, name);
CREATE TABLE metric_series(
    series_id INTEGER PRIMARY KEY,
    metric_id INTEGER NOT NULL,
    fingerprint BLOB NOT NULL,
    attributes BLOB,
    overflow INTEGER NOT NULL DEFAULT 0,
    UNIQUE(metric_id, fingerprint));
CREATE TABLE metric_blocks(
    block_id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    point_count INTEGER NOT NULL,
    points BLOB NOT NULL);
CREATE INDEX metric_blocks_by_series ON metric_blocks(series_id, end_ns);
CREATE TABLE metric_exemplars(
    exemplar_id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL,
    time_ns INTEGER NOT NULL,
    value REAL NOT NULL,
    trace_id BLOB,
    span_id BLOB,
    attributes BLOB);
CREATE INDEX metric_exemplars_by_series ON metric_exemplars(series_id, time_ns);
)sql"},
};
static_assert(std::size(Migrations) == Database::SchemaVersion);

int queryInt(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = nullptr;
    int value = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK
        && sqlite3_step(stmt) == SQLITE_ROW)
        value = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
}

} // namespace

Database::Database(sqlite3 *db, std::string path)
    : m_db(db)
    , m_path(std::move(path))
{}

Database::~Database()
{
    sqlite3_close_v2(m_db);
}

// Checks, on a read-only connection that cannot change the file, that `path` is a database this
// build may use. Returns the schema version, or an error sentence.
static Result<int> probe(const std::string &path)
{
    sqlite3 *raw = nullptr;
    if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        const std::string why = raw ? sqlite3_errmsg(raw) : "out of memory";
        sqlite3_close_v2(raw);
        return Error{"Cannot open the database " + path + ": " + why + "."};
    }
    const int version = queryInt(raw, "PRAGMA user_version");
    const int appId = queryInt(raw, "PRAGMA application_id");
    const int tables = queryInt(raw, "SELECT count(*) FROM sqlite_schema");
    const std::string why = sqlite3_errmsg(raw);
    sqlite3_close_v2(raw);
    if (version < 0 || tables < 0)
        return Error{path + " is not a readable SQLite database (" + why + ")."};
    if ((version > 0 || tables > 0) && appId != ApplicationId)
        return Error{path + " is not a Spanscope database; choose another file with --db."};
    if (version > Database::SchemaVersion) {
        return Error{path + " was written by a newer Spanscope (schema " + std::to_string(version)
                     + ", this version reads up to " + std::to_string(Database::SchemaVersion)
                     + "); it was left untouched. Update Spanscope or choose another --db."};
    }
    return version;
}

Result<std::unique_ptr<Database>> Database::open(const std::string &path, Mode mode)
{
    const bool readOnly = mode == Mode::ReadOnly;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return Error{path + " is a directory; give the path of a database file, e.g. " + path
                     + "/spanscope.db."};
    const bool exists = std::filesystem::exists(path, ec);
    // A FIFO or a device would block the open, or feed SQLite something that is not a file.
    if (exists && !std::filesystem::is_regular_file(path, ec))
        return Error{path + " is not a regular file; give the path of a database file with --db."};
    if (readOnly && !exists)
        return Error{"There is no database at " + path
                     + " yet; start `spanscope serve` or the app to create it."};
    if (exists) {
        auto version = probe(path);
        if (!version)
            return Error{version.error()};
        if (readOnly && *version < SchemaVersion)
            return Error{path
                         + " has an older schema; open it once with the app or `spanscope serve` "
                           "to upgrade it."};
    } else {
        const auto dir = std::filesystem::path(path).parent_path();
        if (!dir.empty())
            std::filesystem::create_directories(dir, ec);
    }
    sqlite3 *raw = nullptr;
    const int flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &raw, flags, nullptr) != SQLITE_OK) {
        const std::string why = raw ? sqlite3_errmsg(raw) : "out of memory";
        sqlite3_close_v2(raw);
        return Error{"Cannot open the database " + path + ": " + why + "."};
    }
    std::unique_ptr<Database> db(new Database(raw, path));
    sqlite3_busy_timeout(raw, 5000);
    if (readOnly)
        return db;
    // FULL: each commit's WAL frames reach the disk (fsync) before the commit returns, and
    // senders are answered only after their commit, so an acknowledged span survives a power
    // cut. Group commit keeps it to one fsync per transaction, not per request.
    // journal_size_limit: after a checkpoint the WAL file is cut back to 32 MiB at most.
    if (auto wal = db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                            "PRAGMA journal_size_limit=33554432;");
        !wal)
        return Error{"Cannot use " + path + ": " + wal.error()};
    if (auto migrated = db->migrate(SchemaVersion); !migrated)
        return Error{migrated.error()};
    if (exists) {
        if (auto checked = db->quickCheck(); !checked)
            return Error{checked.error()};
    }
    return db;
}

Result<bool> Database::quickCheck(int budgetMs)
{
    // quick_check reads every page of a large file; the progress handler stops it after the
    // budget, so opening stays quick and a small or damaged start of the file is still caught.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(budgetMs);
    sqlite3_progress_handler(
        m_db, 1000,
        [](void *until) {
            return std::chrono::steady_clock::now()
                    > *static_cast<const std::chrono::steady_clock::time_point *>(until)
                ? 1
                : 0;
        },
        const_cast<std::chrono::steady_clock::time_point *>(&deadline));
    sqlite3_stmt *stmt = nullptr;
    std::string verdict = "ok";
    int rc = sqlite3_prepare_v2(m_db, "PRAGMA quick_check(5)", -1, &stmt, nullptr);
    if (rc == SQLITE_OK) {
        std::string found;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, 0));
            found += (found.empty() ? "" : "; ") + std::string(text ? text : "");
        }
        if (rc == SQLITE_DONE)
            verdict = found;
        else if (rc != SQLITE_INTERRUPT)
            verdict = sqlite3_errmsg(m_db);
    } else {
        verdict = sqlite3_errmsg(m_db);
    }
    sqlite3_finalize(stmt);
    sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
    if (verdict != "ok")
        return Error{m_path + " is damaged (" + verdict
                     + "); it was left as it is. Move it away, or choose another file with --db."};
    return true;
}

Result<std::unique_ptr<Database>> Database::createAtVersion(const std::string &path, int version)
{
    sqlite3 *raw = nullptr;
    if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr)
        != SQLITE_OK) {
        sqlite3_close_v2(raw);
        return Error{"Cannot create " + path + "."};
    }
    std::unique_ptr<Database> db(new Database(raw, path));
    if (auto migrated = db->migrate(version); !migrated)
        return Error{migrated.error()};
    return db;
}

Result<bool> Database::migrate(int targetVersion)
{
    int version = schemaVersion();
    while (version < targetVersion) {
        const Migration &migration = Migrations[version];
        auto step = exec(std::string("BEGIN IMMEDIATE;") + migration.sql);
        if (step && migration.then)
            step = migration.then(*this);
        if (step)
            step = exec("PRAGMA application_id=" + std::to_string(ApplicationId)
                        + ";PRAGMA user_version=" + std::to_string(version + 1) + ";COMMIT;");
        if (!step) {
            exec("ROLLBACK");
            return Error{"Cannot upgrade " + m_path + " to schema " + std::to_string(version + 1)
                         + ": " + step.error()};
        }
        ++version;
    }
    return true;
}

Result<bool> Database::exec(std::string_view sql)
{
    char *message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : lastError();
        sqlite3_free(message);
        return Error{why};
    }
    return true;
}

std::string Database::lastError() const
{
    return sqlite3_errmsg(m_db);
}

int Database::schemaVersion() const
{
    return queryInt(m_db, "PRAGMA user_version");
}

std::int64_t Database::usedBytes() const
{
    const std::int64_t pages = queryInt(m_db, "PRAGMA page_count");
    const std::int64_t free = queryInt(m_db, "PRAGMA freelist_count");
    return (pages - free) * queryInt(m_db, "PRAGMA page_size");
}

std::int64_t Database::walBytes() const
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(m_path + "-wal", ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
}

std::int64_t Database::fileBytes() const
{
    std::error_code ec;
    std::int64_t total = 0;
    for (const char *suffix : {"", "-wal"}) {
        const auto size = std::filesystem::file_size(m_path + suffix, ec);
        if (!ec)
            total += static_cast<std::int64_t>(size);
    }
    return total;
}

Statement::Statement(const Database &db, std::string_view sql)
{
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr)
        != SQLITE_OK) {
        m_prepareError = std::string(sqlite3_errmsg(db.handle())) + " in: " + std::string(sql);
        m_stmt = nullptr;
        m_ok = false;
    }
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement &Statement::bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement &Statement::bindText(int index, std::string_view text)
{
    sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindBlob(int index, std::string_view blob)
{
    return bindBlob(index, blob.data(), blob.size());
}

Statement &Statement::bindBlob(int index, const void *data, std::size_t size)
{
    // A zero-length blob would read back as NULL-like ambiguity; store NULL for "nothing".
    if (size == 0)
        sqlite3_bind_null(m_stmt, index);
    else
        sqlite3_bind_blob(m_stmt, index, data, static_cast<int>(size), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

bool Statement::next()
{
    if (!m_stmt) {
        m_ok = false;
        return false;
    }
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    m_ok = rc == SQLITE_DONE;
    return false;
}

bool Statement::run()
{
    while (next()) {}
    const bool ok = m_ok;
    reset();
    return ok;
}

void Statement::reset()
{
    if (m_stmt) {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    m_ok = m_stmt != nullptr;
}

std::int64_t Statement::integer(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

std::string_view Statement::text(int column) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? std::string_view(p, sqlite3_column_bytes(m_stmt, column)) : std::string_view();
}

double Statement::number(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

std::string_view Statement::blob(int column) const
{
    const auto *p = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    return p ? std::string_view(p, sqlite3_column_bytes(m_stmt, column)) : std::string_view();
}

} // namespace spanscope::storage

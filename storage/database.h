#pragma once

#include "result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace spanscope::storage {

// One SQLite connection. The writer thread owns the only read-write one; every reader thread
// opens its own read-only one (WAL lets them run beside the writer).
class Database
{
public:
    enum class Mode { ReadWrite, ReadOnly };

    // The schema version this build writes; newer files are refused, older ones migrated.
    static constexpr int SchemaVersion = 6;

    // Opens (creating when ReadWrite) and migrates forward. A database from a newer version,
    // or a file that is not a Spanscope database, is refused and left untouched.
    static Result<std::unique_ptr<Database>> open(const std::string &path, Mode mode);
    // Test hook: creates a database that stops at an older schema version.
    static Result<std::unique_ptr<Database>> createAtVersion(const std::string &path, int version);

    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    sqlite3 *handle() const { return m_db; }
    const std::string &path() const { return m_path; }

    // Runs SQL without results; returns the SQLite error text on failure.
    Result<bool> exec(std::string_view sql);
    std::string lastError() const;
    int schemaVersion() const;
    // Bytes in use (pages minus free pages) and the file's size.
    std::int64_t usedBytes() const;
    std::int64_t fileBytes() const;
    // The write-ahead log's size on disk (0 when there is none).
    std::int64_t walBytes() const;
    // SQLite's quick_check for at most `budgetMs`; an error sentence for a damaged file.
    Result<bool> quickCheck(int budgetMs = 500);

private:
    Database(sqlite3 *db, std::string path);
    Result<bool> migrate(int targetVersion);

    sqlite3 *m_db;
    std::string m_path;
};

// A prepared statement, reset on every run. Indices are 1-based like SQLite's.
class Statement
{
public:
    Statement(const Database &db, std::string_view sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    bool prepared() const { return m_stmt != nullptr; }
    // Why preparing failed (a bug in our SQL or a damaged schema); empty when prepared.
    const std::string &prepareError() const { return m_prepareError; }

    Statement &bind(int index, std::int64_t value);
    Statement &bind(int index, std::uint64_t value)
    {
        return bind(index, static_cast<std::int64_t>(value));
    }
    Statement &bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement &bind(int index, unsigned value)
    {
        return bind(index, static_cast<std::int64_t>(value));
    }
    Statement &bind(int index, double value);
    Statement &bindText(int index, std::string_view text);
    Statement &bindBlob(int index, std::string_view blob);
    Statement &bindBlob(int index, const void *data, std::size_t size);
    Statement &bindNull(int index);

    // Steps once: true while rows come, false when done or on error (then ok() is false).
    bool next();
    // Runs to completion, for statements without results.
    bool run();
    void reset();
    bool ok() const { return m_ok; }

    std::int64_t integer(int column) const;
    std::string_view text(int column) const;
    std::string_view blob(int column) const;
    double number(int column) const;

private:
    sqlite3_stmt *m_stmt = nullptr;
    bool m_ok = true;
    std::string m_prepareError;
};

} // namespace spanscope::storage

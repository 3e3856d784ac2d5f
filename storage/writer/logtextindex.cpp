#include "logtextindex.h"

#include "counters.h"
#include "dictionaryreader.h"
#include "tracetext.h"
#include "valuecodec.h"

#include <string>

namespace spanscope::storage {

LogTextIndex::LogTextIndex(Database &db, TransactionError &error)
    : m_db(db)
    , m_error(error)
    , m_insert(db, "INSERT INTO logs_text(rowid, body) VALUES (?, ?)")
{}

void LogTextIndex::add(std::int64_t logKey, const AnyValue &body)
{
    m_error.check(m_insert.bind(1, logKey).bindText(2, searchableText(body)).run());
}

Result<bool> LogTextIndex::indexStored()
{
    Statement pending(m_db, "SELECT 1 FROM counters WHERE name = ?");
    if (!pending.bindText(1, counters::LogsTextPending).next())
        return true;
    pending.reset();
    DictionaryReader dictionary(m_db);
    if (auto begin = m_db.exec("BEGIN IMMEDIATE"); !begin)
        return Error{begin.error()};
    Statement logs(m_db, "SELECT log_key, body FROM logs");
    AnyValue body;
    while (logs.next()) {
        body = {};
        if (!decodeAnyValue(logs.blob(1), dictionary, body))
            continue; // a damaged body stays unsearchable; the record itself is kept
        m_insert.bind(1, logs.integer(0)).bindText(2, searchableText(body)).run();
    }
    logs.reset();
    Statement done(m_db, "DELETE FROM counters WHERE name = ?");
    done.bindText(1, counters::LogsTextPending).run();
    if (auto committed = m_db.exec("COMMIT"); !committed) {
        m_db.exec("ROLLBACK");
        return Error{"Cannot index the stored log records: " + committed.error()};
    }
    return true;
}

std::string LogTextIndex::prepareError() const
{
    return m_insert.prepared() ? std::string() : m_insert.prepareError();
}

} // namespace spanscope::storage

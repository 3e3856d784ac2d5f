#pragma once

#include "result.h"
#include "telemetry.h"
#include "transactionerror.h"

#include <cstdint>

namespace spanscope::storage {

// The full-text index of log bodies (FTS5 table `logs_text`, keyed by the record's log_key):
// what `logs --grep` and the Logs tab's search read. A body is indexed as the text a user sees
// (searchableText: strings as they are, structured bodies as rendered).
class LogTextIndex
{
public:
    LogTextIndex(Database &db, TransactionError &error);

    // Inside the writer's transaction, for the record just inserted.
    void add(std::int64_t logKey, const AnyValue &body);
    // Indexes the bodies of records stored before the index existed (schema 3), once, when the
    // migration left its marker (counters::LogsTextPending); in a transaction of its own.
    Result<bool> indexStored();
    std::string prepareError() const;

private:
    Database &m_db;
    TransactionError &m_error;
    Statement m_insert;
};

} // namespace spanscope::storage

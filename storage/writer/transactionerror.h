#pragma once

#include "database.h"

#include <string>

namespace spanscope::storage {

// The first failure inside one write transaction, shared by the writer's parts: a statement
// that fails sets it, and the writer then rolls the whole transaction back.
class TransactionError
{
public:
    explicit TransactionError(const Database &db)
        : m_db(db)
    {}

    // Records SQLite's error when `ok` is false and nothing failed before.
    void check(bool ok)
    {
        if (!ok && m_what.empty())
            m_what = m_db.lastError();
    }
    void set(std::string what)
    {
        if (m_what.empty())
            m_what = std::move(what);
    }
    bool failed() const { return !m_what.empty(); }
    const std::string &what() const { return m_what; }
    void clear() { m_what.clear(); }

private:
    const Database &m_db;
    std::string m_what;
};

} // namespace spanscope::storage

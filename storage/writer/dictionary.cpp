#include "dictionary.h"

#include <sqlite3.h>

namespace spanscope::storage {

Dictionary::Dictionary(Database &db, TransactionError &error)
    : m_db(db)
    , m_error(error)
    , m_find(db, "SELECT id FROM strings WHERE value = ?")
    , m_insert(db, "INSERT INTO strings(value) VALUES (?)")
{}

std::uint64_t Dictionary::internKey(std::string_view key)
{
    if (auto it = m_ids.find(key); it != m_ids.end())
        return it->second;
    return lookUpOrInsert(key);
}

std::uint64_t Dictionary::internValue(std::string_view, std::string_view value)
{
    if (value.size() > MaxInternedValueLength)
        return 0;
    if (auto it = m_ids.find(value); it != m_ids.end())
        return it->second;
    if (m_seenOnce.size() > MaxCachedStrings)
        m_seenOnce.clear();
    if (m_seenOnce.insert(std::hash<std::string_view>{}(value)).second)
        return 0;
    return lookUpOrInsert(value);
}

void Dictionary::forget()
{
    m_ids.clear();
}

std::string Dictionary::prepareError() const
{
    for (const Statement *statement : {&m_find, &m_insert}) {
        if (!statement->prepared())
            return statement->prepareError();
    }
    return {};
}

std::uint64_t Dictionary::lookUpOrInsert(std::string_view text)
{
    if (m_ids.size() > MaxCachedStrings)
        m_ids.clear();
    std::uint64_t id = 0;
    m_find.bindText(1, text);
    if (m_find.next())
        id = static_cast<std::uint64_t>(m_find.integer(0));
    m_find.reset();
    if (id == 0) {
        m_error.check(m_insert.bindText(1, text).run());
        id = static_cast<std::uint64_t>(sqlite3_last_insert_rowid(m_db.handle()));
    }
    m_ids.emplace(std::string(text), id);
    return id;
}

} // namespace spanscope::storage

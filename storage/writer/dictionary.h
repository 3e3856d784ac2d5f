#pragma once

#include "transactionerror.h"
#include "valuecodec.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace spanscope::storage {

// The writer's half of the string dictionary (table `strings`): attribute keys and span names
// always become ids; a value only the second time it is seen and only when short, so repeated
// values (routes, user ids) become references while one-off ones (request ids) stay inline and
// never grow the table. Lookups are cached, the caches bounded.
class Dictionary final : public StringInterner
{
public:
    Dictionary(Database &db, TransactionError &error);

    std::uint64_t internKey(std::string_view key) override;
    std::uint64_t internValue(std::string_view key, std::string_view value) override;
    // After a rollback: ids handed out in it may not exist.
    void forget();
    // Statements that could not be prepared, as an error sentence; empty when all were.
    std::string prepareError() const;

    static constexpr std::size_t MaxInternedValueLength = 64;
    static constexpr std::size_t MaxCachedStrings = 500'000;

private:
    std::uint64_t lookUpOrInsert(std::string_view text);

    struct StringHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const
        {
            return std::hash<std::string_view>{}(s);
        }
    };

    Database &m_db;
    TransactionError &m_error;
    Statement m_find, m_insert;
    std::unordered_map<std::string, std::uint64_t, StringHash, std::equal_to<>> m_ids;
    std::unordered_set<std::size_t> m_seenOnce; // hashes of values seen once, not yet interned
};

} // namespace spanscope::storage

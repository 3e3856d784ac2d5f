#pragma once

#include "database.h"
#include "valuecodec.h"

#include <string>
#include <unordered_map>

namespace spanscope::storage {

// Resolves dictionary ids with a cache; the dictionary only grows, so entries never go stale.
class DictionaryReader final : public StringResolver
{
public:
    explicit DictionaryReader(const Database &db)
        : m_lookup(db, "SELECT value FROM strings WHERE id = ?")
    {}

    bool resolve(std::uint64_t id, std::string &out) override
    {
        if (auto it = m_cache.find(id); it != m_cache.end()) {
            out = it->second;
            return true;
        }
        bool found = false;
        if (m_lookup.bind(1, id).next()) {
            out = std::string(m_lookup.text(0));
            found = true;
        }
        m_lookup.reset();
        if (found) {
            if (m_cache.size() > 200'000)
                m_cache.clear();
            m_cache.emplace(id, out);
        }
        return found;
    }

private:
    Statement m_lookup;
    std::unordered_map<std::uint64_t, std::string> m_cache;
};

} // namespace spanscope::storage

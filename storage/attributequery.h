#pragma once

#include "attributefilter.h"
#include "valuecodec.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spanscope::storage {

class Database;
class DictionaryReader;
class Statement;

// Registers ss_attr_match(attributes, op, key_id, value_id, value_text, number) on the
// connection: whether an encoded attribute blob satisfies one clause. value_id may be NULL.
// Numbers held in dictionary strings are read through `dictionary`, which must outlive `db`'s
// use of the function.
void registerAttributeMatch(Database &db, DictionaryReader &dictionary);

// An attribute filter's clauses prepared for one query: keys and values looked up in the
// dictionary, and each clause's matching resources found once (resources are few).
class AttributeClauses
{
public:
    static constexpr int ParamsPerClause = 5;

    // Nothing when a clause cannot match (its key was never stored).
    static std::optional<AttributeClauses> prepare(Database &db,
                                                   const std::vector<AttributeCondition> &clauses);

    std::size_t size() const { return m_clauses.size(); }
    // A predicate for clause `i` on a row with these columns, its parameters numbered from
    // `firstParam` (ParamsPerClause of them).
    std::string predicate(std::size_t i, std::string_view attributes, std::string_view resourceId,
                          int firstParam) const;
    void bind(std::size_t i, Statement &statement, int firstParam) const;

private:
    struct Clause
    {
        AttributeCondition condition;
        std::uint64_t keyId = 0;
        std::optional<std::uint64_t> valueId;
        std::string resourceIds; // "1,4,7": resources whose own attributes satisfy the clause
    };
    std::vector<Clause> m_clauses;
};

// What the completion of an attribute filter offers, sampled from the newest traces (or log
// records) and the resources, so that it costs the same in a large store as in a small one.
enum class AttributeSource { Spans, Logs };
inline constexpr int AttributeSampleTraces = 500;
inline constexpr int AttributeSampleSpansPerTrace = 20;
inline constexpr std::size_t MaxCompletionKeys = 500;
inline constexpr std::size_t MaxCompletionValues = 50;
inline constexpr std::size_t MaxCompletionValueLength = 200;

// The keys seen, sorted.
Result<std::vector<std::string>> sampleAttributeKeys(Database &db, DictionaryReader &dictionary,
                                                     AttributeSource source);
// The values `key` takes (scalars only, as filters compare them), most frequent first.
Result<std::vector<std::string>> sampleAttributeValues(Database &db, DictionaryReader &dictionary,
                                                       AttributeSource source,
                                                       const std::string &key);

} // namespace spanscope::storage

#pragma once

#include "result.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spanscope::storage {

// How one attribute filter compares: the key's presence, its value as text, or as a number.
enum class AttributeOp { Exists, Equals, NotEquals, Less, LessOrEqual, Greater, GreaterOrEqual };

// One clause of an attribute filter, such as `http.status_code>=500`. A span (or log record)
// matches when it, or its resource, has the key and the value compares as asked; `!=` needs
// the key too. The ordering operators compare numbers only.
struct AttributeCondition
{
    std::string key;
    AttributeOp op = AttributeOp::Exists;
    std::string value;
    double number = 0; // the value as a number, for the ordering operators

    bool operator==(const AttributeCondition &) const = default;
};

// More clauses than this are refused: each one is a scan of the candidate spans.
inline constexpr std::size_t MaxAttributeConditions = 8;

// Reads clauses joined by AND (in any case): `key=value`, `key!=value`, `key>N`, `key>=N`,
// `key<N`, `key<=N`, `key exists` or a key alone. A value may be written in double quotes
// (`msg="a AND b"`, with \" and \\ inside). The error says which clause is not understood.
Result<std::vector<AttributeCondition>> parseAttributeConditions(std::string_view text);

// The clause as parseAttributeConditions reads it back (values quoted where they must be).
std::string clauseText(const AttributeCondition &condition);
// A value as a clause writes it: in quotes when it would otherwise read differently.
std::string valueText(std::string_view value);
// The operator's spelling, "" for Exists.
std::string_view operatorText(AttributeOp op);

} // namespace spanscope::storage

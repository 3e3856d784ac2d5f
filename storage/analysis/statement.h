#pragma once

#include <string>
#include <string_view>

namespace spanscope::analysis {

// A database statement with what varies between calls replaced by `?`: string literals,
// numbers, UUIDs, hex and bind placeholders ($1, :name, %s, @p1), IN-lists and VALUES rows
// collapsed to one `?`; comments removed and whitespace folded. Identifiers (quoted or not) and
// keywords stay as written, so `SELECT * FROM items WHERE id = 42` and `... id = 7` read the
// same, and a different table does not. Redis commands work too: `GET user:42` -> `GET user:?`.
// The result is at most MaxNormalizedLength bytes (a longer statement is cut and ends in "…").
// `bindPlaceholders`, when given, says whether the statement takes its values from bind
// parameters (?, $1, :name, %s), so that the text alone does not say what it was called with.
std::string normalizeStatement(std::string_view statement, bool *bindPlaceholders = nullptr);

inline constexpr std::size_t MaxNormalizedLength = 2000;

// A URL or path with what varies replaced: the query and fragment dropped, numeric, UUID and
// long hex path segments as `{id}`. `http://shop:8000/items/42?x=1` ->
// `http://shop:8000/items/{id}`.
std::string normalizeUrl(std::string_view url);

} // namespace spanscope::analysis

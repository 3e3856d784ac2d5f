#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spanscope::ingest {

// Reading large OTLP-JSON files a part at a time. protobuf's JSON parser builds the whole
// message (about 8x the text); these find the parts by their brackets, so only one part is
// parsed at a time. They check the shape they walk (strings end, brackets match, nesting stays
// under MaxDepth); what is inside a part is left to the parser that reads it.

// Takes one part; false stops the walk (the taker keeps its own reason), and the function
// that walked returns false with `error` left empty.
using JsonPieceSink = std::function<bool(std::string_view piece)>;

// The names of a JSON object's top-level keys, in order; nothing when the text is not one
// object.
std::optional<std::vector<std::string>> jsonObjectKeys(std::string_view text);

// Each element of a JSON array, as text. False with `error` when the text is not an array.
bool forEachJsonElement(std::string_view text, const JsonPieceSink &take, std::string &error);

// Splits one OTLP-JSON traces or logs object (a request, TracesData or LogsData) into objects
// of the same kind, each about `pieceBytes` or less: one resource, one scope and as many of its
// spans (or log records) as fit, the resource's and scope's other fields copied as they are.
// Together the pieces hold everything the object holds. An object that already fits is
// handed on as it is. False with `error` when the text is not shaped like OTLP-JSON.
bool splitOtlpJson(std::string_view object, std::size_t pieceBytes, const JsonPieceSink &take,
                   std::string &error);

} // namespace spanscope::ingest

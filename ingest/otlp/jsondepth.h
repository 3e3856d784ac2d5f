#pragma once

#include <string_view>

namespace spanscope::ingest {

// How deep untrusted JSON may nest, everywhere JSON is read (requests, files, log lines): OTLP-
// JSON needs about 12 plus what AnyValue nests; protobuf's JSON parser stops at 100.
inline constexpr int MaxJsonNesting = 64;

// Whether JSON text nests arrays and objects at most `maxDepth` deep (strings are skipped).
// Checked before parsing untrusted text: the parsed value is later printed and converted
// recursively, so a line of a million "[" must not reach them.
inline bool jsonNestingWithin(std::string_view text, int maxDepth)
{
    int depth = 0;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

} // namespace spanscope::ingest

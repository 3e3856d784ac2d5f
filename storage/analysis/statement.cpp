#include "statement.h"

#include <cctype>

namespace spanscope::analysis {

namespace {

bool isIdentifierChar(unsigned char c)
{
    return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

bool isHexDigit(char c)
{
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

// Whether `text` at `at` starts a UUID (8-4-4-4-12 hex digits).
bool isUuidAt(std::string_view text, std::size_t at)
{
    static constexpr int Groups[] = {8, 4, 4, 4, 12};
    std::size_t i = at;
    for (int g = 0; g < 5; ++g) {
        for (int d = 0; d < Groups[g]; ++d, ++i) {
            if (i >= text.size() || !isHexDigit(text[i]))
                return false;
        }
        if (g < 4) {
            if (i >= text.size() || text[i] != '-')
                return false;
            ++i;
        }
    }
    return i == text.size() || !isIdentifierChar(static_cast<unsigned char>(text[i]));
}

// Replaces "( ?, ?, ? )" by "(?)" and "(?), (?), (?)" by "(?)": the length of an IN-list or of
// a multi-row VALUES says nothing about the statement.
std::string collapseLists(const std::string &in)
{
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size();) {
        if (in[i] == '(') {
            // A parenthesis holding only ?, commas and spaces.
            std::size_t j = i + 1;
            bool onlyValues = false;
            while (j < in.size() && (in[j] == '?' || in[j] == ',' || in[j] == ' ')) {
                onlyValues = onlyValues || in[j] == '?';
                ++j;
            }
            if (j < in.size() && in[j] == ')' && onlyValues) {
                // Folds a following ", (?...)" into this one too.
                const bool repeat = out.size() >= 4 && out.ends_with("(?),");
                const bool repeatSpaced = out.size() >= 5 && out.ends_with("(?), ");
                if (repeat)
                    out.resize(out.size() - 1);
                else if (repeatSpaced)
                    out.resize(out.size() - 2);
                else
                    out += "(?)";
                i = j + 1;
                continue;
            }
        }
        out += in[i++];
    }
    return out;
}

} // namespace

std::string normalizeStatement(std::string_view s, bool *bindPlaceholders)
{
    bool placeholders = false;
    std::string out;
    out.reserve(std::min(s.size(), MaxNormalizedLength));
    bool pendingSpace = false;
    const auto emit = [&](std::string_view piece) {
        if (pendingSpace && !out.empty())
            out += ' ';
        pendingSpace = false;
        out += piece;
    };
    std::size_t i = 0;
    while (i < s.size() && out.size() < 4 * MaxNormalizedLength) {
        const char c = s[i];
        const auto u = static_cast<unsigned char>(c);
        if (std::isspace(u)) {
            pendingSpace = true;
            ++i;
        } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
            while (i < s.size() && s[i] != '\n')
                ++i;
            pendingSpace = true;
        } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
            const std::size_t end = s.find("*/", i + 2);
            i = end == std::string_view::npos ? s.size() : end + 2;
            pendingSpace = true;
        } else if (c == '\'') {
            // A string literal; '' inside is a quote.
            ++i;
            while (i < s.size()) {
                if (s[i] == '\\' && i + 1 < s.size()) {
                    i += 2;
                } else if (s[i] == '\'') {
                    if (i + 1 < s.size() && s[i + 1] == '\'') {
                        i += 2;
                    } else {
                        ++i;
                        break;
                    }
                } else {
                    ++i;
                }
            }
            emit("?");
        } else if (c == '"' || c == '`' || c == '[') {
            // A quoted identifier: kept.
            const char close = c == '[' ? ']' : c;
            const std::size_t end = s.find(close, i + 1);
            const std::size_t stop = end == std::string_view::npos ? s.size() : end + 1;
            emit(s.substr(i, stop - i));
            i = stop;
        } else if (isUuidAt(s, i)
                   && (i == 0 || !isIdentifierChar(static_cast<unsigned char>(s[i - 1])))) {
            emit("?");
            i += 36;
        } else if (std::isdigit(u)
                   || (c == '.' && i + 1 < s.size()
                       && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
            // A number (with a sign folded into the operator before it), hex or decimal.
            if (c == '0' && i + 1 < s.size() && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
                i += 2;
                while (i < s.size() && isHexDigit(s[i]))
                    ++i;
            } else {
                // Digits, a decimal point and an exponent; letters glued on make it a literal
                // too ("9f3a" in a key), since no identifier starts with a digit.
                while (i < s.size()
                       && (isIdentifierChar(static_cast<unsigned char>(s[i])) || s[i] == '.'))
                    ++i;
            }
            emit("?");
        } else if ((c == '$' || c == ':' || c == '@') && i + 1 < s.size()
                   && isIdentifierChar(static_cast<unsigned char>(s[i + 1])) && s[i + 1] != '$'
                   && !(c == ':' && i > 0 && s[i - 1] == ':')) {
            // A bind placeholder: $1, :name, @p1 (not a "::" cast).
            if (c == ':' && i > 0 && isIdentifierChar(static_cast<unsigned char>(s[i - 1]))) {
                // "user:42" (a Redis key): the colon stays, what follows is judged on its own.
                emit(":");
                ++i;
                pendingSpace = false;
                continue;
            }
            ++i;
            while (i < s.size() && isIdentifierChar(static_cast<unsigned char>(s[i])))
                ++i;
            emit("?");
            placeholders = true;
        } else if (c == '%' && i + 1 < s.size() && (s[i + 1] == 's' || s[i + 1] == 'd')) {
            emit("?");
            placeholders = true;
            i += 2;
        } else if (c == '%' && i + 1 < s.size() && s[i + 1] == '(') {
            // Python's %(name)s.
            const std::size_t end = s.find(')', i);
            i = end == std::string_view::npos ? s.size() : std::min(s.size(), end + 2);
            emit("?");
            placeholders = true;
        } else if (isIdentifierChar(u)) {
            const std::size_t start = i;
            while (i < s.size() && isIdentifierChar(static_cast<unsigned char>(s[i])))
                ++i;
            emit(s.substr(start, i - start));
        } else {
            // Punctuation: no space inside "(?" or before "," so lists compare equal.
            if (c == ',' || c == ')' || c == '.')
                pendingSpace = false;
            placeholders = placeholders || c == '?';
            const bool opening = c == '(' || c == '.';
            emit(std::string_view(&s[i], 1));
            if (opening)
                pendingSpace = false;
            ++i;
        }
        // A sign right after an operator belongs to the number that follows: "= -5" -> "= ?".
        if (out.size() >= 2 && out.ends_with("?")
            && (out[out.size() - 2] == '-' || out[out.size() - 2] == '+')) {
            const std::size_t sign = out.size() - 2;
            std::size_t before = sign;
            while (before > 0 && out[before - 1] == ' ')
                --before;
            if (before == 0
                || std::string_view("=<>(,").find(out[before - 1]) != std::string_view::npos)
                out.erase(sign, 1);
        }
    }
    if (bindPlaceholders)
        *bindPlaceholders = placeholders;
    out = collapseLists(out);
    if (out.size() > MaxNormalizedLength) {
        std::size_t cut = MaxNormalizedLength;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
            --cut; // not inside a UTF-8 sequence
        out.resize(cut);
        out += "…";
    }
    return out;
}

std::string normalizeUrl(std::string_view url)
{
    const std::size_t cut = url.find_first_of("?#");
    url = url.substr(0, cut);
    // Keep the scheme and host as they are; judge the path segment by segment.
    std::size_t pathStart = 0;
    if (const std::size_t scheme = url.find("://"); scheme != std::string_view::npos) {
        const std::size_t slash = url.find('/', scheme + 3);
        pathStart = slash == std::string_view::npos ? url.size() : slash;
    }
    std::string out(url.substr(0, pathStart));
    std::size_t i = pathStart;
    while (i < url.size()) {
        const std::size_t next = std::min(url.find('/', i + 1), url.size());
        std::string_view segment = url.substr(i, next - i); // with its leading '/'
        const std::string_view name = segment.substr(segment.starts_with('/') ? 1 : 0);
        bool digits = !name.empty(), hex = name.size() >= 16;
        for (const char c : name) {
            digits = digits && std::isdigit(static_cast<unsigned char>(c));
            hex = hex && isHexDigit(c);
        }
        if (digits || hex || (name.size() == 36 && isUuidAt(name, 0)))
            out += segment.starts_with('/') ? "/{id}" : "{id}";
        else
            out += segment;
        i = next;
    }
    return out;
}

} // namespace spanscope::analysis

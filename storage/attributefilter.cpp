#include "attributefilter.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace spanscope::storage {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isOperatorChar(char c)
{
    return c == '=' || c == '!' || c == '<' || c == '>';
}

bool startsWithWord(std::string_view text, std::size_t at, std::string_view word)
{
    if (at > text.size() || text.size() - at < word.size())
        return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i])
            return false;
    }
    const std::size_t end = at + word.size();
    return end == text.size() || isSpace(text[end]);
}

// Reads clauses one at a time, keeping the position for error messages.
class ClauseReader
{
public:
    explicit ClauseReader(std::string_view text)
        : m_text(text)
    {}

    bool atEnd()
    {
        skipSpaces();
        return m_at >= m_text.size();
    }

    // After a clause: true at the end or after an AND.
    bool separator(std::string &error)
    {
        if (atEnd())
            return true;
        if (startsWithWord(m_text, m_at, "and")) {
            m_at += 3;
            if (atEnd()) {
                error = "The filter ends with AND: add a clause after it, or remove it.";
                return false;
            }
            return true;
        }
        error = "Expected AND before \"" + std::string(m_text.substr(m_at, 20)) + "\".";
        return false;
    }

    bool clause(AttributeCondition &out, std::string &error)
    {
        skipSpaces();
        const std::size_t keyStart = m_at;
        while (m_at < m_text.size() && !isSpace(m_text[m_at]) && !isOperatorChar(m_text[m_at]))
            ++m_at;
        out.key = std::string(m_text.substr(keyStart, m_at - keyStart));
        if (out.key.empty()) {
            error = "A clause needs an attribute key before its operator.";
            return false;
        }
        skipSpaces();
        if (m_at >= m_text.size() || startsWithWord(m_text, m_at, "and")) {
            out.op = AttributeOp::Exists;
            return true;
        }
        if (startsWithWord(m_text, m_at, "exists")) {
            m_at += 6;
            out.op = AttributeOp::Exists;
            return true;
        }
        if (!readOperator(out.op)) {
            error = "Expected =, !=, <, <=, >, >= or \"exists\" after " + out.key + ".";
            return false;
        }
        skipSpaces();
        if (!readValue(out.value, error))
            return false;
        if (out.op == AttributeOp::Exists || out.op == AttributeOp::Equals
            || out.op == AttributeOp::NotEquals)
            return true;
        const char *begin = out.value.data();
        const char *end = begin + out.value.size();
        const auto [ptr, ec] = std::from_chars(begin, end, out.number);
        if (ec != std::errc() || ptr != end || !std::isfinite(out.number)) {
            error = out.key + std::string(operatorText(out.op)) + " needs a number, not \""
                + out.value + "\".";
            return false;
        }
        return true;
    }

private:
    void skipSpaces()
    {
        while (m_at < m_text.size() && isSpace(m_text[m_at]))
            ++m_at;
    }

    bool readOperator(AttributeOp &op)
    {
        const std::string_view rest = m_text.substr(m_at);
        static constexpr std::pair<std::string_view, AttributeOp> Operators[] = {
            {"!=", AttributeOp::NotEquals},   {">=", AttributeOp::GreaterOrEqual},
            {"<=", AttributeOp::LessOrEqual}, {"==", AttributeOp::Equals},
            {"=", AttributeOp::Equals},       {">", AttributeOp::Greater},
            {"<", AttributeOp::Less},
        };
        for (const auto &[spelling, value] : Operators) {
            if (rest.starts_with(spelling)) {
                op = value;
                m_at += spelling.size();
                return true;
            }
        }
        return false;
    }

    // A quoted value, or the text up to the next " AND " (trimmed); may be empty.
    bool readValue(std::string &out, std::string &error)
    {
        out.clear();
        if (m_at < m_text.size() && m_text[m_at] == '"') {
            ++m_at;
            while (m_at < m_text.size() && m_text[m_at] != '"') {
                if (m_text[m_at] == '\\' && m_at + 1 < m_text.size())
                    ++m_at;
                out += m_text[m_at++];
            }
            if (m_at >= m_text.size()) {
                error = "A quoted value is not closed: add the ending \".";
                return false;
            }
            ++m_at;
            return true;
        }
        if (startsWithWord(m_text, m_at, "and") && m_text.size() > m_at + 3)
            return true; // `key= AND ...`: an empty value
        const std::size_t start = m_at;
        std::size_t end = m_at;
        while (m_at < m_text.size()) {
            if (isSpace(m_text[m_at]) && startsWithWord(m_text, m_at + 1, "and"))
                break;
            ++m_at;
            if (!isSpace(m_text[m_at - 1]))
                end = m_at;
        }
        out = std::string(m_text.substr(start, end - start));
        return true;
    }

    std::string_view m_text;
    std::size_t m_at = 0;
};

bool needsQuotes(std::string_view value)
{
    if (value.empty())
        return false;
    if (value.front() == '"' || isSpace(value.front()) || isSpace(value.back()))
        return true;
    for (std::size_t i = 0; i + 1 < value.size(); ++i) {
        if (isSpace(value[i]) && startsWithWord(value, i + 1, "and"))
            return true;
    }
    return false;
}

} // namespace

std::string_view operatorText(AttributeOp op)
{
    switch (op) {
    case AttributeOp::Exists:
        return "";
    case AttributeOp::Equals:
        return "=";
    case AttributeOp::NotEquals:
        return "!=";
    case AttributeOp::Less:
        return "<";
    case AttributeOp::LessOrEqual:
        return "<=";
    case AttributeOp::Greater:
        return ">";
    case AttributeOp::GreaterOrEqual:
        return ">=";
    }
    return "";
}

Result<std::vector<AttributeCondition>> parseAttributeConditions(std::string_view text)
{
    std::vector<AttributeCondition> out;
    ClauseReader reader(text);
    std::string error;
    while (!reader.atEnd()) {
        if (out.size() == MaxAttributeConditions)
            return Error{"At most " + std::to_string(MaxAttributeConditions)
                         + " attribute clauses can be combined."};
        AttributeCondition condition;
        if (!reader.clause(condition, error) || !reader.separator(error))
            return Error{error};
        out.push_back(std::move(condition));
    }
    return out;
}

std::string clauseText(const AttributeCondition &condition)
{
    if (condition.op == AttributeOp::Exists)
        return condition.key + " exists";
    return condition.key + std::string(operatorText(condition.op)) + valueText(condition.value);
}

std::string valueText(std::string_view value)
{
    if (!needsQuotes(value))
        return std::string(value);
    std::string quoted = "\"";
    for (const char c : value) {
        if (c == '"' || c == '\\')
            quoted += '\\';
        quoted += c;
    }
    return quoted + '"';
}

} // namespace spanscope::storage

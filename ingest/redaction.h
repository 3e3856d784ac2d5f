#pragma once

#include <result.h>
#include <tracestore.h>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace spanscope::ingest {

// What an exported bundle must not carry: attributes whose key matches a key pattern have their
// value replaced; text matching a value pattern is replaced inside any string (attribute values,
// log bodies, status messages, stack traces). Patterns are ECMAScript regular expressions,
// matched ignoring case.
struct RedactionRules
{
    std::vector<std::string> keyPatterns;
    std::vector<std::string> valuePatterns;

    // Authorization, cookie and API-key headers, tokens, passwords, secrets, private keys and
    // session ids by key; e-mail addresses and bearer tokens by value.
    static RedactionRules defaults();
    // {"keys": ["..."], "values": ["..."], "defaults": true} ("defaults" adds the defaults).
    static storage::Result<RedactionRules> fromJson(std::string_view json);
};

// Applies rules to stored telemetry and counts what it masked, per pattern (never the values).
class Redactor
{
public:
    // Fails with the pattern that is not a valid regular expression.
    static storage::Result<std::unique_ptr<Redactor>> create(const RedactionRules &rules);

    void redact(storage::TraceData &trace);
    void redact(storage::LogPage &page);
    // Masked values per pattern.
    const std::map<std::string, int> &counts() const { return m_counts; }
    const RedactionRules &rules() const { return m_rules; }

    static constexpr const char *Mask = "[REDACTED]";

private:
    explicit Redactor(RedactionRules rules);
    void redact(storage::Attributes &attributes);
    void redact(std::vector<storage::Resource> &resources, std::vector<storage::Scope> &scopes);
    void redact(storage::AnyValue &value);
    void redactText(std::string &text);

    RedactionRules m_rules;
    std::vector<std::regex> m_keys, m_values;
    std::map<std::string, int> m_counts;
};

} // namespace spanscope::ingest

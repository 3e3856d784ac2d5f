#pragma once

#include <result.h>
#include <tracestore.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace spanscope::ingest {

// What an exported bundle must not carry: attributes whose key matches a key pattern have their
// value replaced; text matching a value pattern is replaced inside any string (attribute values,
// log bodies, URLs, status messages, stack traces). Patterns are RE2 regular expressions (the
// common ECMAScript syntax without back-references or look-around), matched ignoring case in
// time linear in the text, so a hostile 100 000-character value costs milliseconds. A value
// pattern with a capturing group keeps the group's text and masks the rest of the match:
// `([?&]token=)[^&#]*` masks a query parameter's value and keeps its name.
struct RedactionRules
{
    std::vector<std::string> keyPatterns;
    std::vector<std::string> valuePatterns;
    // Attribute keys (exact) left as they are whatever the patterns say: what the user chose
    // to un-mask in the export preview.
    std::vector<std::string> keepKeys;

    // Authorization, cookie and API-key headers, tokens, passwords, secrets, private keys and
    // session ids by key; e-mail addresses, bearer tokens and the values of URL query
    // parameters named like secrets (session, token, key, signature, password, auth, ...) by value.
    static RedactionRules defaults();
    // {"keys": ["..."], "values": ["..."], "keep": ["..."], "defaults": true} ("defaults" adds
    // the defaults).
    static storage::Result<RedactionRules> fromJson(std::string_view json);
};

// Applies rules to stored telemetry and counts what it masked, per pattern (never the values).
class Redactor
{
public:
    // Fails with the pattern that is not a valid regular expression.
    static storage::Result<std::unique_ptr<Redactor>> create(const RedactionRules &rules);
    ~Redactor();

    void redact(storage::TraceData &trace);
    void redact(storage::LogPage &page);
    // The parts of a trace, for one read span by span.
    void redact(std::vector<storage::Resource> &resources, std::vector<storage::Scope> &scopes);
    void redact(storage::Span &span);
    // Text shown on its own, such as an exception's message.
    void redact(std::string &text) { redactText(text, "message"); }
    // Masked values per pattern.
    const std::map<std::string, int> &counts() const { return m_counts; }

    // One masked value, for the export preview: where (set with setPlace()), the attribute key
    // ("" for a log body or status message), the value as it will read, and the pattern.
    struct Finding
    {
        std::string place, key, masked, pattern;
    };
    // Records findings from now on, at most MaxFindings (the counts go on past them).
    void recordFindings() { m_recording = true; }
    void setPlace(std::string place) { m_place = std::move(place); }
    const std::vector<Finding> &findings() const { return m_findings; }
    static constexpr std::size_t MaxFindings = 1000;
    const RedactionRules &rules() const { return m_rules; }

    static constexpr const char *Mask = "[REDACTED]";

private:
    explicit Redactor(RedactionRules rules);
    void redact(storage::Attributes &attributes);
    void redact(storage::AnyValue &value);
    void redactText(std::string &text, std::string_view key);
    void found(std::string_view key, const std::string &masked, const std::string &pattern);

    RedactionRules m_rules;
    std::vector<std::unique_ptr<re2::RE2>> m_keys, m_values;
    std::vector<std::string> m_rewrites; // per value pattern: the mask, after group 1 if any
    std::map<std::string, int> m_counts;
    bool m_recording = false;
    std::string m_place;
    std::string m_key; // the attribute whose value is being read; "" for a log body
    std::vector<Finding> m_findings;
};

} // namespace spanscope::ingest

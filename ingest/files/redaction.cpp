#include "redaction.h"

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include <algorithm>
#include <utility>

namespace spanscope::ingest {

RedactionRules RedactionRules::defaults()
{
    return {{"authorization", "cookie", "api[-_.]?key", "token", "passw(or)?d", "secret",
             "private[-_.]?key", "session[-_.]?id", "credential"},
            {"[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}", "bearer\\s+[a-z0-9._~+/=-]+",
             // A query parameter whose name says secret: ?session=abc, &api_key=..., ;jsessionid=
             "([?&;][a-z0-9_.-]*(?:session|token|key|signature|secret|passw(?:or)?d|pwd|auth|"
             "credential)[a-z0-9_.-]*=)[^&#;\\s\"']*"}};
}

storage::Result<RedactionRules> RedactionRules::fromJson(std::string_view text)
{
    const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!json.is_object())
        return storage::Error{"The redaction rules are not a JSON object."};
    RedactionRules rules;
    if (json.value("defaults", false))
        rules = defaults();
    for (const auto &[list, into] : {std::pair{"keys", &rules.keyPatterns},
                                     {"values", &rules.valuePatterns},
                                     {"keep", &rules.keepKeys}}) {
        if (!json.contains(list))
            continue;
        if (!json[list].is_array())
            return storage::Error{std::string("\"") + list + "\" must be a list of strings."};
        for (const auto &entry : json[list]) {
            if (!entry.is_string())
                return storage::Error{std::string("\"") + list + "\" must hold strings."};
            into->push_back(entry.get<std::string>());
        }
    }
    for (const auto &[key, value] : json.items()) {
        if (key != "keys" && key != "values" && key != "keep" && key != "defaults")
            return storage::Error{"Unknown redaction setting \"" + key + "\"."};
    }
    return rules;
}

storage::Result<std::unique_ptr<Redactor>> Redactor::create(const RedactionRules &rules)
{
    std::unique_ptr<Redactor> redactor(new Redactor(rules));
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    const auto compile = [&](const std::string &pattern) -> storage::Result<std::unique_ptr<RE2>> {
        auto re = std::make_unique<RE2>(pattern, options);
        if (!re->ok())
            return storage::Error{"The redaction pattern \"" + pattern
                                  + "\" is not a valid regular expression: " + re->error()};
        return re;
    };
    for (const std::string &pattern : rules.keyPatterns) {
        auto re = compile(pattern);
        if (!re)
            return storage::Error{re.error()};
        redactor->m_keys.push_back(std::move(*re));
    }
    for (const std::string &pattern : rules.valuePatterns) {
        auto re = compile(pattern);
        if (!re)
            return storage::Error{re.error()};
        redactor->m_rewrites.push_back(
            (*re)->NumberOfCapturingGroups() > 0 ? std::string("\\1") + Mask : std::string(Mask));
        redactor->m_values.push_back(std::move(*re));
    }
    return redactor;
}

Redactor::Redactor(RedactionRules rules)
    : m_rules(std::move(rules))
{}

Redactor::~Redactor() = default;

void Redactor::found(std::string_view key, const std::string &masked, const std::string &pattern)
{
    if (!m_recording || m_findings.size() >= MaxFindings)
        return;
    // A preview of the value as it will read: never the original, and short.
    constexpr std::size_t Shown = 80;
    m_findings.push_back({m_place, std::string(key),
                          masked.size() > Shown ? masked.substr(0, Shown) + "…" : masked, pattern});
}

void Redactor::redactText(std::string &text, std::string_view key)
{
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        if (RE2::GlobalReplace(&text, *m_values[i], m_rewrites[i]) > 0) {
            ++m_counts[m_rules.valuePatterns[i]];
            found(key, text, m_rules.valuePatterns[i]);
        }
    }
}

void Redactor::redact(storage::AnyValue &value)
{
    if (auto *text = std::get_if<std::string>(&value.value)) {
        redactText(*text, m_key);
    } else if (auto *array = std::get_if<storage::AnyValue::Array>(&value.value)) {
        for (storage::AnyValue &item : *array)
            redact(item);
    } else if (auto *list = std::get_if<storage::AnyValue::KeyValueList>(&value.value)) {
        redact(*list);
    }
}

void Redactor::redact(storage::Attributes &attributes)
{
    for (storage::KeyValue &kv : attributes) {
        if (std::find(m_rules.keepKeys.begin(), m_rules.keepKeys.end(), kv.key)
            != m_rules.keepKeys.end())
            continue; // un-masked by the user
        bool masked = false;
        for (std::size_t i = 0; i < m_keys.size() && !masked; ++i) {
            if (RE2::PartialMatch(kv.key, *m_keys[i])) {
                kv.value.value = std::string(Mask);
                ++m_counts[m_rules.keyPatterns[i]];
                found(kv.key, Mask, m_rules.keyPatterns[i]);
                masked = true;
            }
        }
        if (!masked) {
            const std::string outer = std::exchange(m_key, kv.key);
            redact(kv.value);
            m_key = outer;
        }
    }
}

void Redactor::redact(std::vector<storage::Resource> &resources,
                      std::vector<storage::Scope> &scopes)
{
    for (storage::Resource &resource : resources)
        redact(resource.attributes);
    for (storage::Scope &scope : scopes)
        redact(scope.attributes);
}

void Redactor::redact(storage::Span &span)
{
    redact(span.attributes);
    redactText(span.statusMessage, "status message");
    for (storage::SpanEvent &event : span.events)
        redact(event.attributes);
    for (storage::SpanLink &link : span.links)
        redact(link.attributes);
}

void Redactor::redact(storage::TraceData &trace)
{
    redact(trace.resources, trace.scopes);
    for (storage::StoredSpan &stored : trace.spans)
        redact(stored.span);
}

void Redactor::redact(storage::LogPage &page)
{
    redact(page.resources, page.scopes);
    for (storage::StoredLog &log : page.logs) {
        redact(log.record.body);
        redact(log.record.attributes);
    }
}

} // namespace spanscope::ingest

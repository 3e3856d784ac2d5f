#include "redaction.h"

#include <nlohmann/json.hpp>
#include <re2/re2.h>

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
    for (const char *list : {"keys", "values"}) {
        if (!json.contains(list))
            continue;
        if (!json[list].is_array())
            return storage::Error{std::string("\"") + list + "\" must be a list of patterns."};
        for (const auto &pattern : json[list]) {
            if (!pattern.is_string())
                return storage::Error{std::string("\"") + list + "\" must hold strings."};
            (std::string_view(list) == "keys" ? rules.keyPatterns : rules.valuePatterns)
                .push_back(pattern.get<std::string>());
        }
    }
    for (const auto &[key, value] : json.items()) {
        if (key != "keys" && key != "values" && key != "defaults")
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

void Redactor::redactText(std::string &text)
{
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        if (RE2::GlobalReplace(&text, *m_values[i], m_rewrites[i]) > 0)
            ++m_counts[m_rules.valuePatterns[i]];
    }
}

void Redactor::redact(storage::AnyValue &value)
{
    if (auto *text = std::get_if<std::string>(&value.value)) {
        redactText(*text);
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
        bool masked = false;
        for (std::size_t i = 0; i < m_keys.size() && !masked; ++i) {
            if (RE2::PartialMatch(kv.key, *m_keys[i])) {
                kv.value.value = std::string(Mask);
                ++m_counts[m_rules.keyPatterns[i]];
                masked = true;
            }
        }
        if (!masked)
            redact(kv.value);
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
    redactText(span.statusMessage);
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

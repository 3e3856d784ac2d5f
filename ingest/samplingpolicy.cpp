#include "samplingpolicy.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

namespace spanscope::ingest {

namespace {

using Json = nlohmann::json;

std::uint64_t lowBits(const storage::TraceId &id)
{
    std::uint64_t value = 0;
    for (int i = 8; i < 16; ++i)
        value = value << 8 | id[i];
    return value;
}

const storage::AnyValue *attributeOf(const storage::Attributes &attributes, const std::string &key)
{
    for (const storage::KeyValue &kv : attributes) {
        if (kv.key == key)
            return &kv.value;
    }
    return nullptr;
}

bool valueEquals(const storage::AnyValue &value, const std::string &text)
{
    if (const auto *s = std::get_if<std::string>(&value.value))
        return *s == text;
    if (const auto *i = std::get_if<std::int64_t>(&value.value))
        return std::to_string(*i) == text;
    if (const auto *b = std::get_if<bool>(&value.value))
        return (*b ? "true" : "false") == text;
    return false;
}

const char *fieldName(SpanMatch::Field field)
{
    switch (field) {
    case SpanMatch::Field::Service:
        return "service";
    case SpanMatch::Field::Attribute:
        return "attribute";
    case SpanMatch::Field::SpanName:
        break;
    }
    return "name";
}

std::string percent(double ratio)
{
    std::ostringstream out;
    out << ratio * 100 << " %";
    return out.str();
}

} // namespace

bool ratioKeeps(const storage::TraceId &traceId, double ratio, RatioAlgorithm algorithm)
{
    if (ratio >= 1.0)
        return true;
    if (!(ratio > 0.0))
        return false;
    const std::uint64_t low = lowBits(traceId);
    if (algorithm == RatioAlgorithm::LowBits64) {
        // Python: trace_id & (2^64 - 1) < round(ratio * 2^64).
        const long double bound
            = std::roundl(static_cast<long double>(ratio) * 18446744073709551616.0L);
        return static_cast<long double>(low) < bound;
    }
    // Consistent: R >= T with T = (1 - ratio) * 2^56, both 56-bit.
    const std::uint64_t randomness = low & ((std::uint64_t(1) << 56) - 1);
    const auto threshold = static_cast<std::uint64_t>(
        std::llroundl((1.0L - static_cast<long double>(ratio)) * 72057594037927936.0L));
    return randomness >= threshold;
}

bool SpanMatch::matches(const storage::Span &span, const storage::Resource &resource) const
{
    switch (field) {
    case Field::SpanName:
        return span.name == value;
    case Field::Service:
        return resource.serviceName() == value;
    case Field::Attribute:
        if (const auto *found = attributeOf(span.attributes, key))
            return valueEquals(*found, value);
        if (const auto *found = attributeOf(resource.attributes, key))
            return valueEquals(*found, value);
        return false;
    }
    return false;
}

std::string SpanMatch::describe() const
{
    switch (field) {
    case Field::SpanName:
        return "span name = " + value;
    case Field::Service:
        return "service = " + value;
    case Field::Attribute:
        break;
    }
    return key + " = " + value;
}

std::string DropRule::name() const
{
    return "drop " + std::string(wholeTrace ? "traces with root " : "spans with ")
        + match.describe();
}

bool SamplingPolicy::decidesAtRoot() const
{
    return keepErrors || keepSlowerThanNs > 0
        || std::any_of(dropRules.begin(), dropRules.end(),
                       [](const DropRule &rule) { return rule.wholeTrace; });
}

bool SamplingPolicy::keepsEverything() const
{
    if (ratio < 1.0 || !dropRules.empty() || maxTracesPerSecond > 0)
        return false;
    for (const auto &[service, serviceRatio] : serviceRatios) {
        if (serviceRatio < 1.0)
            return false;
    }
    return true;
}

std::string SamplingPolicy::summary() const
{
    if (keepsEverything())
        return "keep everything";
    std::string text = "ratio " + percent(ratio)
        + (algorithm == RatioAlgorithm::LowBits64 ? " (low 64 bits)" : " (consistent)");
    if (!serviceRatios.empty())
        text += ", " + std::to_string(serviceRatios.size())
            + (serviceRatios.size() == 1 ? " service ratio" : " service ratios");
    if (!dropRules.empty())
        text += ", " + std::to_string(dropRules.size())
            + (dropRules.size() == 1 ? " drop rule" : " drop rules");
    if (keepErrors)
        text += ", keep errors";
    if (keepSlowerThanNs > 0)
        text += ", keep traces over " + std::to_string(keepSlowerThanNs / 1'000'000) + " ms";
    if (maxTracesPerSecond > 0) {
        std::ostringstream limit;
        limit << ", at most " << maxTracesPerSecond << " traces/s per service";
        text += limit.str();
    }
    return text;
}

storage::Result<SamplingPolicy> SamplingPolicy::fromJson(std::string_view text)
{
    const Json json = Json::parse(text.begin(), text.end(), nullptr, false);
    if (!json.is_object())
        return storage::Error{"The sampling policy is not a JSON object."};
    SamplingPolicy policy;
    const auto ratioIn
        = [](const Json &value, const std::string &where) -> storage::Result<double> {
        if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1)
            return storage::Error{where + " must be a number from 0 to 1."};
        return value.get<double>();
    };
    for (const auto &[key, value] : json.items()) {
        if (key == "ratio") {
            auto ratio = ratioIn(value, "ratio");
            if (!ratio)
                return storage::Error{ratio.error()};
            policy.ratio = *ratio;
        } else if (key == "algorithm") {
            if (value == "low64")
                policy.algorithm = RatioAlgorithm::LowBits64;
            else if (value == "consistent")
                policy.algorithm = RatioAlgorithm::Consistent56;
            else
                return storage::Error{"algorithm must be \"low64\" or \"consistent\"."};
        } else if (key == "serviceRatios" && value.is_object()) {
            for (const auto &[service, serviceRatio] : value.items()) {
                auto ratio = ratioIn(serviceRatio, "serviceRatios." + service);
                if (!ratio)
                    return storage::Error{ratio.error()};
                policy.serviceRatios[service] = *ratio;
            }
        } else if (key == "dropRules" && value.is_array()) {
            for (std::size_t i = 0; i < value.size(); ++i) {
                const Json &rule = value[i];
                const std::string where = "dropRules[" + std::to_string(i) + "]";
                if (!rule.is_object() || !rule.contains("value") || !rule["value"].is_string())
                    return storage::Error{where + " needs a \"value\" string."};
                DropRule drop;
                const std::string field = rule.value("field", std::string("name"));
                if (field == "name")
                    drop.match.field = SpanMatch::Field::SpanName;
                else if (field == "service")
                    drop.match.field = SpanMatch::Field::Service;
                else if (field == "attribute" && rule.contains("key") && rule["key"].is_string())
                    drop.match.field = SpanMatch::Field::Attribute;
                else
                    return storage::Error{where
                                          + ".field must be \"name\", \"service\" or \"attribute\" "
                                            "(with a \"key\")."};
                drop.match.key = rule.value("key", std::string());
                drop.match.value = rule["value"].get<std::string>();
                const std::string scope = rule.value("scope", std::string("trace"));
                if (scope != "trace" && scope != "span")
                    return storage::Error{where + ".scope must be \"trace\" or \"span\"."};
                drop.wholeTrace = scope == "trace";
                policy.dropRules.push_back(std::move(drop));
            }
        } else if (key == "keepErrors" && value.is_boolean()) {
            policy.keepErrors = value.get<bool>();
        } else if (key == "maxTracesPerSecond" && value.is_number() && value.get<double>() >= 0) {
            policy.maxTracesPerSecond = value.get<double>();
        } else if (key == "remote") {
            auto remote = RemoteSamplingConfig::fromJson(value.dump());
            if (!remote)
                return storage::Error{remote.error()};
            policy.remote = std::move(*remote);
        } else if (key == "keepSlowerThanMs" && value.is_number() && value.get<double>() >= 0) {
            policy.keepSlowerThanNs = static_cast<std::int64_t>(value.get<double>() * 1e6);
        } else if (key == "decisionWaitMs" && value.is_number_integer()
                   && value.get<std::int64_t>() >= 10 && value.get<std::int64_t>() <= 600'000) {
            policy.decisionWaitMs = value.get<int>();
        } else {
            return storage::Error{"Unknown or malformed sampling setting \"" + key + "\"."};
        }
    }
    return policy;
}

std::string SamplingPolicy::toJson() const
{
    Json json;
    json["ratio"] = ratio;
    json["algorithm"] = algorithm == RatioAlgorithm::LowBits64 ? "low64" : "consistent";
    json["serviceRatios"] = Json::object();
    for (const auto &[service, serviceRatio] : serviceRatios)
        json["serviceRatios"][service] = serviceRatio;
    json["dropRules"] = Json::array();
    for (const DropRule &rule : dropRules) {
        Json item{{"field", fieldName(rule.match.field)},
                  {"value", rule.match.value},
                  {"scope", rule.wholeTrace ? "trace" : "span"}};
        if (rule.match.field == SpanMatch::Field::Attribute)
            item["key"] = rule.match.key;
        json["dropRules"].push_back(std::move(item));
    }
    json["keepErrors"] = keepErrors;
    json["keepSlowerThanMs"] = static_cast<double>(keepSlowerThanNs) / 1e6;
    json["maxTracesPerSecond"] = maxTracesPerSecond;
    json["decisionWaitMs"] = decisionWaitMs;
    json["remote"] = Json::parse(remote.toJson());
    return json.dump(2);
}

} // namespace spanscope::ingest

#include "foreigntraces.h"

#include <otlp/otlpjsonsplit.h>

#include <nlohmann/json.hpp>

#include <limits>
#include <map>

namespace spanscope::ingest {

namespace {

using Json = nlohmann::json;

// Jaeger writes 16 hex digits for a trace id whose high half is zero; ids are left-padded.
template<typename Id>
bool hexId(const Json &value, Id &out)
{
    if (!value.is_string())
        return false;
    std::string hex = value.get<std::string>();
    const std::size_t digits = out.size() * 2;
    if (hex.empty() || hex.size() > digits)
        return false;
    hex.insert(0, digits - hex.size(), '0');
    return storage::fromHex(hex, out);
}

// Microseconds to nanoseconds; a time nanoseconds cannot hold (negative, huge, NaN) is 0.
std::uint64_t micros(const Json &value)
{
    constexpr std::uint64_t Largest = std::numeric_limits<std::uint64_t>::max() / 1000;
    if (value.is_number_unsigned()) {
        const auto v = value.get<std::uint64_t>();
        return v <= Largest ? v * 1000 : 0;
    }
    if (value.is_number_integer()) {
        const auto v = value.get<std::int64_t>();
        return v >= 0 && static_cast<std::uint64_t>(v) <= Largest
            ? static_cast<std::uint64_t>(v) * 1000
            : 0;
    }
    if (value.is_number_float()) {
        const double v = value.get<double>();
        return v >= 0 && v < static_cast<double>(Largest) ? static_cast<std::uint64_t>(v * 1000)
                                                          : 0;
    }
    return 0;
}

storage::AnyValue jaegerValue(const Json &tag)
{
    storage::AnyValue out;
    const std::string type = tag.value("type", std::string("string"));
    const Json &value = tag.contains("value") ? tag["value"] : Json();
    if (type == "bool" && value.is_boolean())
        out.value = value.get<bool>();
    else if (type == "int64" && value.is_number_integer())
        out.value = value.get<std::int64_t>();
    else if (type == "int64" && value.is_string())
        out.value = static_cast<std::int64_t>(std::stoll(value.get<std::string>()));
    else if (type == "float64" && value.is_number())
        out.value = value.get<double>();
    else
        out.value = value.is_string() ? value.get<std::string>() : value.dump();
    return out;
}

storage::SpanKind kindNamed(std::string name)
{
    for (char &c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "server")
        return storage::SpanKind::Server;
    if (name == "client")
        return storage::SpanKind::Client;
    if (name == "producer")
        return storage::SpanKind::Producer;
    if (name == "consumer")
        return storage::SpanKind::Consumer;
    return storage::SpanKind::Internal;
}

storage::ScopedSpans &groupFor(storage::TraceBatch &batch,
                               std::map<std::string, std::size_t> &groups, const std::string &key,
                               const storage::Attributes &resource)
{
    auto [it, added] = groups.try_emplace(key, batch.groups.size());
    if (added) {
        batch.groups.emplace_back();
        batch.groups.back().resource.attributes = resource;
    }
    return batch.groups[it->second];
}

// A field of the expected name holding another type (a number for a name, a list for an
// object): the file is refused, naming the span.
storage::Result<storage::TraceBatch> wrongType(const std::string &at, const Json::exception &error)
{
    std::string what = error.what();
    what.erase(0, what.find(']') + 1); // nlohmann's "[json.exception.type_error.302]" prefix
    return storage::Error{at + " has a field of the wrong type:" + what};
}

} // namespace

namespace {

bool hasKeys(std::string_view object, std::initializer_list<std::string_view> names)
{
    const auto keys = jsonObjectKeys(object);
    return keys && std::all_of(names.begin(), names.end(), [&keys](std::string_view name) {
               return std::find(keys->begin(), keys->end(), name) != keys->end();
           });
}

} // namespace

std::optional<storage::Result<storage::TraceBatch>> readJaegerJson(std::string_view text)
{
    // Told by its keys first: an OTLP file of gigabytes must not become a tree to learn that
    // it is not Jaeger's.
    if (!hasKeys(text, {"data"}))
        return std::nullopt;
    const Json json = Json::parse(text.begin(), text.end(), nullptr, false);
    if (!json.is_object() || !json.contains("data") || !json["data"].is_array())
        return std::nullopt;
    storage::TraceBatch batch;
    std::map<std::string, std::size_t> groups;
    const Json &traces = json["data"];
    for (std::size_t t = 0; t < traces.size(); ++t) {
        const Json &trace = traces[t];
        const std::string where = "data[" + std::to_string(t) + "]";
        if (!trace.is_object() || !trace.contains("spans") || !trace["spans"].is_array())
            return storage::Result<storage::TraceBatch>(storage::Error{where + " has no spans"});
        const Json processes = trace.value("processes", Json::object());
        for (std::size_t s = 0; s < trace["spans"].size(); ++s) {
            const Json &item = trace["spans"][s];
            const std::string at = where + ".spans[" + std::to_string(s) + "]";
            try {
                storage::Span span;
                if (!item.is_object() || !hexId(item.value("traceID", Json()), span.traceId)
                    || !hexId(item.value("spanID", Json()), span.spanId))
                    return storage::Result<storage::TraceBatch>(
                        storage::Error{at + " needs hex traceID and spanID"});
                span.name = item.value("operationName", std::string());
                span.startUnixNano = micros(item.value("startTime", Json()));
                span.endUnixNano = span.startUnixNano + micros(item.value("duration", Json()));
                span.kind = storage::SpanKind::Internal;
                for (const Json &reference : item.value("references", Json::array())) {
                    storage::SpanId other{};
                    storage::TraceId otherTrace{};
                    if (!hexId(reference.value("spanID", Json()), other))
                        continue;
                    hexId(reference.value("traceID", Json()), otherTrace);
                    if (reference.value("refType", std::string()) == "CHILD_OF"
                        && !storage::isValid(span.parentSpanId))
                        span.parentSpanId = other;
                    else
                        span.links.push_back({otherTrace, other, {}, {}, 0, 0});
                }
                if (!storage::isValid(span.parentSpanId))
                    hexId(item.value("parentSpanID", Json()), span.parentSpanId);
                for (const Json &tag : item.value("tags", Json::array())) {
                    const std::string key = tag.value("key", std::string());
                    if (key == "span.kind")
                        span.kind = kindNamed(tag.value("value", std::string()));
                    else if (key == "error" && tag.value("value", Json()) == true)
                        span.statusCode = storage::StatusCode::Error;
                    else if (key == "otel.status_code")
                        span.statusCode = tag.value("value", std::string()) == "ERROR"
                            ? storage::StatusCode::Error
                            : storage::StatusCode::Ok;
                    else if (key == "otel.status_description")
                        span.statusMessage = tag.value("value", std::string());
                    else
                        span.attributes.push_back({key, jaegerValue(tag)});
                }
                for (const Json &log : item.value("logs", Json::array())) {
                    storage::SpanEvent event;
                    event.timeUnixNano = micros(log.value("timestamp", Json()));
                    event.name = "log";
                    for (const Json &field : log.value("fields", Json::array())) {
                        if (field.value("key", std::string()) == "event")
                            event.name = field.value("value", std::string("log"));
                        else
                            event.attributes.push_back(
                                {field.value("key", std::string()), jaegerValue(field)});
                    }
                    span.events.push_back(std::move(event));
                }
                // The process: by id in the trace's table, or inline.
                const Json process = item.contains("process")
                    ? item["process"]
                    : processes.value(item.value("processID", std::string()), Json::object());
                const std::string service
                    = process.value("serviceName", std::string("unknown_service"));
                storage::Attributes resource{{"service.name", {service}}};
                for (const Json &tag : process.value("tags", Json::array()))
                    resource.push_back({tag.value("key", std::string()), jaegerValue(tag)});
                groupFor(batch, groups, process.dump(), resource).spans.push_back(std::move(span));
            } catch (const Json::exception &error) {
                return wrongType(at, error);
            }
        }
    }
    return storage::Result<storage::TraceBatch>(std::move(batch));
}

std::optional<storage::Result<storage::TraceBatch>> readZipkinJson(std::string_view text)
{
    bool zipkin = false;
    std::string ignored;
    forEachJsonElement(
        text.substr(std::min(text.size(), text.find_first_not_of(" \t\r\n"))),
        [&zipkin](std::string_view first) {
            zipkin = hasKeys(first, {"traceId", "id"});
            return false; // the first span says it
        },
        ignored);
    if (!zipkin)
        return std::nullopt;
    const Json json = Json::parse(text.begin(), text.end(), nullptr, false);
    if (!json.is_array() || json.empty() || !json[0].is_object() || !json[0].contains("traceId")
        || !json[0].contains("id"))
        return std::nullopt;
    storage::TraceBatch batch;
    std::map<std::string, std::size_t> groups;
    for (std::size_t i = 0; i < json.size(); ++i) {
        const Json &item = json[i];
        const std::string at = "span " + std::to_string(i + 1);
        try {
            storage::Span span;
            if (!item.is_object() || !hexId(item.value("traceId", Json()), span.traceId)
                || !hexId(item.value("id", Json()), span.spanId))
                return storage::Result<storage::TraceBatch>(
                    storage::Error{at + " needs hex traceId and id"});
            hexId(item.value("parentId", Json()), span.parentSpanId);
            span.name = item.value("name", std::string());
            span.kind = kindNamed(item.value("kind", std::string()));
            span.startUnixNano = micros(item.value("timestamp", Json()));
            span.endUnixNano = span.startUnixNano + micros(item.value("duration", Json()));
            const Json tags = item.value("tags", Json::object());
            for (const auto &[key, value] : tags.items()) {
                const std::string text
                    = value.is_string() ? value.get<std::string>() : value.dump();
                if (key == "error") {
                    span.statusCode = storage::StatusCode::Error;
                    span.statusMessage = text;
                } else {
                    span.attributes.push_back({key, {text}});
                }
            }
            const Json remote = item.value("remoteEndpoint", Json::object());
            if (remote.contains("serviceName"))
                span.attributes.push_back(
                    {"peer.service", {remote["serviceName"].get<std::string>()}});
            for (const Json &annotation : item.value("annotations", Json::array()))
                span.events.push_back({micros(annotation.value("timestamp", Json())),
                                       annotation.value("value", std::string()),
                                       {},
                                       0});
            const std::string service = item.value("localEndpoint", Json::object())
                                            .value("serviceName", std::string("unknown_service"));
            groupFor(batch, groups, service, {{"service.name", {service}}})
                .spans.push_back(std::move(span));
        } catch (const Json::exception &error) {
            return wrongType(at, error);
        }
    }
    return storage::Result<storage::TraceBatch>(std::move(batch));
}

} // namespace spanscope::ingest

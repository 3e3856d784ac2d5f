#include "decodecost.h"

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

namespace spanscope::ingest {

namespace {

// Deeper data is refused by the parser anyway (its recursion limit is 100).
constexpr int MaxDepth = 100;

bool isSpanLevel(const google::protobuf::Descriptor &type)
{
    const std::string &name = type.full_name();
    return name == "opentelemetry.proto.trace.v1.Span"
        || name == "opentelemetry.proto.logs.v1.LogRecord"
        || name == "opentelemetry.proto.metrics.v1.Metric"
        || (name.size() > 9 && name.compare(name.size() - 9, 9, "DataPoint") == 0);
}

struct WireReader
{
    const char *at;
    const char *end;

    bool varint(std::uint64_t &out)
    {
        out = 0;
        for (int shift = 0; shift < 64 && at < end; shift += 7) {
            const auto byte = static_cast<std::uint8_t>(*at++);
            out |= std::uint64_t(byte & 0x7f) << shift;
            if (!(byte & 0x80))
                return true;
        }
        return false;
    }

    bool skip(std::uint64_t n)
    {
        if (n > std::uint64_t(end - at))
            return false;
        at += n;
        return true;
    }
};

void walk(std::string_view wire, const google::protobuf::Descriptor &type, int depth,
          std::uint64_t stopAt, std::uint64_t &cost)
{
    WireReader in{wire.data(), wire.data() + wire.size()};
    while (in.at < in.end && cost <= stopAt) {
        std::uint64_t tag;
        if (!in.varint(tag))
            return;
        std::uint64_t length = 0;
        switch (tag & 7) {
        case 0:
            if (!in.varint(length))
                return;
            continue;
        case 1:
            if (!in.skip(8))
                return;
            continue;
        case 5:
            if (!in.skip(4))
                return;
            continue;
        case 2:
            break;
        default:
            return; // groups or garbage: the parser will say
        }
        if (!in.varint(length) || length > std::uint64_t(in.end - in.at))
            return;
        const std::string_view bytes(in.at, static_cast<std::size_t>(length));
        in.at += length;
        const auto *field = type.FindFieldByNumber(static_cast<int>(tag >> 3));
        if (!field || field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE)
            continue;
        const google::protobuf::Descriptor &inner = *field->message_type();
        cost += isSpanLevel(inner) ? SpanCost : MessageCost;
        if (depth < MaxDepth)
            walk(bytes, inner, depth + 1, stopAt, cost);
    }
}

} // namespace

std::uint64_t protobufDecodeCost(std::string_view wire, const google::protobuf::Descriptor &type,
                                 std::uint64_t stopAt)
{
    std::uint64_t cost = wire.size();
    walk(wire, type, 0, stopAt, cost);
    return cost;
}

std::uint64_t jsonDecodeCost(std::string_view json, std::uint64_t stopAt)
{
    static const std::string_view SpanLevelArrays[]
        = {"spans", "logRecords", "log_records", "metrics", "dataPoints", "data_points"};
    std::uint64_t cost = json.size();
    // For each open array: whether its objects are span-level.
    std::vector<bool> arrays;
    std::vector<char> open; // '{' or '['
    std::string_view lastString; // the key before a ':' names what follows
    std::string_view key;
    for (std::size_t i = 0; i < json.size() && cost <= stopAt; ++i) {
        const char c = json[i];
        if (c == '"') {
            const std::size_t start = i + 1;
            for (++i; i < json.size() && json[i] != '"'; ++i) {
                if (json[i] == '\\')
                    ++i;
            }
            lastString = json.substr(start, std::min(i, json.size()) - start);
        } else if (c == ':') {
            key = lastString;
        } else if (c == '{') {
            const bool spanLevel = !open.empty() && open.back() == '[' && arrays.back();
            cost += spanLevel ? SpanCost : MessageCost;
            open.push_back('{');
        } else if (c == '[') {
            bool spanLevel = false;
            for (const std::string_view name : SpanLevelArrays)
                spanLevel = spanLevel || key == name;
            arrays.push_back(spanLevel);
            open.push_back('[');
        } else if (c == '}' || c == ']') {
            if (open.empty())
                break; // malformed; the parser will say where
            if (open.back() == '[')
                arrays.pop_back();
            open.pop_back();
        } else if (c == ',') {
            key = {};
        }
    }
    return cost;
}

} // namespace spanscope::ingest

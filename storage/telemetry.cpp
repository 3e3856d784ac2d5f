#include "telemetry.h"

#include <algorithm>

namespace spanscope::storage {

namespace {

template<std::size_t N>
bool anyNonZero(const std::array<std::uint8_t, N> &id)
{
    return std::any_of(id.begin(), id.end(), [](std::uint8_t b) { return b != 0; });
}

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

template<std::size_t N>
std::string hexOf(const std::array<std::uint8_t, N> &id)
{
    return hexEncode(std::string_view(reinterpret_cast<const char *>(id.data()), N));
}

template<std::size_t N>
bool parseHex(std::string_view hex, std::array<std::uint8_t, N> &out)
{
    std::string bytes;
    if (hex.size() != N * 2 || !hexDecode(hex, bytes))
        return false;
    std::copy(bytes.begin(), bytes.end(), out.begin());
    return true;
}

} // namespace

std::string hexEncode(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<std::uint8_t>(c);
        out += digits[b >> 4];
        out += digits[b & 0xF];
    }
    return out;
}

bool hexDecode(std::string_view hex, std::string &bytes)
{
    if (hex.size() % 2 != 0)
        return false;
    bytes.clear();
    bytes.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hexDigit(hex[i]);
        const int lo = hexDigit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        bytes += static_cast<char>(hi << 4 | lo);
    }
    return true;
}

bool isValid(const TraceId &id)
{
    return anyNonZero(id);
}
bool isValid(const SpanId &id)
{
    return anyNonZero(id);
}
std::string toHex(const TraceId &id)
{
    return hexOf(id);
}
std::string toHex(const SpanId &id)
{
    return hexOf(id);
}
bool fromHex(std::string_view hex, TraceId &out)
{
    return parseHex(hex, out);
}
bool fromHex(std::string_view hex, SpanId &out)
{
    return parseHex(hex, out);
}

bool AnyValue::operator==(const AnyValue &other) const
{
    return value == other.value;
}

std::string Resource::serviceName() const
{
    for (const KeyValue &kv : attributes) {
        if (kv.key == "service.name") {
            if (const auto *text = std::get_if<std::string>(&kv.value.value))
                return *text;
        }
    }
    return "unknown_service";
}

const char *toString(SpanKind kind)
{
    switch (kind) {
    case SpanKind::Unspecified:
        return "unspecified";
    case SpanKind::Internal:
        return "internal";
    case SpanKind::Server:
        return "server";
    case SpanKind::Client:
        return "client";
    case SpanKind::Producer:
        return "producer";
    case SpanKind::Consumer:
        return "consumer";
    }
    return "unspecified";
}

const char *toString(StatusCode code)
{
    switch (code) {
    case StatusCode::Unset:
        return "unset";
    case StatusCode::Ok:
        return "ok";
    case StatusCode::Error:
        return "error";
    }
    return "unset";
}

std::size_t TraceBatch::spanCount() const
{
    std::size_t n = 0;
    for (const ScopedSpans &g : groups)
        n += g.spans.size();
    return n;
}

std::size_t LogBatch::recordCount() const
{
    std::size_t n = 0;
    for (const ScopedLogs &g : groups)
        n += g.records.size();
    return n;
}

std::size_t approximateBytes(const Attributes &attributes)
{
    std::size_t n = attributes.size() * 64;
    for (const KeyValue &kv : attributes) {
        n += kv.key.size();
        if (const auto *text = std::get_if<std::string>(&kv.value.value))
            n += text->size();
    }
    return n;
}

std::size_t approximateBytes(const Span &span)
{
    std::size_t n = sizeof(Span) + span.name.size() + span.statusMessage.size()
        + span.traceState.size() + approximateBytes(span.attributes);
    for (const SpanEvent &event : span.events)
        n += sizeof(SpanEvent) + event.name.size() + approximateBytes(event.attributes);
    for (const SpanLink &link : span.links)
        n += sizeof(SpanLink) + link.traceState.size() + approximateBytes(link.attributes);
    return n;
}

} // namespace spanscope::storage

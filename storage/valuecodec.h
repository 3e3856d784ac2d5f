#pragma once

// The compact binary form in which spans keep their attributes, events and links in SQLite.
// Keys and short repeated string values are replaced by ids from the `strings` dictionary, so a
// typical 15-attribute span costs tens of bytes instead of hundreds.

#include "attributefilter.h"
#include "telemetry.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace spanscope::storage {

// Hands out dictionary ids while encoding. internValue may answer 0 to keep a value inline
// (long or high-cardinality values would only grow the dictionary).
class StringInterner
{
public:
    virtual ~StringInterner() = default;
    virtual std::uint64_t internKey(std::string_view key) = 0;
    virtual std::uint64_t internValue(std::string_view key, std::string_view value) = 0;
};

// Turns dictionary ids back into text while decoding; false for an unknown id.
class StringResolver
{
public:
    virtual ~StringResolver() = default;
    virtual bool resolve(std::uint64_t id, std::string &out) = 0;
};

void encodeAttributes(const Attributes &attributes, StringInterner &interner, std::string &out);
void encodeAnyValue(const AnyValue &value, StringInterner &interner, std::string &out);
void encodeEvents(const std::vector<SpanEvent> &events, std::uint64_t spanStart,
                  StringInterner &interner, std::string &out);
void encodeLinks(const std::vector<SpanLink> &links, StringInterner &interner, std::string &out);

// The same attributes in any order, interned or not, give the same bytes: keys sorted, every
// value written out with its type. Resources and scopes are found by this, never by their
// storage encoding (which depends on what the dictionary had seen).
std::string canonicalAttributes(const Attributes &attributes);
// What identifies a stored resource or scope: its canonical attributes and the rest of it.
std::string resourceFingerprint(const Resource &resource);
std::string scopeFingerprint(const Scope &scope);

// Decoders return false on damaged input instead of guessing.
bool decodeAttributes(std::string_view blob, StringResolver &resolver, Attributes &out);
bool decodeAnyValue(std::string_view blob, StringResolver &resolver, AnyValue &out);
bool decodeEvents(std::string_view blob, std::uint64_t spanStart, StringResolver &resolver,
                  std::vector<SpanEvent> &out);
bool decodeLinks(std::string_view blob, StringResolver &resolver, std::vector<SpanLink> &out);

// An attribute filter's clause prepared against the dictionary, so that matching decodes text
// only to compare numbers held in dictionary strings (`resolver`; without one they never match
// an ordering operator).
struct AttributeMatcher
{
    std::uint64_t keyId = 0;
    AttributeOp op = AttributeOp::Equals;
    std::optional<std::uint64_t> valueId; // set when the value text is in the dictionary
    std::string valueText;
    double number = 0; // for the ordering operators
    StringResolver *resolver = nullptr;
};
bool attributesMatch(std::string_view blob, const AttributeMatcher &matcher);
bool attributesHaveKey(std::string_view blob, std::uint64_t keyId);

// The text a filter compares against: strings as they are, numbers and booleans as printed.
std::string scalarText(const AnyValue &value);

} // namespace spanscope::storage

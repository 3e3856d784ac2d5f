#include "tracesearch.h"

#include <tracetext.h>

#include <QByteArrayMatcher>

#include <algorithm>

namespace spanscope::ui {

namespace {

// Case-insensitive substring search on UTF-8 without converting every string to QString: the
// needle and haystack are both folded to lower case ASCII; non-ASCII bytes compare exactly.
class Matcher
{
public:
    explicit Matcher(const QString &needle)
        : m_needle(needle.toLower().toUtf8())
    {}

    bool operator()(const std::string &text) const
    {
        if (text.size() < static_cast<std::size_t>(m_needle.size()))
            return false;
        const auto folded = [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        };
        return std::search(text.begin(), text.end(), m_needle.begin(), m_needle.end(),
                           [&](char a, char b) { return folded(a) == b; })
            != text.end();
    }

    bool anyAttribute(const storage::Attributes &attributes) const
    {
        return std::any_of(attributes.begin(), attributes.end(), [this](const auto &kv) {
            if ((*this)(kv.key))
                return true;
            if (const auto *s = std::get_if<std::string>(&kv.value.value))
                return (*this)(*s);
            return (*this)(storage::formatValue(kv.value));
        });
    }

private:
    QByteArray m_needle;
};

} // namespace

std::vector<int> findMatchingRows(const storage::TraceData &trace, const WaterfallLayout &layout,
                                  const QString &needle)
{
    std::vector<int> rows;
    if (needle.trimmed().isEmpty())
        return rows;
    const Matcher matches(needle.trimmed());
    // Resource attributes are shared by many spans: decided once per resource.
    std::vector<std::uint8_t> resourceMatches(trace.resources.size());
    for (std::size_t r = 0; r < trace.resources.size(); ++r)
        resourceMatches[r] = matches.anyAttribute(trace.resources[r].attributes) ? 1 : 0;
    for (int row = 0; row < layout.rowCount(); ++row) {
        if (layout.isPlaceholder(row))
            continue;
        const storage::StoredSpan &stored = trace.spans[layout.span(row)];
        const storage::Span &span = stored.span;
        const bool hit = matches(span.name) || matches(span.statusMessage)
            || resourceMatches[stored.resource] || matches.anyAttribute(span.attributes)
            || std::any_of(span.events.begin(), span.events.end(), [&](const auto &event) {
                             return matches(event.name) || matches.anyAttribute(event.attributes);
                         });
        if (hit)
            rows.push_back(row);
    }
    return rows;
}

} // namespace spanscope::ui

#include "tracestore.h"

#include "spansource.h"

#include "database.h"
#include "dictionaryreader.h"
#include "metrics/metricreader.h"
#include "services/servicereader.h"
#include "tracetext.h"
#include "valuecodec.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_map>

namespace spanscope::storage {

namespace {

template<std::size_t N>
void copyId(std::string_view blob, std::array<std::uint8_t, N> &out)
{
    if (blob.size() == N)
        std::memcpy(out.data(), blob.data(), N);
}

std::vector<std::string> splitList(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t end = std::min(text.find(ServiceSeparator, pos), text.size());
        out.emplace_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

constexpr const char *SummaryColumns
    = "t.trace_key, t.trace_id, t.start_ns, t.end_ns, t.span_count, t.error_count, t.log_count, "
      "t.has_root, t.root_service, t.root_name, t.services, t.received_ns, t.pinned, t.source, "
      "t.updated_seq, t.more_services";

TraceSummary readSummary(const Statement &row)
{
    TraceSummary s;
    s.key = row.integer(0);
    copyId(row.blob(1), s.traceId);
    s.startNs = row.integer(2);
    s.endNs = row.integer(3);
    s.spanCount = row.integer(4);
    s.errorCount = row.integer(5);
    s.logCount = row.integer(6);
    s.hasRoot = row.integer(7) != 0;
    s.rootService = std::string(row.text(8));
    s.rootName = std::string(row.text(9));
    s.services = splitList(row.text(10));
    s.receivedNs = row.integer(11);
    s.pinned = row.integer(12) != 0;
    s.source = std::string(row.text(13));
    s.updatedSeq = row.integer(14);
    s.moreServices = row.integer(15) != 0;
    return s;
}

// Maps database ids of resources or scopes to indices in a result's vectors.
template<typename T, typename Loader>
int indexOf(std::int64_t id, std::unordered_map<std::int64_t, int> &seen, std::vector<T> &items,
            Loader load)
{
    if (auto it = seen.find(id); it != seen.end())
        return it->second;
    T item;
    load(id, item);
    items.push_back(std::move(item));
    const int index = static_cast<int>(items.size()) - 1;
    seen.emplace(id, index);
    return index;
}

} // namespace

TraceStore::TraceStore(std::unique_ptr<Database> db)
    : m_db(std::move(db))
    , m_dictionary(std::make_unique<DictionaryReader>(*m_db))
{
    registerAttributeMatch(*m_db, *m_dictionary);
}

TraceStore::~TraceStore() = default;

ServiceReader &TraceStore::serviceReader()
{
    if (!m_serviceReader)
        m_serviceReader = std::make_unique<ServiceReader>(*m_db, *m_dictionary);
    return *m_serviceReader;
}

MetricReader &TraceStore::metrics()
{
    if (!m_metrics)
        m_metrics = std::make_unique<MetricReader>(*m_db, *m_dictionary);
    return *m_metrics;
}

Result<std::unique_ptr<TraceStore>> TraceStore::open(const std::string &path)
{
    auto db = Database::open(path, Database::Mode::ReadOnly);
    if (!db)
        return Error{db.error()};
    return std::unique_ptr<TraceStore>(new TraceStore(std::move(*db)));
}

std::optional<std::uint64_t> TraceStore::stringId(const std::string &text)
{
    Statement find(*m_db, "SELECT id FROM strings WHERE value = ?");
    if (find.bindText(1, text).next())
        return static_cast<std::uint64_t>(find.integer(0));
    return std::nullopt;
}

namespace {

// Attribute clauses take their parameters after the fixed ones of a query.
int clauseParam(std::size_t i)
{
    return 20 + static_cast<int>(i) * AttributeClauses::ParamsPerClause;
}

std::string orderExpression(TraceOrder order)
{
    switch (order) {
    case TraceOrder::Duration:
        return "(t.end_ns - t.start_ns)";
    case TraceOrder::Spans:
        return "t.span_count";
    case TraceOrder::Errors:
        return "t.error_count";
    case TraceOrder::Start:
        break;
    }
    return "t.start_ns";
}

} // namespace

std::int64_t sortValue(const TraceSummary &summary, TraceOrder order)
{
    switch (order) {
    case TraceOrder::Duration:
        return summary.durationNs();
    case TraceOrder::Spans:
        return summary.spanCount;
    case TraceOrder::Errors:
        return summary.errorCount;
    case TraceOrder::Start:
        break;
    }
    return summary.startNs;
}

bool narrows(const TraceFilter &filter)
{
    return !filter.service.empty() || !filter.spanName.empty() || filter.errorsOnly
        || filter.minDurationNs || filter.maxDurationNs || filter.startFromNs || filter.startToNs
        || !filter.attributes.empty() || filter.traceId || !filter.source.empty();
}

Result<std::vector<TraceSummary>> TraceStore::findTraces(const TraceFilter &filter)
{
    std::string sql
        = std::string("SELECT ") + SummaryColumns + " FROM traces t WHERE t.span_count > 0";
    std::optional<std::uint64_t> nameId;
    if (!filter.spanName.empty()) {
        nameId = stringId(filter.spanName);
        if (!nameId)
            return std::vector<TraceSummary>{};
        sql += " AND EXISTS (SELECT 1 FROM spans s WHERE s.trace_key = t.trace_key AND s.name_id = "
               "?5)";
    }
    const auto clauses = AttributeClauses::prepare(*m_db, filter.attributes);
    if (!clauses)
        return std::vector<TraceSummary>{};
    for (std::size_t i = 0; i < clauses->size(); ++i)
        sql += " AND EXISTS (SELECT 1 FROM spans s WHERE s.trace_key = t.trace_key AND "
            + clauses->predicate(i, "s.attributes", "s.resource_id", clauseParam(i)) + ")";
    if (filter.traceId)
        sql += " AND t.trace_id = ?1";
    if (!filter.service.empty())
        sql += " AND instr(char(31) || t.services || char(31), char(31) || ?2 || char(31)) > 0";
    if (filter.errorsOnly)
        sql += " AND t.error_count > 0";
    if (!filter.source.empty())
        sql += " AND t.source = ?16 AND t.source != ''"; // the second lets the index serve
    if (filter.minDurationNs)
        sql += " AND t.end_ns - t.start_ns >= ?3";
    if (filter.maxDurationNs)
        sql += " AND t.end_ns - t.start_ns <= ?4";
    if (filter.startFromNs)
        sql += " AND t.start_ns >= ?9";
    if (filter.startToNs)
        sql += " AND t.start_ns < ?10";
    const std::string sortExpression = orderExpression(filter.order);
    const char *direction = filter.descending ? " DESC" : " ASC";
    if (filter.after)
        sql += " AND (" + sortExpression + ", t.trace_key) " + (filter.descending ? "<" : ">")
            + " (?11, ?12)";
    if (filter.changedAfter)
        sql += " AND (t.updated_seq, t.trace_key) > (?14, ?15) ORDER BY t.updated_seq, t.trace_key "
               "LIMIT ?13";
    else
        sql += " ORDER BY " + sortExpression + direction + ", t.trace_key" + direction
            + " LIMIT ?13";

    Statement query(*m_db, sql);
    if (!query.prepared())
        return Error{"Cannot query traces: " + m_db->lastError()};
    if (filter.traceId)
        query.bindBlob(1, filter.traceId->data(), filter.traceId->size());
    query.bindText(2, filter.service);
    query.bind(3, filter.minDurationNs.value_or(0));
    query.bind(4, filter.maxDurationNs.value_or(0));
    if (nameId)
        query.bind(5, *nameId);
    for (std::size_t i = 0; i < clauses->size(); ++i)
        clauses->bind(i, query, clauseParam(i));
    query.bind(9, filter.startFromNs.value_or(0));
    query.bind(10, filter.startToNs.value_or(0));
    if (filter.after)
        query.bind(11, filter.after->first).bind(12, filter.after->second);
    query.bind(13, std::max(1, filter.limit));
    if (filter.changedAfter)
        query.bind(14, filter.changedAfter->first).bind(15, filter.changedAfter->second);
    if (!filter.source.empty())
        query.bindText(16, filter.source);
    std::vector<TraceSummary> out;
    while (query.next())
        out.push_back(readSummary(query));
    if (!query.ok())
        return Error{"Cannot query traces: " + m_db->lastError()};
    return out;
}

bool TraceStore::loadResource(std::int64_t id, Resource &out)
{
    Statement query(
        *m_db,
        "SELECT attributes, dropped_attributes, schema_url FROM resources WHERE resource_id = ?");
    if (!query.bind(1, id).next())
        return false;
    out.droppedAttributesCount = static_cast<std::uint32_t>(query.integer(1));
    out.schemaUrl = std::string(query.text(2));
    return decodeAttributes(query.blob(0), *m_dictionary, out.attributes);
}

bool TraceStore::loadScope(std::int64_t id, Scope &out)
{
    Statement query(*m_db,
                    "SELECT name, version, attributes, dropped_attributes, schema_url "
                    "FROM scopes WHERE scope_id = ?");
    if (!query.bind(1, id).next())
        return false;
    out.name = std::string(query.text(0));
    out.version = std::string(query.text(1));
    out.droppedAttributesCount = static_cast<std::uint32_t>(query.integer(3));
    out.schemaUrl = std::string(query.text(4));
    return decodeAttributes(query.blob(2), *m_dictionary, out.attributes);
}

namespace {

// The columns of a span after its ids, resource and scope, as readSpanBody reads them.
constexpr const char *SpanBodyColumns
    = "name_id, kind, start_offset_ns, duration_ns, status_code, status_message, flags, "
      "trace_state, attributes, events, links, dropped_attributes, dropped_events, dropped_links";

// Fills `span` from SpanBodyColumns starting at column `first`; false when a dictionary entry
// or an encoded value is missing (a damaged database).
bool readSpanBody(const Statement &row, int first, std::int64_t base, StringResolver &dictionary,
                  Span &span)
{
    bool intact = dictionary.resolve(static_cast<std::uint64_t>(row.integer(first)), span.name);
    span.kind = static_cast<SpanKind>(row.integer(first + 1));
    span.startUnixNano = static_cast<std::uint64_t>(base + row.integer(first + 2));
    span.endUnixNano = span.startUnixNano + static_cast<std::uint64_t>(row.integer(first + 3));
    span.statusCode = static_cast<StatusCode>(row.integer(first + 4));
    span.statusMessage = std::string(row.text(first + 5));
    span.flags = static_cast<std::uint32_t>(row.integer(first + 6));
    span.traceState = std::string(row.text(first + 7));
    intact &= decodeAttributes(row.blob(first + 8), dictionary, span.attributes);
    intact &= decodeEvents(row.blob(first + 9), span.startUnixNano, dictionary, span.events);
    intact &= decodeLinks(row.blob(first + 10), dictionary, span.links);
    span.droppedAttributesCount = static_cast<std::uint32_t>(row.integer(first + 11));
    span.droppedEventsCount = static_cast<std::uint32_t>(row.integer(first + 12));
    span.droppedLinksCount = static_cast<std::uint32_t>(row.integer(first + 13));
    return intact;
}

std::string damaged(const TraceId &traceId)
{
    return "The stored trace " + toHex(traceId) + " is damaged; the database may be corrupt.";
}

} // namespace

// A stored trace read span by span: the places are read up front, each span when asked for.
class StoredTrace final : public SpanSource
{
public:
    StoredTrace(const Database &db, StringResolver &dictionary, TraceData header, std::int64_t base)
        : m_dictionary(dictionary)
        , m_header(std::move(header))
        , m_base(base)
        , m_read(db,
                 std::string("SELECT ") + SpanBodyColumns
                     + " FROM spans WHERE trace_key = ? AND span_id = ?")
    {}

    std::vector<SpanPlace> &mutablePlaces() { return m_places; }
    TraceData &mutableHeader() { return m_header; }

    const TraceData &header() const override { return m_header; }
    const std::vector<SpanPlace> &places() const override { return m_places; }
    const std::string &error() const override { return m_error; }

    const StoredSpan *span(std::size_t index) override
    {
        const SpanPlace &place = m_places.at(index);
        m_span = StoredSpan{};
        m_span.resource = place.resource;
        m_span.scope = place.scope;
        Span &span = m_span.span;
        span.traceId = m_header.summary.traceId;
        span.spanId = place.spanId;
        span.parentSpanId = place.parentSpanId;
        m_read.reset();
        m_read.bind(1, m_header.summary.key).bindBlob(2, place.spanId.data(), place.spanId.size());
        if (!m_read.next()) {
            m_error = "A span of trace " + toHex(span.traceId)
                + " is gone (evicted or damaged while it was read).";
            return nullptr;
        }
        if (!readSpanBody(m_read, 0, m_base, m_dictionary, span)) {
            m_error = damaged(span.traceId);
            return nullptr;
        }
        return &m_span;
    }

private:
    StringResolver &m_dictionary;
    TraceData m_header;
    std::int64_t m_base = 0;
    std::vector<SpanPlace> m_places;
    Statement m_read;
    StoredSpan m_span;
    std::string m_error;
};

Result<std::optional<TraceStore::SummaryAndBase>> TraceStore::summaryOf(const TraceId &traceId)
{
    Statement summary(*m_db,
                      std::string("SELECT ") + SummaryColumns
                          + ", t.base_ns FROM traces t WHERE t.trace_id = ?");
    if (!summary.bindBlob(1, traceId.data(), traceId.size()).next()) {
        if (!summary.ok())
            return Error{"Cannot read the trace: " + m_db->lastError()};
        return std::optional<SummaryAndBase>{};
    }
    return std::optional<SummaryAndBase>({readSummary(summary), summary.integer(16)});
}

Result<std::optional<TraceData>> TraceStore::loadTrace(const TraceId &traceId)
{
    auto found = summaryOf(traceId);
    if (!found)
        return Error{found.error()};
    if (!*found)
        return std::optional<TraceData>{};
    TraceData data;
    data.summary = (*found)->summary;
    const std::int64_t base = (*found)->baseNs;

    // One scan in start order: what the window does for every trace it opens.
    Statement spans(*m_db,
                    std::string("SELECT span_id, parent_span_id, resource_id, scope_id, ")
                        + SpanBodyColumns
                        + " FROM spans WHERE trace_key = ? ORDER BY start_offset_ns");
    spans.bind(1, data.summary.key);
    std::unordered_map<std::int64_t, int> resources, scopes;
    bool intact = true;
    while (spans.next()) {
        StoredSpan stored;
        Span &span = stored.span;
        span.traceId = traceId;
        copyId(spans.blob(0), span.spanId);
        copyId(spans.blob(1), span.parentSpanId);
        stored.resource = indexOf(spans.integer(2), resources, data.resources,
                                  [this](std::int64_t id, Resource &r) { loadResource(id, r); });
        stored.scope = indexOf(spans.integer(3), scopes, data.scopes,
                               [this](std::int64_t id, Scope &s) { loadScope(id, s); });
        intact &= readSpanBody(spans, 4, base, *m_dictionary, span);
        data.spans.push_back(std::move(stored));
    }
    if (!spans.ok())
        return Error{"Cannot read the spans: " + m_db->lastError()};
    if (!intact)
        return Error{damaged(traceId)};
    return std::optional<TraceData>(std::move(data));
}

Result<std::unique_ptr<SpanSource>> TraceStore::openTrace(const TraceId &traceId)
{
    auto found = summaryOf(traceId);
    if (!found)
        return Error{found.error()};
    if (!*found)
        return std::unique_ptr<SpanSource>{};
    const std::int64_t base = (*found)->baseNs;
    TraceData header;
    header.summary = std::move((*found)->summary);
    auto source = std::make_unique<StoredTrace>(*m_db, *m_dictionary, std::move(header), base);
    TraceData &data = source->mutableHeader();

    Statement spans(*m_db,
                    "SELECT span_id, parent_span_id, start_offset_ns, resource_id, scope_id "
                    "FROM spans WHERE trace_key = ? ORDER BY start_offset_ns");
    spans.bind(1, data.summary.key);
    std::unordered_map<std::int64_t, int> resources, scopes;
    while (spans.next()) {
        SpanPlace place;
        copyId(spans.blob(0), place.spanId);
        copyId(spans.blob(1), place.parentSpanId);
        place.startUnixNano = static_cast<std::uint64_t>(base + spans.integer(2));
        place.resource = indexOf(spans.integer(3), resources, data.resources,
                                 [this](std::int64_t id, Resource &r) { loadResource(id, r); });
        place.scope = indexOf(spans.integer(4), scopes, data.scopes,
                              [this](std::int64_t id, Scope &s) { loadScope(id, s); });
        source->mutablePlaces().push_back(place);
    }
    if (!spans.ok())
        return Error{"Cannot read the spans: " + m_db->lastError()};
    return std::unique_ptr<SpanSource>(std::move(source));
}

namespace {

std::size_t characterCount(std::string_view text)
{
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string foldAscii(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool isWordByte(char c)
{
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || std::isalnum(byte);
}

std::vector<std::string> wordsOf(std::string_view text)
{
    std::vector<std::string> words;
    std::string word;
    for (const char c : text) {
        if (isWordByte(c)) {
            word += c;
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty())
        words.push_back(std::move(word));
    return words;
}

// An FTS5 string: in double quotes, inner quotes doubled.
std::string ftsString(std::string_view text)
{
    std::string out = "\"";
    for (const char c : text) {
        out += c;
        if (c == '"')
            out += '"';
    }
    return out + '"';
}

// Whether every word of `words` starts a word of `body` (both folded).
bool wordsStartWords(const std::vector<std::string> &words, const std::string &body)
{
    for (const std::string &word : words) {
        bool found = false;
        for (std::size_t at = body.find(word); at != std::string::npos && !found;
             at = body.find(word, at + 1))
            found = at == 0 || !isWordByte(body[at - 1]);
        if (!found)
            return false;
    }
    return true;
}

} // namespace

std::string logTextQuery(const LogFilter &filter)
{
    // The trigram index answers a substring of three characters or more exactly (ignoring
    // case); shorter text, and the word-start rule of `words`, are checked on each candidate.
    std::vector<std::string> terms;
    if (characterCount(filter.text) >= 3)
        terms.push_back(ftsString(filter.text));
    for (const std::string &word : wordsOf(filter.words)) {
        if (characterCount(word) >= 3)
            terms.push_back(ftsString(word));
    }
    std::string query;
    for (const std::string &term : terms)
        query += (query.empty() ? "" : " AND ") + term;
    return query;
}

Result<LogPage> TraceStore::findLogs(const LogFilter &filter)
{
    std::string sql = "SELECT l.log_key, t.trace_id, l.span_id, l.time_ns, l.observed_ns, "
                      "l.severity_number, l.severity_text, l.body, l.attributes, "
                      "l.dropped_attributes, l.flags, l.event_name, l.resource_id, l.scope_id, "
                      "l.time_estimated = 1, s.name_id "
                      "FROM ";
    const std::string match = logTextQuery(filter);
    // With text, the index drives the query: it yields matches in key order, so a page of the
    // newest matches costs the same among a million records as among ten.
    sql += match.empty() ? "logs l" : "logs_text f JOIN logs l ON l.log_key = f.rowid";
    sql += " LEFT JOIN traces t ON t.trace_key = l.trace_key"
           " LEFT JOIN spans s ON s.trace_key = l.trace_key AND s.span_id = l.span_id WHERE 1";
    if (filter.traceId)
        sql += " AND l.trace_key = (SELECT trace_key FROM traces WHERE trace_id = ?1)";
    if (filter.spanId)
        sql += " AND l.span_id = ?2";
    if (filter.minSeverity > 0)
        sql += " AND l.severity_number >= ?3";
    if (!filter.service.empty())
        sql += " AND l.resource_id IN (SELECT resource_id FROM resources WHERE service_name = ?4)";
    if (filter.fromNs)
        sql += " AND l.time_ns >= ?5";
    if (filter.toNs)
        sql += " AND l.time_ns < ?6";
    const auto clauses = AttributeClauses::prepare(*m_db, filter.attributes);
    if (!clauses)
        return LogPage{};
    for (std::size_t i = 0; i < clauses->size(); ++i)
        sql += " AND " + clauses->predicate(i, "l.attributes", "l.resource_id", clauseParam(i));
    const bool byArrival
        = filter.order == LogOrder::NewestFirst || filter.order == LogOrder::OldestFirst;
    const bool newest = filter.order == LogOrder::NewestFirst;
    if (filter.afterKey && byArrival)
        sql += newest ? " AND l.log_key < ?7" : " AND l.log_key > ?7";
    if (!match.empty())
        sql += " AND f.logs_text MATCH ?8";
    if (filter.order == LogOrder::ByTime)
        sql += " ORDER BY l.time_ns, l.log_key";
    else if (filter.order == LogOrder::NewestByTime)
        sql += " ORDER BY l.time_ns DESC, l.log_key DESC";
    else
        sql += std::string(" ORDER BY ") + (match.empty() ? "l.log_key" : "f.rowid")
            + (newest ? " DESC" : " ASC");
    // What the index cannot decide is checked here, so the page is cut in C++.
    const std::string text = foldAscii(filter.text);
    const std::vector<std::string> words = wordsOf(foldAscii(filter.words));
    const bool check = (!text.empty() && characterCount(text) < 3) || !words.empty();
    if (!check)
        sql += " LIMIT ?9";
    Statement query(*m_db, sql);
    if (!query.prepared())
        return Error{"Cannot query logs: " + m_db->lastError()};
    if (filter.traceId)
        query.bindBlob(1, filter.traceId->data(), filter.traceId->size());
    if (filter.spanId)
        query.bindBlob(2, filter.spanId->data(), filter.spanId->size());
    query.bind(3, filter.minSeverity).bindText(4, filter.service);
    query.bind(5, filter.fromNs.value_or(0)).bind(6, filter.toNs.value_or(0));
    query.bind(7, filter.afterKey.value_or(0));
    if (!match.empty())
        query.bindText(8, match);
    query.bind(9, std::max(1, filter.limit));
    for (std::size_t i = 0; i < clauses->size(); ++i)
        clauses->bind(i, query, clauseParam(i));

    LogPage page;
    std::unordered_map<std::int64_t, int> resources, scopes;
    while (static_cast<int>(page.logs.size()) < std::max(1, filter.limit) && query.next()) {
        StoredLog stored;
        LogRecord &record = stored.record;
        stored.key = query.integer(0);
        copyId(query.blob(1), record.traceId);
        copyId(query.blob(2), record.spanId);
        record.timeUnixNano = static_cast<std::uint64_t>(query.integer(3));
        record.observedTimeUnixNano = static_cast<std::uint64_t>(query.integer(4));
        record.severityNumber = static_cast<int>(query.integer(5));
        record.severityText = std::string(query.text(6));
        if (!decodeAnyValue(query.blob(7), *m_dictionary, record.body)
            || !decodeAttributes(query.blob(8), *m_dictionary, record.attributes))
            return Error{"A stored log record is damaged; the database may be corrupt."};
        if (check) {
            const std::string body = foldAscii(searchableText(record.body));
            if ((!text.empty() && body.find(text) == std::string::npos)
                || !wordsStartWords(words, body))
                continue;
        }
        record.droppedAttributesCount = static_cast<std::uint32_t>(query.integer(9));
        record.flags = static_cast<std::uint32_t>(query.integer(10));
        record.eventName = std::string(query.text(11));
        stored.resource = indexOf(query.integer(12), resources, page.resources,
                                  [this](std::int64_t id, Resource &r) { loadResource(id, r); });
        stored.scope = indexOf(query.integer(13), scopes, page.scopes,
                               [this](std::int64_t id, Scope &s) { loadScope(id, s); });
        stored.timeEstimated = query.integer(14) != 0;
        if (query.integer(15) > 0)
            m_dictionary->resolve(static_cast<std::uint64_t>(query.integer(15)), stored.spanName);
        page.logs.push_back(std::move(stored));
    }
    if (!query.ok())
        return Error{"Cannot query logs: " + m_db->lastError()};
    return page;
}

Result<std::vector<std::string>> TraceStore::services()
{
    return firstColumn("SELECT DISTINCT service_name FROM resources ORDER BY service_name",
                       "services");
}

Result<std::vector<std::string>> TraceStore::sources()
{
    return firstColumn("SELECT DISTINCT source FROM traces WHERE source != '' ORDER BY source",
                       "sources");
}

Result<std::vector<std::string>> TraceStore::firstColumn(const char *sql, const char *what)
{
    Statement query(*m_db, sql);
    std::vector<std::string> out;
    while (query.next())
        out.emplace_back(query.text(0));
    if (!query.ok())
        return Error{std::string("Cannot list ") + what + ": " + m_db->lastError()};
    return out;
}

Result<std::vector<std::string>> TraceStore::attributeKeys(AttributeSource source)
{
    return sampleAttributeKeys(*m_db, *m_dictionary, source);
}

Result<std::vector<std::string>> TraceStore::attributeValues(AttributeSource source,
                                                             const std::string &key)
{
    return sampleAttributeValues(*m_db, *m_dictionary, source, key);
}

Result<std::vector<Operation>> TraceStore::operations(const std::string &service)
{
    Statement query(*m_db,
                    "SELECT service_name, span_name, kind FROM operations "
                    "WHERE ?1 = '' OR service_name = ?1 ORDER BY service_name, span_name");
    query.bindText(1, service);
    std::vector<Operation> out;
    while (query.next())
        out.push_back({std::string(query.text(0)), std::string(query.text(1)),
                       static_cast<SpanKind>(query.integer(2))});
    if (!query.ok())
        return Error{"Cannot list operations: " + m_db->lastError()};
    return out;
}

Result<StoreStatistics> TraceStore::statistics()
{
    StoreStatistics stats;
    Statement counters(*m_db, "SELECT name, value FROM counters");
    while (counters.next())
        stats.counters.emplace(std::string(counters.text(0)),
                               static_cast<std::uint64_t>(counters.integer(1)));
    Statement traces(
        *m_db, "SELECT count(*), coalesce(sum(span_count), 0) FROM traces WHERE span_count > 0");
    if (traces.next()) {
        stats.traces = traces.integer(0);
        stats.spans = traces.integer(1);
    }
    Statement logs(*m_db, "SELECT count(*) FROM logs");
    if (logs.next())
        stats.logs = logs.integer(0);
    if (!counters.ok() || !traces.ok() || !logs.ok())
        return Error{"Cannot read statistics: " + m_db->lastError()};
    stats.usedBytes = m_db->usedBytes();
    stats.fileBytes = m_db->fileBytes();
    return stats;
}

Result<std::int64_t> TraceStore::latestUpdateSeq()
{
    Statement query(*m_db, "SELECT coalesce(max(updated_seq), 0) FROM traces");
    if (!query.next())
        return Error{"Cannot read the database: " + m_db->lastError()};
    return query.integer(0);
}

} // namespace spanscope::storage

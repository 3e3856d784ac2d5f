#include "insights.h"

#include "statement.h"

#include <tracetext.h>

#include <algorithm>
#include <cstdio>
#include <map>

namespace spanscope::analysis {

namespace {

// What a span calls, as the detectors compare calls.
struct Call
{
    enum class Class { None, Database, Cache, Http, Rpc };
    Class type = Class::None;
    std::string pattern; // what varies replaced: the statement, route, method or command
    std::string exact; // the call with its parameters; empty when they are not recorded
};

const std::string *textOf(const storage::Attributes &attributes, std::string_view key)
{
    for (const storage::KeyValue &kv : attributes) {
        if (kv.key == key) {
            if (const auto *text = std::get_if<std::string>(&kv.value.value))
                return text;
        }
    }
    return nullptr;
}

const std::string *firstText(const storage::Attributes &attributes,
                             std::initializer_list<std::string_view> keys)
{
    for (const std::string_view key : keys) {
        if (const std::string *text = textOf(attributes, key))
            return text;
    }
    return nullptr;
}

Call describe(const storage::Span &span)
{
    Call call;
    const storage::Attributes &a = span.attributes;
    if (span.kind == storage::SpanKind::Server || span.kind == storage::SpanKind::Consumer)
        return call;
    if (const std::string *system = firstText(a, {"db.system.name", "db.system"})) {
        const bool cache = *system == "redis" || *system == "memcached" || *system == "valkey";
        call.type = cache ? Call::Class::Cache : Call::Class::Database;
        if (const std::string *statement = firstText(a, {"db.query.text", "db.statement"})) {
            bool bound = false;
            call.pattern = normalizeStatement(*statement, &bound);
            std::string parameters;
            for (const storage::KeyValue &kv : a) {
                if (kv.key.starts_with("db.query.parameter.")
                    || kv.key.starts_with("db.statement.parameter"))
                    parameters += "\x1f" + kv.key + "=" + storage::scalarText(kv.value);
            }
            // With bind parameters that were not recorded (SQLAlchemy's `WHERE id = ?`), equal
            // texts say nothing of equal calls.
            if (!bound || !parameters.empty())
                call.exact = *statement + parameters;
        } else {
            const std::string *summary = textOf(a, "db.query.summary");
            call.pattern = summary ? *summary : span.name;
        }
        return call;
    }
    if (const std::string *method = firstText(a, {"rpc.method"})) {
        call.type = Call::Class::Rpc;
        const std::string *service = textOf(a, "rpc.service");
        call.pattern = service ? *service + "/" + *method : *method;
        return call;
    }
    if (span.kind != storage::SpanKind::Client)
        return call;
    const std::string *method = firstText(a, {"http.request.method", "http.method"});
    if (!method)
        return call;
    call.type = Call::Class::Http;
    const std::string *url = firstText(a, {"url.full", "http.url"});
    const std::string *route = firstText(a, {"url.template", "http.route"});
    call.pattern = *method + " " + (route ? *route : url ? normalizeUrl(*url) : span.name);
    if (url)
        call.exact = *method + " " + *url;
    return call;
}

bool isDatabase(const Call &call)
{
    return call.type == Call::Class::Database;
}

std::string hexHash(std::string_view text)
{
    std::uint64_t hash = 1469598103934665603ull; // FNV-1a
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(hash));
    return out;
}

// Reads one trace: the calls its spans make and who their parents are.
class Detector
{
public:
    Detector(const storage::TraceData &trace, const SpanTree &tree, const InsightThresholds &t)
        : m_trace(trace)
        , m_tree(tree)
        , m_t(t)
    {
        m_calls.reserve(trace.spans.size());
        for (const storage::StoredSpan &stored : trace.spans)
            m_calls.push_back(describe(stored.span));
    }

    std::vector<Insight> run()
    {
        for (int parent = 0; parent < m_tree.size(); ++parent) {
            if (m_tree.children(parent).size() >= 2) {
                repeatedSiblings(parent);
                sequentialCalls(parent);
            }
        }
        repeatedIdenticalCalls();
        slowQueries();
        brokenPropagation();
        return std::move(m_found);
    }

private:
    std::string operation(int span) const
    {
        const storage::StoredSpan &stored = m_trace.spans[span];
        return m_trace.resources.at(static_cast<std::size_t>(stored.resource)).serviceName() + ": "
            + stored.span.name;
    }

    std::int64_t total(const std::vector<int> &spans) const
    {
        std::int64_t sum = 0;
        for (const int span : spans)
            sum += m_tree.durationNs(span);
        return sum;
    }

    std::int64_t longest(const std::vector<int> &spans) const
    {
        std::int64_t most = 0;
        for (const int span : spans)
            most = std::max(most, m_tree.durationNs(span));
        return most;
    }

    Insight &add(InsightKind kind, std::string pattern, int parent, std::vector<int> spans)
    {
        Insight insight;
        insight.kind = kind;
        insight.pattern = std::move(pattern);
        if (parent >= 0)
            insight.parentOperation = operation(parent);
        std::sort(spans.begin(), spans.end());
        insight.count = static_cast<int>(spans.size());
        insight.totalNs = total(spans);
        insight.spans = std::move(spans);
        insight.fingerprint = fingerprintOf(kind, insight.pattern, insight.parentOperation);
        m_found.push_back(std::move(insight));
        return m_found.back();
    }

    // N+1: many siblings with one pattern.
    void repeatedSiblings(int parent)
    {
        std::map<std::pair<bool, std::string>, std::vector<int>> groups;
        for (const int child : m_tree.children(parent)) {
            const Call &call = m_calls[child];
            if (call.type != Call::Class::None)
                groups[{isDatabase(call), call.pattern}].push_back(child);
        }
        for (auto &[key, spans] : groups) {
            if (static_cast<int>(spans.size()) < m_t.repeatedSiblings)
                continue;
            const std::int64_t sum = total(spans);
            if (sum < m_t.repeatedTotalNs
                && static_cast<double>(sum)
                    < m_t.repeatedShareOfParent * static_cast<double>(m_tree.durationNs(parent)))
                continue;
            const bool database = key.first;
            Insight &insight = add(database ? InsightKind::NPlusOneDb : InsightKind::NPlusOneHttp,
                                   key.second, parent, spans);
            insight.savableNs = sum - longest(insight.spans);
            insight.message = std::to_string(insight.count) + (database ? " queries " : " calls ")
                + "of the same " + (database ? "statement" : "kind") + " under "
                + insight.parentOperation + " take " + storage::formatDuration(sum)
                + (database ? ": load them in one query (a join or an IN-list)."
                            : ": batch them into one call, or cache the answer.");
        }
    }

    // Calls in a row where each starts after the previous one ended, to different targets.
    void sequentialCalls(int parent)
    {
        std::vector<int> run;
        const auto flush = [&] {
            if (static_cast<int>(run.size()) >= m_t.sequentialCalls) {
                const std::int64_t saving = total(run) - longest(run);
                if (saving >= m_t.sequentialSavingNs) {
                    // The first few calls name the run: thousands of distinct calls in a row
                    // must not make a pattern of megabytes.
                    constexpr std::size_t Named = 5;
                    std::string pattern;
                    for (std::size_t i = 0; i < std::min(run.size(), Named); ++i)
                        pattern += (i ? " → " : "") + m_calls[run[i]].pattern;
                    if (run.size() > Named)
                        pattern += " → … (" + std::to_string(run.size() - Named) + " more)";
                    Insight &insight
                        = add(InsightKind::SequentialCalls, std::move(pattern), parent, run);
                    insight.savableNs = saving;
                    insight.message = std::to_string(insight.count) + " calls under "
                        + insight.parentOperation + " run one after another ("
                        + storage::formatDuration(insight.totalNs)
                        + "); run side by side they could finish " + storage::formatDuration(saving)
                        + " sooner.";
                }
            }
            run.clear();
        };
        // Calls repeated as often as an N+1 are that detector's; they neither join nor break a run.
        std::map<std::string_view, int> repeats;
        for (const int child : m_tree.children(parent))
            ++repeats[m_calls[child].pattern];
        for (const int child : m_tree.children(parent)) {
            if (m_calls[child].type == Call::Class::None
                || repeats[m_calls[child].pattern] >= m_t.repeatedSiblings)
                continue;
            if (!run.empty()) {
                const storage::Span &previous = m_trace.spans[run.back()].span;
                const storage::Span &next = m_trace.spans[child].span;
                if (next.startUnixNano < previous.endUnixNano
                    || m_calls[child].pattern == m_calls[run.back()].pattern)
                    flush();
            }
            run.push_back(child);
        }
        flush();
    }

    // The same call with the same parameters more than once in the trace: a missing cache.
    void repeatedIdenticalCalls()
    {
        std::map<std::string, std::vector<int>> groups;
        for (int span = 0; span < m_tree.size(); ++span) {
            if (!m_calls[span].exact.empty())
                groups[m_calls[span].exact].push_back(span);
        }
        for (auto &[exact, spans] : groups) {
            if (static_cast<int>(spans.size()) < m_t.repeatedIdentical)
                continue;
            Insight &insight
                = add(InsightKind::RepeatedCall, m_calls[spans.front()].pattern, -1, spans);
            insight.savableNs = insight.totalNs - m_tree.durationNs(insight.spans.front());
            insight.message = "The same call with the same parameters runs "
                + std::to_string(insight.count) + " times ("
                + storage::formatDuration(insight.totalNs) + "): keep the first answer.";
        }
    }

    void slowQueries()
    {
        std::map<std::string, std::vector<int>> groups;
        for (int span = 0; span < m_tree.size(); ++span) {
            if (isDatabase(m_calls[span]) && m_tree.durationNs(span) >= m_t.slowQueryNs)
                groups[m_calls[span].pattern].push_back(span);
        }
        for (auto &[pattern, spans] : groups) {
            Insight &insight = add(InsightKind::SlowQuery, pattern, -1, spans);
            insight.savableNs = 0;
            insight.message = (insight.count == 1
                                   ? std::string("A query takes ")
                                   : std::to_string(insight.count) + " runs of a query take up to ")
                + storage::formatDuration(longest(insight.spans)) + " (over "
                + storage::formatDuration(m_t.slowQueryNs) + "): look at its plan and indexes.";
        }
    }

    void brokenPropagation()
    {
        std::vector<int> orphans, lonelyConsumers;
        for (const int top : m_tree.tops()) {
            const storage::Span &span = m_trace.spans[top].span;
            if (m_tree.isOrphan(top))
                orphans.push_back(top);
            else if (span.kind == storage::SpanKind::Consumer && span.links.empty()
                     && m_tree.tops().size() > 1)
                lonelyConsumers.push_back(top);
        }
        if (!orphans.empty()) {
            Insight &insight
                = add(InsightKind::BrokenPropagation, "parent never arrived", -1, orphans);
            insight.message = std::to_string(insight.count)
                + (insight.count == 1 ? " span names a parent" : " spans name parents")
                + " that never arrived: the service that made the parent did not export it, or "
                  "dropped it.";
        }
        if (!lonelyConsumers.empty()) {
            Insight &insight = add(InsightKind::BrokenPropagation, "consumer without producer", -1,
                                   lonelyConsumers);
            insight.message = "A message consumer starts its own tree with no parent and no "
                              "link to the producer: the message did not carry traceparent.";
        }
    }

    const storage::TraceData &m_trace;
    const SpanTree &m_tree;
    const InsightThresholds &m_t;
    std::vector<Call> m_calls;
    std::vector<Insight> m_found;
};

} // namespace

std::string_view kindName(InsightKind kind)
{
    switch (kind) {
    case InsightKind::NPlusOneDb:
        return "n_plus_one_db";
    case InsightKind::NPlusOneHttp:
        return "n_plus_one_http";
    case InsightKind::SequentialCalls:
        return "sequential_calls";
    case InsightKind::RepeatedCall:
        return "repeated_call";
    case InsightKind::BrokenPropagation:
        return "broken_propagation";
    case InsightKind::SlowQuery:
        return "slow_query";
    }
    return "";
}

std::string_view kindTitle(InsightKind kind)
{
    switch (kind) {
    case InsightKind::NPlusOneDb:
        return "N+1 queries";
    case InsightKind::NPlusOneHttp:
        return "N+1 calls";
    case InsightKind::SequentialCalls:
        return "Sequential calls";
    case InsightKind::RepeatedCall:
        return "Repeated call";
    case InsightKind::BrokenPropagation:
        return "Broken propagation";
    case InsightKind::SlowQuery:
        return "Slow query";
    }
    return "";
}

bool kindFromName(std::string_view name, InsightKind &out)
{
    for (const InsightKind kind : AllInsightKinds) {
        if (kindName(kind) == name) {
            out = kind;
            return true;
        }
    }
    return false;
}

bool callsAService(const storage::Span &span)
{
    const Call::Class type = describe(span).type;
    return type == Call::Class::Http || type == Call::Class::Rpc;
}

bool callsADatabase(const storage::Span &span)
{
    const Call::Class type = describe(span).type;
    return type == Call::Class::Database || type == Call::Class::Cache;
}

std::string fingerprintOf(InsightKind kind, std::string_view pattern,
                          std::string_view parentOperation)
{
    std::string text(kindName(kind));
    text += '\x1f';
    text += pattern;
    text += '\x1f';
    text += parentOperation;
    return hexHash(text);
}

std::string callPattern(const storage::Span &span)
{
    std::string pattern = describe(span).pattern;
    return pattern.empty() ? span.name : pattern;
}

std::vector<Insight> findInsights(const storage::TraceData &trace, const SpanTree &tree,
                                  const InsightThresholds &thresholds,
                                  const std::set<std::string> &ignored)
{
    std::vector<Insight> found = Detector(trace, tree, thresholds).run();
    std::erase_if(found,
                  [&](const Insight &insight) { return ignored.contains(insight.fingerprint); });
    std::stable_sort(found.begin(), found.end(),
                     [](const Insight &a, const Insight &b) { return a.savableNs > b.savableNs; });
    return found;
}

} // namespace spanscope::analysis

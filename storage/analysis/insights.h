#pragma once

#include "spantree.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace spanscope::analysis {

enum class InsightKind {
    NPlusOneDb, // many sibling queries with one statement
    NPlusOneHttp, // many sibling HTTP, RPC or cache calls to one route, method or command
    SequentialCalls, // calls one after another that could run side by side
    RepeatedCall, // the same call, parameters and all, more than once
    BrokenPropagation, // spans whose parent never arrived, consumers with no producer
    SlowQuery, // a database call above the threshold
};
inline constexpr InsightKind AllInsightKinds[]
    = {InsightKind::NPlusOneDb,   InsightKind::NPlusOneHttp,      InsightKind::SequentialCalls,
       InsightKind::RepeatedCall, InsightKind::BrokenPropagation, InsightKind::SlowQuery};

// "n_plus_one_db", ...: the names the CLI and JSON use.
std::string_view kindName(InsightKind kind);
// "N+1 queries", ...: what the window shows.
std::string_view kindTitle(InsightKind kind);
bool kindFromName(std::string_view name, InsightKind &out);

// The detectors' thresholds; the defaults suit local development (Sentry's rules, relaxed).
struct InsightThresholds
{
    int repeatedSiblings = 5; // N+1: at least this many siblings with one pattern
    std::int64_t repeatedTotalNs = 20'000'000; // ... taking at least this long together
    double repeatedShareOfParent = 0.10; // ... or this share of their parent
    int sequentialCalls = 3; // calls in a row, none overlapping the next
    std::int64_t sequentialSavingNs = 100'000'000; // what running them side by side would save
    int repeatedIdentical = 2; // the same call with the same parameters
    std::int64_t slowQueryNs = 100'000'000;

    bool operator==(const InsightThresholds &) const = default;
};

struct Insight
{
    InsightKind kind = InsightKind::NPlusOneDb;
    // kind + pattern + parent operation, hashed: the same problem in every trace it appears in.
    std::string fingerprint;
    std::string pattern; // the normalised statement, route, method or command
    std::string parentOperation; // "service: span name" of the parent, when there is one
    int count = 0;
    std::int64_t totalNs = 0;
    std::int64_t savableNs = 0; // what fixing it could save, roughly
    std::vector<int> spans; // indices into TraceData::spans, in start order
    std::string message; // one sentence
};

// What a span calls with what varies replaced, as the detectors compare calls: the normalised
// statement, the route or URL template, the RPC method or the cache command; the span's name
// when it calls nothing they know.
std::string callPattern(const storage::Span &span);
// Whether a span calls another service over HTTP or RPC (not a database, cache or queue).
bool callsAService(const storage::Span &span);
// Whether a span calls a database or a cache (it names a db.system).
bool callsADatabase(const storage::Span &span);
// The fingerprint of a finding: the same problem has the same one in every trace.
std::string fingerprintOf(InsightKind kind, std::string_view pattern,
                          std::string_view parentOperation);

// The findings of every detector on one trace, most time to save first; fingerprints in
// `ignored` are left out.
std::vector<Insight> findInsights(const storage::TraceData &trace, const SpanTree &tree,
                                  const InsightThresholds &thresholds = {},
                                  const std::set<std::string> &ignored = {});

} // namespace spanscope::analysis

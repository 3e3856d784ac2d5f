// `insights` and `show --stats`: what the analysis library finds in stored traces, for scripts,
// CI and agents.

#include "cli.h"
#include "command.h"
#include "options.h"

#include <insightpreferences.h>
#include <insights.h>
#include <propagation.h>
#include <statistics.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

namespace spanscope::app {

namespace {

// Without trace ids, `insights` reads this many of the newest traces.
constexpr int DefaultTraces = 200;
// The exit code of --fail-on when a finding of the kinds named exists.
constexpr int FoundExitCode = 3;

bool kindsFrom(const QStringList &values, std::set<analysis::InsightKind> &out, QString &error)
{
    for (const QString &value : values) {
        for (const QString &name : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            analysis::InsightKind kind;
            if (!analysis::kindFromName(name.trimmed().toStdString(), kind)) {
                QStringList known;
                for (const analysis::InsightKind k : analysis::AllInsightKinds)
                    known << fromStd(std::string(analysis::kindName(k)));
                error = QStringLiteral("Unknown insight kind %1: use one of %2.")
                            .arg(name, known.join(QStringLiteral(", ")));
                return false;
            }
            out.insert(kind);
        }
    }
    return true;
}

// A finding with the ids of its spans, kept after its trace is let go.
struct Finding
{
    storage::TraceId traceId{};
    analysis::Insight insight;
    std::vector<storage::SpanId> spanIds;
};

QJsonObject insightJson(const Finding &finding)
{
    const analysis::Insight &insight = finding.insight;
    QJsonArray spanIds;
    for (const storage::SpanId &span : finding.spanIds)
        spanIds.append(fromStd(storage::toHex(span)));
    return QJsonObject{
        {QStringLiteral("kind"), fromStd(std::string(analysis::kindName(insight.kind)))},
        {QStringLiteral("traceId"), fromStd(storage::toHex(finding.traceId))},
        {QStringLiteral("fingerprint"), fromStd(insight.fingerprint)},
        {QStringLiteral("pattern"), fromStd(insight.pattern)},
        {QStringLiteral("parentOperation"), fromStd(insight.parentOperation)},
        {QStringLiteral("count"), insight.count},
        {QStringLiteral("totalDurationNs"), QString::number(insight.totalNs)},
        {QStringLiteral("savableNs"), QString::number(insight.savableNs)},
        {QStringLiteral("spanIds"), spanIds},
        {QStringLiteral("message"), fromStd(insight.message)},
    };
}

} // namespace

int runInsights(const QStringList &arguments)
{
    Command command;
    QCommandLineParser &p = command.parser;
    p.addPositionalArgument(
        QStringLiteral("trace-id"),
        QStringLiteral("Traces to read (default: the newest %1).").arg(DefaultTraces),
        QStringLiteral("[TRACE_ID...]"));
    p.addOption({QStringLiteral("since"),
                 QStringLiteral("Only traces started within this long ago (e.g. 15m, 2h)."),
                 QStringLiteral("duration")});
    p.addOption({QStringLiteral("kind"),
                 QStringLiteral("Only these kinds (n_plus_one_db, n_plus_one_http, "
                                "sequential_calls, repeated_call, broken_propagation, "
                                "slow_query); repeatable or comma-separated."),
                 QStringLiteral("kind")});
    p.addOption({QStringLiteral("fail-on"),
                 QStringLiteral("Exit with status 3 when a finding of these kinds exists."),
                 QStringLiteral("kinds")});
    p.addOption({QStringLiteral("include-ignored"),
                 QStringLiteral("Also the problems ignored in the window (Edit > Insight "
                                "Settings).")});
    p.addOption({QStringLiteral("limit"),
                 QStringLiteral("Read at most this many traces (default %1).").arg(DefaultTraces),
                 QStringLiteral("n"), QString::number(DefaultTraces)});
    if (const int code = command.prepare(
            arguments, QStringLiteral("insights"),
            QStringLiteral("Find N+1 queries and calls, sequential calls, repeated calls, slow "
                           "queries and broken propagation in stored traces."));
        code >= 0)
        return code;
    std::set<analysis::InsightKind> kinds, failOn;
    if (QString error; !kindsFrom(p.values(QStringLiteral("kind")), kinds, error)
        || !kindsFrom(p.values(QStringLiteral("fail-on")), failOn, error))
        return usageError(error);
    std::vector<storage::TraceId> ids;
    for (const QString &text : p.positionalArguments()) {
        storage::TraceId id;
        if (!parseTraceId(text, id))
            return usageError(QStringLiteral("%1 is not a trace id of 32 hex digits.").arg(text));
        ids.push_back(id);
    }
    storage::TraceFilter newest;
    newest.limit = p.value(QStringLiteral("limit")).toInt();
    if (newest.limit <= 0)
        return usageError(QStringLiteral("--limit needs a positive number."));
    if (p.isSet(QStringLiteral("since"))) {
        const auto since = storage::parseDuration(p.value(QStringLiteral("since")).toStdString());
        if (!since)
            return usageError(QStringLiteral("--since needs a duration such as 15m or 2h."));
        newest.startFromNs = QDateTime::currentMSecsSinceEpoch() * 1'000'000 - *since;
    }
    if (const int code = command.open(); code >= 0)
        return code;
    if (ids.empty()) {
        auto found = command.store->findTraces(newest);
        if (!found)
            return fail(found.error());
        for (const storage::TraceSummary &summary : *found)
            ids.push_back(summary.traceId);
    }

    // The window's thresholds and ignored problems, so both judge alike.
    const ui::InsightPreferences preferences = ui::InsightPreferences::load(QSettings());
    const std::set<std::string> ignored = p.isSet(QStringLiteral("include-ignored"))
        ? std::set<std::string>{}
        : preferences.ignoredFingerprints();
    // Each trace's findings, and the ends of calls it does not join itself: matched across the
    // traces read, they show where a traceparent was lost between two services.
    std::vector<std::vector<Finding>> perTrace;
    std::vector<analysis::TraceEnds> ends;
    for (const storage::TraceId &id : ids) {
        int code = 0;
        const auto loaded = loadStoredTrace(*command.store, id, code);
        if (!loaded)
            return code;
        const storage::TraceData &trace = *loaded;
        const analysis::SpanTree tree(trace);
        std::vector<Finding> &found = perTrace.emplace_back();
        for (analysis::Insight &insight :
             analysis::findInsights(trace, tree, preferences.thresholds, ignored)) {
            Finding &finding = found.emplace_back(Finding{id, std::move(insight), {}});
            for (const int span : finding.insight.spans)
                finding.spanIds.push_back(trace.spans[span].span.spanId);
        }
        ends.push_back({id, analysis::looseEnds(trace, tree)});
    }
    const auto lost = analysis::lostPropagation(ends);
    for (std::size_t t = 0; t < lost.size(); ++t) {
        for (const analysis::Insight &insight : lost[t]) {
            if (!ignored.contains(insight.fingerprint))
                perTrace[t].push_back(
                    {ends[t].traceId, insight, {ends[t].find(insight.spans.front())->spanId}});
        }
    }

    QJsonArray array;
    int findings = 0;
    bool gate = false;
    for (const std::vector<Finding> &found : perTrace) {
        for (const Finding &finding : found) {
            const analysis::Insight &insight = finding.insight;
            if (!kinds.empty() && !kinds.contains(insight.kind))
                continue;
            ++findings;
            gate = gate || failOn.contains(insight.kind);
            if (command.json()) {
                array.append(insightJson(finding));
                continue;
            }
            out() << fromStd(storage::toHex(finding.traceId)) << "  "
                  << fromStd(std::string(analysis::kindName(insight.kind))) << "  ×"
                  << insight.count << "  " << fromStd(storage::formatDuration(insight.totalNs));
            if (insight.savableNs > 0)
                out() << " (" << fromStd(storage::formatDuration(insight.savableNs)) << " to save)";
            out() << "\n    " << fromStd(insight.pattern) << "\n    " << fromStd(insight.message)
                  << '\n';
        }
    }
    if (command.json())
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    else if (findings == 0)
        out() << "No insights in " << ids.size() << (ids.size() == 1 ? " trace.\n" : " traces.\n");
    out().flush();
    return gate ? FoundExitCode : 0;
}

int printStatistics(storage::TraceStore &store, const storage::TraceId &id, bool json)
{
    int code = 0;
    const auto loaded = loadStoredTrace(store, id, code);
    if (!loaded)
        return code;
    const storage::TraceData &trace = *loaded;
    const analysis::SpanTree tree(trace);
    const auto rows = analysis::traceStatistics(trace, tree);
    if (json) {
        QJsonArray array;
        for (const analysis::StatisticsRow &row : rows)
            array.append(QJsonObject{
                {QStringLiteral("service"), fromStd(row.service)},
                {QStringLiteral("operation"), fromStd(row.operation)},
                {QStringLiteral("count"), row.count},
                {QStringLiteral("totalNs"), QString::number(row.totalNs)},
                {QStringLiteral("selfNs"), QString::number(row.selfNs)},
                {QStringLiteral("averageNs"), QString::number(row.averageNs())},
                {QStringLiteral("minNs"), QString::number(row.minNs)},
                {QStringLiteral("maxNs"), QString::number(row.maxNs)},
                {QStringLiteral("percentOfTrace"), row.percentOfTrace},
            });
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return 0;
    }
    const auto d = [](std::int64_t ns) {
        return fromStd(storage::formatDuration(ns));
    };
    out() << QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8\n")
                 .arg(QStringLiteral("count"), 6)
                 .arg(QStringLiteral("total"), 9)
                 .arg(QStringLiteral("self"), 9)
                 .arg(QStringLiteral("avg"), 9)
                 .arg(QStringLiteral("min"), 9)
                 .arg(QStringLiteral("max"), 9)
                 .arg(QStringLiteral("%self"), 6)
                 .arg(QStringLiteral("service: operation"));
    for (const analysis::StatisticsRow &row : rows)
        out() << QStringLiteral("%1 %2 %3 %4 %5 %6 %7  %8\n")
                     .arg(row.count, 6)
                     .arg(d(row.totalNs), 9)
                     .arg(d(row.selfNs), 9)
                     .arg(d(row.averageNs()), 9)
                     .arg(d(row.minNs), 9)
                     .arg(d(row.maxNs), 9)
                     .arg(QString::number(row.percentOfTrace, 'f', 1), 6)
                     .arg(fromStd(row.service + ": " + row.operation));
    return 0;
}

} // namespace spanscope::app

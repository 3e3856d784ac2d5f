// `compare`: two traces merged into one tree, what got slower, what changed, what is new.

#include "cli.h"
#include "command.h"
#include "options.h"
#include "runcompare.h"

#include <compare.h>

#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>
#include <cstdlib>

namespace spanscope::app {

namespace {

using analysis::TraceComparison;

// "+286 ms" / "-20 ms" / "0 ns".
std::string signedDuration(std::int64_t ns)
{
    return (ns > 0 ? "+" : ns < 0 ? "-" : "") + storage::formatDuration(std::llabs(ns));
}

std::string ratioText(const TraceComparison::Node &node)
{
    if (node.durationNs[TraceComparison::A] == 0)
        return "";
    char text[32];
    std::snprintf(text, sizeof text, "×%.2f", node.ratio());
    return text;
}

QString padded(const std::string &text, int width)
{
    return fromStd(text).leftJustified(width);
}

void printText(const TraceComparison &comparison, const storage::TraceData &a,
               const storage::TraceData &b, storage::TimeZone zone)
{
    const TraceComparison::Node &whole = comparison.node(0);
    for (const auto *trace : {&a, &b}) {
        const storage::TraceSummary &s = trace->summary;
        out() << (trace == &a ? "A " : "B ") << fromStd(storage::toHex(s.traceId)) << "  "
              << fromStd(s.rootService + ": " + s.rootName) << "  "
              << fromStd(storage::formatDuration(s.endNs - s.startNs)) << "  "
              << fromStd(storage::formatTimestamp(static_cast<std::uint64_t>(s.startNs), zone))
              << '\n';
    }
    const std::int64_t delta = whole.deltaNs();
    out() << "B took " << fromStd(signedDuration(delta)) << ' '
          << fromStd(whole.change == TraceComparison::Change::Same
                         ? std::string("(the same, within the noise)")
                         : ratioText(whole))
          << ".\n\n";
    out() << padded("COUNT", 12) << padded("DURATION", 24) << padded("CHANGE", 10)
          << padded("RATIO", 9) << padded("", 9) << "SPAN\n";
    for (const int n : comparison.treeOrder()) {
        if (n == 0)
            continue;
        const TraceComparison::Node &node = comparison.node(n);
        const std::string counts
            = std::to_string(node.count[0]) + " → " + std::to_string(node.count[1]);
        const std::string durations = storage::formatDuration(node.durationNs[0]) + " → "
            + storage::formatDuration(node.durationNs[1]);
        out() << padded(counts, 12) << padded(durations, 24)
              << padded(signedDuration(node.deltaNs()), 10) << padded(ratioText(node), 9)
              << padded(std::string(analysis::changeName(node.change)), 9)
              << QString(2 * (node.depth - 1), QLatin1Char(' '))
              << fromStd(node.service + ": " + node.name
                         + (node.call.empty() ? "" : "  [" + node.call + "]"));
        if (node.errors[0] != node.errors[1])
            out() << "  (errors " << node.errors[0] << " → " << node.errors[1] << ')';
        out() << '\n';
    }
    // Where the difference comes from: own time gained or lost.
    const std::vector<int> impact = comparison.byImpact();
    bool header = false;
    for (std::size_t i = 0; i < std::min<std::size_t>(impact.size(), 5); ++i) {
        const TraceComparison::Node &node = comparison.node(impact[i]);
        const std::int64_t self = node.selfNs[1] - node.selfNs[0];
        if (self == 0)
            break;
        if (!std::exchange(header, true))
            out() << "\nWhere the time went (self time, B − A):\n";
        out() << "  " << padded(signedDuration(self), 10)
              << fromStd(node.service + ": " + node.name
                         + (node.call.empty() ? "" : "  [" + node.call + "]"))
              << '\n';
    }
}

QJsonObject comparisonJson(const TraceComparison &comparison, const storage::TraceData &a,
                           const storage::TraceData &b)
{
    const auto ns = [](std::int64_t value) {
        return QString::number(value);
    };
    QJsonArray nodes;
    for (const int n : comparison.treeOrder()) {
        if (n == 0)
            continue;
        const TraceComparison::Node &node = comparison.node(n);
        QJsonArray path;
        for (const std::string &label : comparison.path(n))
            path.append(fromStd(label));
        nodes.append(QJsonObject{
            {QStringLiteral("path"), path},
            {QStringLiteral("countA"), node.count[0]},
            {QStringLiteral("countB"), node.count[1]},
            {QStringLiteral("durationA_ns"), ns(node.durationNs[0])},
            {QStringLiteral("durationB_ns"), ns(node.durationNs[1])},
            {QStringLiteral("selfA_ns"), ns(node.selfNs[0])},
            {QStringLiteral("selfB_ns"), ns(node.selfNs[1])},
            {QStringLiteral("errorsA"), node.errors[0]},
            {QStringLiteral("errorsB"), node.errors[1]},
            {QStringLiteral("change"), fromStd(std::string(analysis::changeName(node.change)))},
        });
    }
    const TraceComparison::Node &whole = comparison.node(0);
    return QJsonObject{
        {QStringLiteral("traceA"), fromStd(storage::toHex(a.summary.traceId))},
        {QStringLiteral("traceB"), fromStd(storage::toHex(b.summary.traceId))},
        {QStringLiteral("durationA_ns"), ns(whole.durationNs[0])},
        {QStringLiteral("durationB_ns"), ns(whole.durationNs[1])},
        {QStringLiteral("change"), fromStd(std::string(analysis::changeName(whole.change)))},
        {QStringLiteral("nodes"), nodes},
    };
}

} // namespace

int runCompare(const QStringList &arguments)
{
    Command command;
    QCommandLineParser &p = command.parser;
    p.addPositionalArgument(QStringLiteral("trace-a"),
                            QStringLiteral("The baseline (left out: the trace of the same root "
                                           "operation that started before B)."),
                            QStringLiteral("[A_ID]"));
    p.addPositionalArgument(QStringLiteral("trace-b"), QStringLiteral("The trace compared."),
                            QStringLiteral("B_ID"));
    p.addOption({QStringLiteral("noise"),
                 QStringLiteral("Differences below this share of a node's time are \"same\" "
                                "(default 10%)."),
                 QStringLiteral("percent"), QStringLiteral("10")});
    addRunOptions(p);
    if (const int code = command.prepare(
            arguments, QStringLiteral("compare"),
            QStringLiteral("Compare two traces: spans merged by their path of service and "
                           "operation, each with count, duration and self time of A and B."));
        code >= 0)
        return code;
    if (wantsRuns(p)) {
        if (!p.positionalArguments().isEmpty())
            return usageError(QStringLiteral("Runs are compared without trace ids."));
        return compareRuns(command);
    }
    const QStringList ids = p.positionalArguments();
    if (ids.isEmpty() || ids.size() > 2)
        return usageError(QStringLiteral("compare takes one or two trace ids."));
    std::vector<storage::TraceId> traceIds;
    for (const QString &text : ids) {
        storage::TraceId id;
        if (!parseTraceId(text, id))
            return usageError(QStringLiteral("%1 is not a trace id of 32 hex digits.").arg(text));
        traceIds.push_back(id);
    }
    bool ok = false;
    const double noise = p.value(QStringLiteral("noise")).remove(QLatin1Char('%')).toDouble(&ok);
    if (!ok || noise < 0 || noise > 1000)
        return usageError(QStringLiteral("--noise needs a percentage such as 10."));
    if (const int code = command.open(); code >= 0)
        return code;

    int code = 0;
    auto b = loadStoredTrace(*command.store, traceIds.back(), code);
    if (!b)
        return code;
    if (traceIds.size() == 1) {
        const auto previous = analysis::previousTraceOf(*command.store, b->summary);
        if (!previous)
            return fail(previous.error());
        if (!*previous)
            return fail("No trace of " + b->summary.rootService + ": " + b->summary.rootName
                        + " started before " + storage::toHex(b->summary.traceId)
                        + ": name the baseline.");
        traceIds.insert(traceIds.begin(), **previous);
    }
    auto a = loadStoredTrace(*command.store, traceIds.front(), code);
    if (!a)
        return code;
    TraceComparison::Options options;
    options.noiseShare = noise / 100.0;
    const TraceComparison comparison
        = TraceComparison::build(*a, analysis::SpanTree(*a), *b, analysis::SpanTree(*b), options);
    if (command.json())
        printJson(comparisonJson(comparison, *a, *b));
    else
        printText(comparison, *a, *b, command.zone());
    out().flush();
    return 0;
}

} // namespace spanscope::app

// `compare --baseline … --candidate …`: what a change did to every endpoint, for a test suite to
// gate on.

#include "runcompare.h"

#include "options.h"

#include <runselector.h>

#include <runs.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

#include <cmath>

namespace spanscope::app {

namespace {

constexpr int FailedExitCode = 3;

// One clause of --fail-if: METRIC>THRESHOLD.
struct Gate
{
    QString text;
    QString metric; // p50, p95, p99, errors, calls
    bool relative = false; // +N%
    double amount = 0; // percent, nanoseconds, percentage points or calls per trace
};

bool parseGates(const QString &text, std::vector<Gate> &gates, QString &error)
{
    for (QString clause : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        clause = clause.trimmed();
        Gate gate;
        gate.text = clause;
        const qsizetype at = clause.indexOf(QLatin1Char('>'));
        gate.metric = clause.left(at).trimmed();
        QString threshold = clause.mid(at + 1).trimmed();
        const bool timed = gate.metric == QLatin1String("p50")
            || gate.metric == QLatin1String("p95") || gate.metric == QLatin1String("p99");
        bool ok = at > 0
            && (timed || gate.metric == QLatin1String("errors")
                || gate.metric == QLatin1String("calls"));
        if (ok && threshold.endsWith(QLatin1Char('%'))) {
            gate.relative = true;
            threshold.chop(1);
            gate.amount = threshold.toDouble(&ok); // "+20" reads as 20
        } else if (ok && timed) {
            QString duration = threshold;
            if (duration.startsWith(QLatin1Char('+')))
                duration.remove(0, 1);
            const auto ns = storage::parseDuration(duration.toStdString());
            ok = ns.has_value();
            gate.amount = ns ? double(*ns) : 0;
        } else if (ok) {
            gate.amount = threshold.toDouble(&ok);
        }
        if (!ok || gate.amount < 0) {
            error = QStringLiteral("--fail-if does not understand \"%1\": use p50, p95, p99, "
                                   "errors or calls, then > and +N%, +DURATION or N "
                                   "(p95>+20%, errors>0, calls>+50%).")
                        .arg(clause);
            return false;
        }
        gates.push_back(gate);
    }
    return true;
}

// Whether B breaks the gate against A. Times must also grow by more than `floorNs`: a run of a
// few traces on a busy laptop varies that much by itself.
bool breaks(const Gate &gate, const analysis::EndpointChange &change, std::int64_t floorNs)
{
    const analysis::EndpointRun &a = change.runs[0];
    const analysis::EndpointRun &b = change.runs[1];
    if (b.traces == 0)
        return false;
    if (gate.metric == QLatin1String("errors"))
        return (b.errorRate() - a.errorRate()) * 100 > gate.amount;
    if (a.traces == 0)
        return false; // a new endpoint has nothing to be slower than
    const auto grew = [&](double before, double after) {
        return gate.relative ? after > before * (1 + gate.amount / 100) && after > before
                             : after - before > gate.amount;
    };
    if (gate.metric == QLatin1String("calls"))
        return grew(a.callsPerTrace, b.callsPerTrace);
    const std::int64_t before = gate.metric == QLatin1String("p50") ? a.p50Ns
        : gate.metric == QLatin1String("p95")                       ? a.p95Ns
                                                                    : a.p99Ns;
    const std::int64_t after = gate.metric == QLatin1String("p50") ? b.p50Ns
        : gate.metric == QLatin1String("p95")                      ? b.p95Ns
                                                                   : b.p99Ns;
    return after - before > floorNs && grew(double(before), double(after));
}

QString duration(std::int64_t ns)
{
    return fromStd(storage::formatDuration(ns));
}

QString arrow(const QString &a, const QString &b)
{
    return a + QStringLiteral(" → ") + b;
}

QJsonArray strings(const std::vector<std::string> &values)
{
    QJsonArray out;
    for (const std::string &value : values)
        out.append(fromStd(value));
    return out;
}

QJsonArray separatingJson(const analysis::EndpointChange &change)
{
    QJsonArray out;
    for (const auto &separating : change.separating)
        out.append(QJsonObject{{QStringLiteral("attribute"), fromStd(separating.attribute)},
                               {QStringLiteral("slowShare"), separating.slowShare},
                               {QStringLiteral("fastShare"), separating.fastShare}});
    return out;
}

} // namespace

void addRunOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("baseline"),
                      QStringLiteral("The run to compare with: since=…,until=…,attr=key=value, "
                                     "mark=NAME."),
                      QStringLiteral("selector")});
    parser.addOption({QStringLiteral("candidate"),
                      QStringLiteral("The run compared (the same form)."),
                      QStringLiteral("selector")});
    parser.addOption({QStringLiteral("fail-if"),
                      QStringLiteral("Exit with status 3 when an endpoint breaks one of these: "
                                     "p95>+20%, p50>+30ms, errors>0, calls>+50%."),
                      QStringLiteral("clauses")});
    parser.addOption({QStringLiteral("noise-floor"),
                      QStringLiteral("Time changes smaller than this never break --fail-if "
                                     "(default 5ms)."),
                      QStringLiteral("duration"), QStringLiteral("5ms")});
}

bool wantsRuns(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("baseline")) || parser.isSet(QStringLiteral("candidate"));
}

int compareRuns(Command &command)
{
    const QCommandLineParser &p = command.parser;
    if (!p.isSet(QStringLiteral("baseline")) || !p.isSet(QStringLiteral("candidate")))
        return usageError(
            QStringLiteral("Runs are compared with both --baseline and --candidate."));
    std::vector<Gate> gates;
    QString error;
    if (!parseGates(p.value(QStringLiteral("fail-if")), gates, error))
        return usageError(error);
    const auto floor = storage::parseDuration(p.value(QStringLiteral("noise-floor")).toStdString());
    if (!floor)
        return usageError(QStringLiteral("--noise-floor needs a duration such as 5ms."));
    if (const int code = command.open(); code >= 0)
        return code;
    storage::TraceFilter baseline, candidate;
    if (!ui::runSelectorFilter(p.value(QStringLiteral("baseline")), *command.store, baseline, error)
        || !ui::runSelectorFilter(p.value(QStringLiteral("candidate")), *command.store, candidate,
                                  error))
        return usageError(error);
    auto changes = analysis::compareRuns(*command.store, baseline, candidate);
    if (!changes)
        return fail(changes.error());

    bool failed = false;
    QJsonArray array;
    int traces[2] = {0, 0};
    for (const analysis::EndpointChange &change : *changes) {
        traces[0] += change.runs[0].traces;
        traces[1] += change.runs[1].traces;
    }
    if (!command.json())
        out() << "Baseline " << traces[0] << " traces, candidate " << traces[1]
              << " traces; biggest impact first.\n\n";
    for (const analysis::EndpointChange &change : *changes) {
        const analysis::EndpointRun &a = change.runs[0];
        const analysis::EndpointRun &b = change.runs[1];
        QStringList broken;
        for (const Gate &gate : gates) {
            if (breaks(gate, change, *floor))
                broken << gate.text;
        }
        failed = failed || !broken.isEmpty();
        if (command.json()) {
            QJsonObject object{
                {QStringLiteral("endpoint"), fromStd(change.endpoint)},
                {QStringLiteral("countA"), a.traces},
                {QStringLiteral("countB"), b.traces},
                {QStringLiteral("p50A_ns"), QString::number(a.p50Ns)},
                {QStringLiteral("p50B_ns"), QString::number(b.p50Ns)},
                {QStringLiteral("p95A_ns"), QString::number(a.p95Ns)},
                {QStringLiteral("p95B_ns"), QString::number(b.p95Ns)},
                {QStringLiteral("p99A_ns"), QString::number(a.p99Ns)},
                {QStringLiteral("p99B_ns"), QString::number(b.p99Ns)},
                {QStringLiteral("errorRateA"), a.errorRate()},
                {QStringLiteral("errorRateB"), b.errorRate()},
                {QStringLiteral("callsA"), a.callsPerTrace},
                {QStringLiteral("callsB"), b.callsPerTrace},
                {QStringLiteral("spansA"), a.spansPerTrace},
                {QStringLiteral("spansB"), b.spansPerTrace},
                {QStringLiteral("impactNs"), QString::number(change.impactNs)},
                {QStringLiteral("newOperations"), strings(change.newOperations)},
                {QStringLiteral("newErrors"), strings(change.newErrors)},
                {QStringLiteral("missingOperations"), strings(change.missingOperations)},
                {QStringLiteral("newInsights"), strings(change.newInsights)},
                {QStringLiteral("separating"), separatingJson(change)},
                {QStringLiteral("broken"), QJsonArray::fromStringList(broken)},
            };
            array.append(object);
            continue;
        }
        out() << fromStd(change.endpoint)
              << (broken.isEmpty()
                      ? QString()
                      : QStringLiteral("  BREAKS ") + broken.join(QStringLiteral(", ")))
              << '\n'
              << "    traces " << arrow(QString::number(a.traces), QString::number(b.traces))
              << "   p50 " << arrow(duration(a.p50Ns), duration(b.p50Ns)) << "   p95 "
              << arrow(duration(a.p95Ns), duration(b.p95Ns)) << "   errors "
              << arrow(QString::number(a.errorRate() * 100, 'f', 0) + QLatin1Char('%'),
                       QString::number(b.errorRate() * 100, 'f', 0) + QLatin1Char('%'))
              << "   calls/trace "
              << arrow(QString::number(a.callsPerTrace, 'f', 1),
                       QString::number(b.callsPerTrace, 'f', 1))
              << '\n';
        for (const std::string &operation : change.newOperations)
            out() << "    new: " << fromStd(operation) << '\n';
        for (const std::string &newError : change.newErrors)
            out() << "    new error: " << fromStd(newError) << '\n';
        for (const std::string &operation : change.missingOperations)
            out() << "    gone: " << fromStd(operation) << '\n';
        for (const std::string &insight : change.newInsights)
            out() << "    new insight: " << fromStd(insight) << '\n';
        for (const auto &separating : change.separating)
            out() << "    slow traces have " << fromStd(separating.attribute) << " ("
                  << qRound(separating.slowShare * 100) << " % of the slow, "
                  << qRound(separating.fastShare * 100) << " % of the others)\n";
    }
    if (command.json())
        printJson(
            QJsonObject{{QStringLiteral("endpoints"), array}, {QStringLiteral("failed"), failed}});
    else if (failed)
        out() << "\n--fail-if broken.\n";
    out().flush();
    return failed ? FailedExitCode : 0;
}

} // namespace spanscope::app

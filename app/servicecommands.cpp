// `services`: RED metrics per service and operation from stored spans, and with --edges the
// service map's edges, for scripts and agents.

#include "cli.h"
#include "command.h"
#include "options.h"

#include <services/servicereader.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace spanscope::app {

namespace {

QString percent(double rate)
{
    return QString::number(rate * 100, 'f', rate > 0 && rate < 0.01 ? 2 : 1) + QLatin1Char('%');
}

QString duration(std::int64_t ns)
{
    return fromStd(storage::formatDuration(ns));
}

} // namespace

int runServices(const QStringList &arguments)
{
    Command command;
    QCommandLineParser &p = command.parser;
    p.addOption({QStringLiteral("since"),
                 QStringLiteral("Only traces started within this long ago (default 1h; e.g. 15m)."),
                 QStringLiteral("duration"), QStringLiteral("1h")});
    p.addOption({QStringLiteral("edges"),
                 QStringLiteral("Print the service map's edges (who calls whom) instead.")});
    p.addOption({QStringLiteral("trace"), QStringLiteral("Only this trace (its own map)."),
                 QStringLiteral("id")});
    if (const int code = command.prepare(
            arguments, QStringLiteral("services"),
            QStringLiteral("Request rate, error rate and p50/p95/p99 per service and operation, "
                           "from stored server, consumer and client spans."));
        code >= 0)
        return code;
    storage::ServiceFilter filter;
    const auto since = storage::parseDuration(p.value(QStringLiteral("since")).toStdString());
    if (!since)
        return usageError(QStringLiteral("--since needs a duration such as 15m or 2h."));
    filter.fromNs = static_cast<std::uint64_t>(
        std::max<std::int64_t>(0, QDateTime::currentMSecsSinceEpoch() * 1'000'000 - *since));
    if (p.isSet(QStringLiteral("trace"))) {
        storage::TraceId id;
        if (!parseTraceId(p.value(QStringLiteral("trace")), id))
            return usageError(QStringLiteral("%1 is not a trace id of 32 hex digits.")
                                  .arg(p.value(QStringLiteral("trace"))));
        filter.trace = id;
    }
    const bool edges = p.isSet(QStringLiteral("edges"));
    if (const int code = command.open(); code >= 0)
        return code;
    const auto overview = command.store->serviceReader().overview(filter);
    if (!overview)
        return fail(overview.error());

    if (edges) {
        QJsonArray array;
        for (const storage::ServiceEdge &edge : overview->edges) {
            if (command.json()) {
                array.append(
                    QJsonObject{{QStringLiteral("from"), fromStd(edge.from)},
                                {QStringLiteral("to"), fromStd(edge.to)},
                                {QStringLiteral("toKind"), fromStd(storage::toString(edge.toKind))},
                                {QStringLiteral("messaging"), edge.messaging},
                                {QStringLiteral("calls"), static_cast<qint64>(edge.calls)},
                                {QStringLiteral("errors"), static_cast<qint64>(edge.errors)},
                                {QStringLiteral("p95_ns"), QString::number(edge.p95Ns)}});
                continue;
            }
            out() << fromStd(edge.from) << (edge.messaging ? " ~> " : " -> ") << fromStd(edge.to);
            if (edge.toKind != storage::NodeKind::Service)
                out() << " (" << storage::toString(edge.toKind) << ")";
            out() << "  " << edge.calls << (edge.calls == 1 ? " call" : " calls");
            if (edge.errors > 0)
                out() << ", " << edge.errors << (edge.errors == 1 ? " error" : " errors");
            if (!edge.messaging)
                out() << ", p95 " << duration(edge.p95Ns);
            out() << '\n';
        }
        if (command.json())
            printJson(QJsonObject{{QStringLiteral("edges"), array}});
        else if (overview->edges.empty())
            out() << "No calls between services in the traces read.\n";
        out().flush();
        return 0;
    }

    if (command.json()) {
        QJsonArray array;
        for (const storage::RedRow &row : overview->services) {
            QJsonArray counts, p95s;
            for (const std::uint64_t c : row.countPerBucket)
                counts.append(static_cast<qint64>(c));
            for (const std::int64_t ns : row.p95PerBucket)
                p95s.append(QString::number(ns));
            array.append(QJsonObject{{QStringLiteral("service"), fromStd(row.service)},
                                     {QStringLiteral("operation"), fromStd(row.operation)},
                                     {QStringLiteral("kind"), fromStd(storage::toString(row.kind))},
                                     {QStringLiteral("count"), static_cast<qint64>(row.count)},
                                     {QStringLiteral("errors"), static_cast<qint64>(row.errors)},
                                     {QStringLiteral("errorRate"), row.errorRate()},
                                     {QStringLiteral("ratePerSecond"), row.ratePerSecond},
                                     {QStringLiteral("p50_ns"), QString::number(row.p50Ns)},
                                     {QStringLiteral("p95_ns"), QString::number(row.p95Ns)},
                                     {QStringLiteral("p99_ns"), QString::number(row.p99Ns)},
                                     {QStringLiteral("total_ns"), QString::number(row.totalNs)},
                                     {QStringLiteral("countPerBucket"), counts},
                                     {QStringLiteral("p95PerBucket_ns"), p95s}});
        }
        printJson(
            QJsonObject{{QStringLiteral("fromNs"), QString::number(overview->fromNs)},
                        {QStringLiteral("toNs"), QString::number(overview->toNs)},
                        {QStringLiteral("spansRead"), static_cast<qint64>(overview->spansRead)},
                        {QStringLiteral("services"), array}});
        return 0;
    }
    if (overview->services.empty()) {
        out() << "No server, consumer or client spans in the traces read.\n";
        out().flush();
        return 0;
    }
    out() << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                 .arg(QStringLiteral("SERVICE / OPERATION"), -44)
                 .arg(QStringLiteral("CALLS"), 7)
                 .arg(QStringLiteral("ERRORS"), 7)
                 .arg(QStringLiteral("P50"), 9)
                 .arg(QStringLiteral("P95"), 9)
                 .arg(QStringLiteral("P99"), 9);
    for (const storage::RedRow &row : overview->services) {
        QString name = row.operation.empty() ? fromStd(row.service)
                                             : QStringLiteral("  ") + fromStd(row.operation);
        if (row.operation.empty() && row.kind != storage::NodeKind::Service)
            name += QStringLiteral(" (%1)").arg(QString::fromLatin1(storage::toString(row.kind)));
        out() << QStringLiteral("%1 %2 %3 %4 %5 %6\n")
                     .arg(name.left(44), -44)
                     .arg(row.count, 7)
                     .arg(percent(row.errorRate()), 7)
                     .arg(duration(row.p50Ns), 9)
                     .arg(duration(row.p95Ns), 9)
                     .arg(duration(row.p99Ns), 9);
    }
    out().flush();
    return 0;
}

} // namespace spanscope::app

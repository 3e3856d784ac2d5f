#include "cli.h"

#include "command.h"
#include "options.h"

#include <counters.h>
#include <demotraffic.h>
#include <otlp/otlptext.h>
#include <runmark.h>
#include <spansource.h>
#include <tracestore.h>
#include <tracetext.h>

#include <QCommandLineParser>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QTextStream>

#include <cstdio>

namespace spanscope::app {

namespace {

// `show --logs` prints at most this many records under a trace's spans.
constexpr int MaxLogsShown = 10'000;

QString isoTime(std::int64_t nanos)
{
    return QDateTime::fromMSecsSinceEpoch(nanos / 1'000'000, Qt::UTC).toString(Qt::ISODateWithMs);
}

int severityFromName(const QString &text)
{
    static const QStringList names
        = {QStringLiteral("trace"), QStringLiteral("debug"), QStringLiteral("info"),
           QStringLiteral("warn"),  QStringLiteral("error"), QStringLiteral("fatal")};
    const int band = static_cast<int>(names.indexOf(text.toLower()));
    if (band >= 0)
        return band * 4 + 1;
    bool ok = false;
    const int number = text.toInt(&ok);
    return ok && number >= 0 && number <= 24 ? number : -1;
}

const QString AttrHelp = QStringLiteral(
    "Attribute clauses joined by AND: key=value, key!=value, key>N, key<=N, key exists (or a "
    "key alone). Repeatable; every clause must hold.");

// Every --attr given, each one or more clauses.
bool attributeClausesFrom(const QCommandLineParser &parser,
                          std::vector<storage::AttributeCondition> &out, QString &error)
{
    for (const QString &text : parser.values(QStringLiteral("attr"))) {
        auto clauses = storage::parseAttributeConditions(text.toStdString());
        if (!clauses) {
            error = QStringLiteral("--attr: ") + QString::fromStdString(clauses.error());
            return false;
        }
        out.insert(out.end(), clauses->begin(), clauses->end());
    }
    if (out.size() > storage::MaxAttributeConditions) {
        error = QStringLiteral("--attr: at most %1 clauses can be combined.")
                    .arg(storage::MaxAttributeConditions);
        return false;
    }
    return true;
}

} // namespace

void addTraceFilterOptions(QCommandLineParser &parser, int defaultLimit)
{
    parser.addOption({QStringLiteral("service"),
                      QStringLiteral("Only traces involving this service."),
                      QStringLiteral("name")});
    parser.addOption({QStringLiteral("name"),
                      QStringLiteral("Only traces with a span of this name."),
                      QStringLiteral("span-name")});
    parser.addOption({QStringLiteral("errors"), QStringLiteral("Only traces with an error span.")});
    parser.addOption({QStringLiteral("min-duration"),
                      QStringLiteral("At least this long (e.g. 250ms, 1.5s)."),
                      QStringLiteral("duration")});
    parser.addOption({QStringLiteral("max-duration"), QStringLiteral("At most this long."),
                      QStringLiteral("duration")});
    parser.addOption({QStringLiteral("since"),
                      QStringLiteral("Started within this long ago (e.g. 15m, 2h)."),
                      QStringLiteral("duration")});
    parser.addOption({QStringLiteral("attr"), AttrHelp, QStringLiteral("clauses")});
    parser.addOption(
        {QStringLiteral("trace-id"), QStringLiteral("Only this trace."), QStringLiteral("hex")});
    parser.addOption({QStringLiteral("source"),
                      QStringLiteral("Only traces imported from this file (its absolute path)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("limit"),
                      QStringLiteral("At most this many traces (default %1).").arg(defaultLimit),
                      QStringLiteral("n"), QString::number(defaultLimit)});
}

bool traceFilterFrom(const QCommandLineParser &parser, storage::TraceFilter &filter, QString &error)
{
    filter.service = parser.value(QStringLiteral("service")).toStdString();
    filter.spanName = parser.value(QStringLiteral("name")).toStdString();
    filter.errorsOnly = parser.isSet(QStringLiteral("errors"));
    filter.limit = parser.value(QStringLiteral("limit")).toInt();
    if (filter.limit <= 0) {
        error = QStringLiteral("--limit needs a positive number.");
        return false;
    }
    for (const char *name : {"min-duration", "max-duration", "since"}) {
        const QString option = QString::fromLatin1(name);
        if (!parser.isSet(option))
            continue;
        const auto parsed = storage::parseDuration(parser.value(option).toStdString());
        if (!parsed) {
            error = QStringLiteral("--%1 needs a duration such as 250ms or 2m.").arg(option);
            return false;
        }
        const qint64 nanos = *parsed;
        if (option == QLatin1String("min-duration"))
            filter.minDurationNs = nanos;
        else if (option == QLatin1String("max-duration"))
            filter.maxDurationNs = nanos;
        else
            filter.startFromNs = QDateTime::currentMSecsSinceEpoch() * 1'000'000 - nanos;
    }
    if (!attributeClausesFrom(parser, filter.attributes, error))
        return false;
    if (parser.isSet(QStringLiteral("trace-id"))) {
        storage::TraceId id;
        if (!parseTraceId(parser.value(QStringLiteral("trace-id")), id)) {
            error = QStringLiteral("--trace-id needs 32 hex digits.");
            return false;
        }
        filter.traceId = id;
    }
    if (parser.isSet(QStringLiteral("source")))
        filter.source
            = QFileInfo(parser.value(QStringLiteral("source"))).absoluteFilePath().toStdString();
    return true;
}

int runTraces(const QStringList &arguments)
{
    Command command;
    QCommandLineParser &p = command.parser;
    addTraceFilterOptions(p, 50);
    if (const int code = command.prepare(arguments, QStringLiteral("traces"),
                                         QStringLiteral("List stored traces, newest first."));
        code >= 0)
        return code;

    storage::TraceFilter filter;
    if (QString error; !traceFilterFrom(p, filter, error))
        return usageError(error);
    if (const int code = command.open(); code >= 0)
        return code;
    auto traces = command.store->findTraces(filter);
    if (!traces)
        return fail(traces.error());
    if (command.json()) {
        QJsonArray array;
        for (const storage::TraceSummary &t : *traces) {
            QJsonArray services;
            for (const std::string &s : t.services)
                services.append(fromStd(s));
            array.append(QJsonObject{
                {QStringLiteral("traceId"), fromStd(storage::toHex(t.traceId))},
                {QStringLiteral("start"), isoTime(t.startNs)},
                {QStringLiteral("startTimeUnixNano"), QString::number(t.startNs)},
                {QStringLiteral("durationNanos"), QString::number(t.durationNs())},
                {QStringLiteral("rootService"), fromStd(t.rootService)},
                {QStringLiteral("rootName"), fromStd(t.rootName)},
                {QStringLiteral("rootReceived"), t.hasRoot},
                {QStringLiteral("spanCount"), static_cast<qint64>(t.spanCount)},
                {QStringLiteral("errorCount"), static_cast<qint64>(t.errorCount)},
                {QStringLiteral("logCount"), static_cast<qint64>(t.logCount)},
                {QStringLiteral("source"), fromStd(t.source)},
                {QStringLiteral("services"), services},
                {QStringLiteral("moreServices"), t.moreServices},
            });
        }
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
        return 0;
    }
    if (traces->empty()) {
        out() << "No traces match.\n";
        return 0;
    }
    out() << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                 .arg(QStringLiteral("TRACE ID"), -32)
                 .arg(QStringLiteral("START"), -33)
                 .arg(QStringLiteral("DURATION"), 11)
                 .arg(QStringLiteral("SPANS"), 6)
                 .arg(QStringLiteral("ERR"), 4)
                 .arg(QStringLiteral("ROOT"));
    for (const storage::TraceSummary &t : *traces) {
        QString root = fromStd(storage::printable(t.rootService)) + QLatin1Char(' ')
            + fromStd(storage::printable(t.rootName));
        if (!t.hasRoot)
            root += QStringLiteral("  (root span not received)");
        out() << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                     .arg(fromStd(storage::toHex(t.traceId)))
                     .arg(fromStd(storage::formatTimestamp(t.startNs, command.zone())), -33)
                     .arg(fromStd(storage::formatDuration(t.durationNs())), 11)
                     .arg(t.spanCount, 6)
                     .arg(t.errorCount, 4)
                     .arg(root);
    }
    return 0;
}

int runShow(const QStringList &arguments)
{
    Command command;
    command.parser.addPositionalArgument(QStringLiteral("trace-id"),
                                         QStringLiteral("The trace to show (32 hex digits)."));
    command.parser.addOption(
        {{QStringLiteral("v"), QStringLiteral("attributes")},
         QStringLiteral("Also print each span's ids, scope, attributes, events and links.")});
    command.parser.addOption(
        {QStringLiteral("logs"),
         QStringLiteral("Print the trace's log records under the spans that wrote them.")});
    command.parser.addOption(
        {QStringLiteral("stats"),
         QStringLiteral("Print the trace's statistics: count, total, self, average, min and max "
                        "time per service and operation.")});
    if (const int code
        = command.prepare(arguments, QStringLiteral("show"),
                          QStringLiteral("Show one trace as a span tree with timings and errors."));
        code >= 0)
        return code;
    const QStringList positional = command.parser.positionalArguments();
    storage::TraceId id;
    if (positional.size() != 1 || !parseTraceId(positional.first(), id))
        return usageError(QStringLiteral("show needs one trace id of 32 hex digits."));
    if (const int code = command.open(); code >= 0)
        return code;
    if (command.parser.isSet(QStringLiteral("stats")))
        return printStatistics(*command.store, id, command.json());
    // Read span by span as it is written: a trace of a million spans is never held whole.
    auto trace = command.store->openTrace(id);
    if (!trace)
        return fail(trace.error());
    if (!*trace || (*trace)->places().empty())
        return fail("No trace " + storage::toHex(id) + " is stored.");
    storage::SpanSource &source = **trace;
    out().flush();
    if (command.json())
        return ingest::writeTraceJson(source, writeOut) ? 0 : fail(source.error());
    storage::TraceTextOptions options;
    options.attributes = command.parser.isSet(QStringLiteral("attributes"));
    options.zone = command.zone();
    std::optional<storage::LogPage> logs;
    if (command.parser.isSet(QStringLiteral("logs"))) {
        storage::LogFilter filter;
        filter.traceId = id;
        filter.order = storage::LogOrder::ByTime;
        filter.limit = MaxLogsShown;
        auto page = command.store->findLogs(filter);
        if (!page)
            return fail(page.error());
        logs = std::move(*page);
        options.logs = &*logs;
    }
    if (!storage::writeTraceText(source, options, writeOut))
        return fail(source.error());
    if (logs && static_cast<int>(logs->logs.size()) == MaxLogsShown)
        out() << "(the first " << MaxLogsShown << " log records are shown; `spanscope logs --trace "
              << fromStd(storage::toHex(id)) << "` lists them all)\n";
    return 0;
}

int runLogs(const QStringList &arguments)
{
    if (arguments.value(1) == QLatin1String("ingest")) {
        QStringList rest = arguments;
        rest.removeAt(1);
        return runLogsIngest(rest);
    }
    Command command;
    QCommandLineParser &p = command.parser;
    p.addOption({QStringLiteral("trace"), QStringLiteral("Only records of this trace."),
                 QStringLiteral("trace-id")});
    p.addOption({QStringLiteral("span"), QStringLiteral("Only records of this span."),
                 QStringLiteral("span-id")});
    p.addOption({QStringLiteral("min-severity"),
                 QStringLiteral("trace, debug, info, warn, error, fatal or 1-24."),
                 QStringLiteral("level")});
    p.addOption({QStringLiteral("service"), QStringLiteral("Only records from this service."),
                 QStringLiteral("name")});
    p.addOption({QStringLiteral("grep"),
                 QStringLiteral("Only records whose body contains this text (any case)."),
                 QStringLiteral("text")});
    p.addOption({QStringLiteral("words"),
                 QStringLiteral("Only records with words starting with each of these."),
                 QStringLiteral("words")});
    p.addOption({QStringLiteral("attr"), AttrHelp, QStringLiteral("clauses")});
    p.addOption({QStringLiteral("order"),
                 QStringLiteral("time (newest first; with --trace, oldest first: the story of "
                                "the request) or received (newest received first)."),
                 QStringLiteral("order"), QStringLiteral("time")});
    p.addOption({QStringLiteral("limit"),
                 QStringLiteral("At most this many records (default 100)."), QStringLiteral("n"),
                 QStringLiteral("100")});
    if (const int code = command.prepare(arguments, QStringLiteral("logs"),
                                         QStringLiteral("List stored log records, newest first; "
                                                        "a trace's records oldest first."));
        code >= 0)
        return code;
    storage::LogFilter filter;
    if (p.isSet(QStringLiteral("trace"))) {
        storage::TraceId id;
        if (!parseTraceId(p.value(QStringLiteral("trace")), id))
            return usageError(QStringLiteral("--trace needs 32 hex digits."));
        filter.traceId = id;
    }
    if (p.isSet(QStringLiteral("span"))) {
        storage::SpanId id;
        if (!storage::fromHex(p.value(QStringLiteral("span")).trimmed().toStdString(), id))
            return usageError(QStringLiteral("--span needs 16 hex digits."));
        filter.spanId = id;
    }
    if (p.isSet(QStringLiteral("min-severity"))) {
        filter.minSeverity = severityFromName(p.value(QStringLiteral("min-severity")));
        if (filter.minSeverity < 0)
            return usageError(QStringLiteral(
                "--min-severity needs trace, debug, info, warn, error, fatal or 1-24."));
    }
    filter.service = p.value(QStringLiteral("service")).toStdString();
    filter.text = p.value(QStringLiteral("grep")).toStdString();
    filter.words = p.value(QStringLiteral("words")).toStdString();
    if (QString error; !attributeClausesFrom(p, filter.attributes, error))
        return usageError(error);
    const QString order = p.value(QStringLiteral("order"));
    if (order == QLatin1String("received"))
        filter.order = storage::LogOrder::NewestFirst;
    else if (order == QLatin1String("time"))
        filter.order = filter.traceId ? storage::LogOrder::ByTime : storage::LogOrder::NewestByTime;
    else
        return usageError(QStringLiteral("--order needs time or received."));
    filter.limit = p.value(QStringLiteral("limit")).toInt();
    if (filter.limit <= 0)
        return usageError(QStringLiteral("--limit needs a positive number."));
    if (const int code = command.open(); code >= 0)
        return code;
    auto page = command.store->findLogs(filter);
    if (!page)
        return fail(page.error());
    if (command.json()) {
        out() << fromStd(ingest::logsJson(*page)) << '\n';
        return 0;
    }
    if (page->logs.empty())
        out() << "No log records match.\n";
    for (const storage::StoredLog &log : page->logs)
        out() << fromStd(storage::formatLog(log, *page, command.zone())) << '\n';
    return 0;
}

int runStats(const QStringList &arguments)
{
    Command command;
    if (const int code
        = command.prepare(arguments, QStringLiteral("stats"),
                          QStringLiteral("Show what is stored and the ingest counters."));
        code >= 0)
        return code;
    if (const int code = command.open(); code >= 0)
        return code;
    auto stats = command.store->statistics();
    if (!stats)
        return fail(stats.error());
    QJsonObject counters;
    for (const auto &[name, value] : stats->counters)
        counters.insert(fromStd(name), static_cast<qint64>(value));
    if (command.json()) {
        out() << QJsonDocument(
                     QJsonObject{
                         {QStringLiteral("traces"), static_cast<qint64>(stats->traces)},
                         {QStringLiteral("spans"), static_cast<qint64>(stats->spans)},
                         {QStringLiteral("logs"), static_cast<qint64>(stats->logs)},
                         {QStringLiteral("usedBytes"), static_cast<qint64>(stats->usedBytes)},
                         {QStringLiteral("fileBytes"), static_cast<qint64>(stats->fileBytes)},
                         {QStringLiteral("counters"), counters}})
                     .toJson(QJsonDocument::Indented);
        return 0;
    }
    // Grouped digits for people; --json has the plain numbers.
    const QLocale locale(QLocale::English, QLocale::UnitedStates);
    const auto number = [&](std::int64_t value) {
        return QStringLiteral("%1").arg(locale.toString(qlonglong(value)), 14);
    };
    out() << "stored now\n"
          << "  traces        " << number(stats->traces) << '\n'
          << "  spans         " << number(stats->spans) << '\n'
          << "  log records   " << number(stats->logs) << '\n'
          << "  database      " << number(stats->usedBytes) << " bytes used ("
          << locale.formattedDataSize(stats->usedBytes) << "), "
          << locale.formattedDataSize(stats->fileBytes) << " on disk\n"
          << "counters, since the database was created\n";
    // Every counter, zero or not, with what it counts: the report reads without the docs.
    for (const storage::counters::CounterInfo &info : storage::counters::registry()) {
        const auto it = stats->counters.find(info.name);
        const auto value = static_cast<std::int64_t>(it == stats->counters.end() ? 0 : it->second);
        out() << "  " << QStringLiteral("%1").arg(QLatin1String(info.name), -29) << number(value)
              << "  " << info.unit << ' ' << info.meaning << '\n';
    }
    return 0;
}

int runMark(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Start a new run: the traces after this mark, until the next one, are the run NAME "
        "(compare --baseline mark=NAME)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The run's name."));
    parser.addOption({QStringLiteral("grpc"),
                      QStringLiteral("The receiver's OTLP/gRPC address (default 127.0.0.1:4317)."),
                      QStringLiteral("host:port"), QStringLiteral("127.0.0.1:4317")});
    addTokenOption(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printHelp(parser, QStringLiteral("mark"));
        return 0;
    }
    const QStringList names = parser.positionalArguments();
    if (names.size() != 1 || names.front().trimmed().isEmpty() || names.front().size() > 200)
        return usageError(QStringLiteral("mark takes one run name (at most 200 characters)."));
    const std::string address = parser.value(QStringLiteral("grpc")).toStdString();
    auto sent
        = ingest::sendRunMark(address, bearerToken(parser), names.front().trimmed().toStdString());
    if (!sent)
        return fail(sent.error());
    out() << "Run " << names.front().trimmed() << " starts now (mark " << fromStd(*sent) << ").\n";
    return 0;
}

int runDemo(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Send a realistic set of demo telemetry (an order flow across four services with a payment "
        "failure, logs, and a 20 000-span batch trace) to a running Spanscope."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("grpc"),
                      QStringLiteral("The receiver's OTLP/gRPC address (default 127.0.0.1:4317)."),
                      QStringLiteral("host:port"), QStringLiteral("127.0.0.1:4317")});
    addTokenOption(parser);
    addJsonOption(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printHelp(parser, QStringLiteral("demo"));
        return 0;
    }
    const std::string address = parser.value(QStringLiteral("grpc")).toStdString();
    auto sent = ingest::sendDemoTraffic(address, bearerToken(parser));
    if (!sent)
        return fail(sent.error());
    if (wantsJson(parser)) {
        printJson({{QStringLiteral("traces"), sent->traces},
                   {QStringLiteral("spans"), qint64(sent->spans)},
                   {QStringLiteral("logRecords"), qint64(sent->logRecords)},
                   {QStringLiteral("metricPoints"), qint64(sent->metricPoints)},
                   {QStringLiteral("receiver"), fromStd(address)},
                   {QStringLiteral("failedTraceId"), fromStd(sent->failedTraceId)},
                   {QStringLiteral("largeTraceId"), fromStd(sent->largeTraceId)}});
        return 0;
    }
    out() << "Sent " << sent->traces << " traces (" << sent->spans << " spans), "
          << sent->logRecords << " log records and " << sent->metricPoints << " metric points to "
          << fromStd(address) << ".\n"
          << "  the failed order:    spanscope show " << fromStd(sent->failedTraceId) << '\n'
          << "  the large batch job: spanscope show " << fromStd(sent->largeTraceId) << '\n';
    return 0;
}

} // namespace spanscope::app

#include "cli.h"
#include "options.h"

#include <files/bundle.h>
#include <spanwriter.h>
#include <tracestore.h>

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLocale>
#include <QTextStream>

namespace spanscope::app {

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "spanscope: " << message << '\n';
    return 1;
}

bool parseHelp(QCommandLineParser &parser, const QStringList &arguments, const QString &command,
               int &code)
{
    parser.addHelpOption();
    addDatabaseOption(parser);
    addJsonOption(parser);
    if (!parser.parse(arguments)) {
        code = usageError(parser.errorText());
        return true;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        printHelp(parser, command);
        code = 0;
        return true;
    }
    return false;
}

} // namespace

int runExport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write traces, with their log records, to one bundle file for a bug report: OTLP-JSON "
        "any OpenTelemetry tool reads, a page any browser shows, and secrets masked."));
    parser.addPositionalArgument(QStringLiteral("TRACE_ID"), QStringLiteral("Traces to export."),
                                 QStringLiteral("TRACE_ID..."));
    parser.addOption({{QStringLiteral("o"), QStringLiteral("output")},
                      QStringLiteral("The bundle to write (.spanscope)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("no-logs"), QStringLiteral("Leave the log records out.")});
    parser.addOption({QStringLiteral("no-html"), QStringLiteral("Leave the browser page out.")});
    parser.addOption({QStringLiteral("redact"),
                      QStringLiteral("Redaction rules (JSON: keys, values, defaults) instead of "
                                     "the defaults."),
                      QStringLiteral("rules-file")});
    parser.addOption({QStringLiteral("no-redaction"),
                      QStringLiteral("Export values as they are (secrets included).")});
    parser.addOption(
        {QStringLiteral("note"), QStringLiteral("A note for the reader."), QStringLiteral("text")});
    addTraceFilterOptions(parser, 100); // without ids: the traces matching these
    int code = 0;
    if (parseHelp(parser, arguments, QStringLiteral("export"), code))
        return code;
    std::vector<storage::TraceId> ids;
    for (const QString &text : parser.positionalArguments()) {
        storage::TraceId id{};
        if (!storage::fromHex(text.trimmed().toStdString(), id))
            return usageError(QStringLiteral("'%1' is not a trace id (32 hex digits).").arg(text));
        ids.push_back(id);
    }
    storage::TraceFilter filter;
    if (QString error; !traceFilterFrom(parser, filter, error))
        return usageError(error);
    const bool filtered = storage::narrows(filter);
    if (ids.empty() && !filtered)
        return usageError(QStringLiteral("export needs trace ids, or filters such as --errors "
                                         "--since 1h."));
    if (!parser.isSet(QStringLiteral("output")))
        return usageError(QStringLiteral("export needs -o FILE.spanscope."));
    ingest::BundleOptions options;
    options.logs = !parser.isSet(QStringLiteral("no-logs"));
    options.html = !parser.isSet(QStringLiteral("no-html"));
    options.note = parser.value(QStringLiteral("note")).toStdString();
    options.appVersion = SPANSCOPE_VERSION;
    if (parser.isSet(QStringLiteral("no-redaction"))) {
        options.redaction.reset();
    } else if (parser.isSet(QStringLiteral("redact"))) {
        QFile file(parser.value(QStringLiteral("redact")));
        if (!file.open(QIODevice::ReadOnly))
            return usageError(QStringLiteral("--redact: cannot read %1.").arg(file.fileName()));
        auto rules = ingest::RedactionRules::fromJson(file.readAll().toStdString());
        if (!rules)
            return usageError(
                QStringLiteral("--redact: %1").arg(QString::fromStdString(rules.error())));
        options.redaction = std::move(*rules);
    }
    auto store = storage::TraceStore::open(databasePath(parser).toStdString());
    if (!store)
        return fail(QString::fromStdString(store.error()));
    if (ids.empty()) {
        auto matching = (*store)->findTraces(filter);
        if (!matching)
            return fail(QString::fromStdString(matching.error()));
        if (matching->empty())
            return fail(QStringLiteral("No stored trace matches the filters."));
        for (const storage::TraceSummary &summary : *matching)
            ids.push_back(summary.traceId);
    }
    const QString output = parser.value(QStringLiteral("output"));
    auto written = ingest::writeBundle(**store, ids, options, output.toStdString());
    if (!written)
        return fail(QString::fromStdString(written.error()));
    int masked = 0;
    QJsonObject byPattern;
    for (const auto &[pattern, count] : written->masked) {
        masked += count;
        byPattern.insert(QString::fromStdString(pattern), count);
    }
    if (wantsJson(parser)) {
        printJson({{QStringLiteral("file"), QFileInfo(output).absoluteFilePath()},
                   {QStringLiteral("traces"), written->traces},
                   {QStringLiteral("spans"), qint64(written->spans)},
                   {QStringLiteral("logRecords"), qint64(written->logs)},
                   {QStringLiteral("redacted"), options.redaction.has_value()},
                   {QStringLiteral("masked"), byPattern}});
        return 0;
    }
    QTextStream(stdout) << "Wrote " << output << ": " << written->traces << " traces, "
                        << written->spans << " spans, " << written->logs << " log records; "
                        << (options.redaction ? QStringLiteral("%1 values masked").arg(masked)
                                              : QStringLiteral("not redacted"))
                        << ".\n";
    return 0;
}

int runImport(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Store the traces and logs of bundles and OTLP-JSON files (one request, JSON lines as "
        "the Collector's file exporter writes, or an array). A file that does not read imports "
        "nothing."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Files to import."),
                                 QStringLiteral("FILE..."));
    int code = 0;
    if (parseHelp(parser, arguments, QStringLiteral("import"), code))
        return code;
    if (parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("import needs at least one file."));
    auto writer = storage::SpanWriter::open(databasePath(parser).toStdString(), {});
    if (!writer)
        return fail(QString::fromStdString(writer.error()));
    int failures = 0;
    QJsonArray files;
    for (const QString &file : parser.positionalArguments()) {
        auto imported = ingest::importFile(file.toStdString(), **writer);
        if (!imported) {
            QTextStream(stderr) << "spanscope: " << QString::fromStdString(imported.error())
                                << '\n';
            files.append(
                QJsonObject{{QStringLiteral("file"), file},
                            {QStringLiteral("error"), QString::fromStdString(imported.error())}});
            ++failures;
            continue;
        }
        files.append(
            QJsonObject{{QStringLiteral("file"), file},
                        {QStringLiteral("format"), QString::fromStdString(imported->format)},
                        {QStringLiteral("spans"), qint64(imported->spans)},
                        {QStringLiteral("logRecords"), qint64(imported->logs)}});
        if (wantsJson(parser))
            continue;
        QTextStream(stdout) << "Imported " << file << " ("
                            << QString::fromStdString(imported->format) << "): " << imported->spans
                            << " spans, " << imported->logs << " log records.\n";
    }
    (*writer)->shutdown();
    if (wantsJson(parser))
        printJson({{QStringLiteral("files"), files}});
    return failures ? 1 : 0;
}

} // namespace spanscope::app

#include "cli.h"
#include "options.h"

#include <files/logdelivery.h>
#include <otlpclient.h>
#include <spanwriter.h>

#include <QCommandLineParser>
#include <QFileInfo>
#include <QLocale>
#include <QTextStream>

#include <csignal>

namespace spanscope::app {

namespace {

std::atomic<bool> stopRequested{false};

void requestStop(int)
{
    stopRequested = true;
}

} // namespace

int runLogsIngest(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Read a service's log lines (JSON from structlog, python-json-logger, pino, zap, logrus "
        "or slog, or plain text) and store them as log records, linked to their spans by the "
        "trace_id/span_id they carry. FILE is a path, or - for standard input."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The log file, or -."));
    parser.addOption({QStringLiteral("follow"),
                      QStringLiteral("Keep reading the file as it grows (until Ctrl+C).")});
    parser.addOption({QStringLiteral("service"),
                      QStringLiteral("service.name for lines that name none (default: the file "
                                     "name, or stdin)."),
                      QStringLiteral("name")});
    parser.addOption({QStringLiteral("grpc"),
                      QStringLiteral("Send to the receiver at this OTLP/gRPC address (default "
                                     "127.0.0.1:4317)."),
                      QStringLiteral("host:port"), QStringLiteral("127.0.0.1:4317")});
    addTokenOption(parser);
    addDatabaseOption(parser);
    addJsonOption(parser);
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printHelp(parser, QStringLiteral("logs ingest"));
        return 0;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() != 1)
        return usageError(QStringLiteral("logs ingest needs one FILE (or - for standard input)."));
    const QString file = files.front();
    if (file == QLatin1String("-") && parser.isSet(QStringLiteral("follow")))
        return usageError(QStringLiteral("--follow reads a growing file; standard input is read "
                                         "to its end anyway."));
    ingest::LogFileReader::Options options;
    options.follow = parser.isSet(QStringLiteral("follow"));
    options.defaultService = parser.isSet(QStringLiteral("service"))
        ? parser.value(QStringLiteral("service")).toStdString()
        : file == QLatin1String("-") ? std::string("stdin")
                                     : QFileInfo(file).completeBaseName().toStdString();
    options.defaultServiceGuessed = !parser.isSet(QStringLiteral("service"));

    // With --db the records go straight into that file; otherwise to the running receivers.
    std::unique_ptr<storage::SpanWriter> writer;
    auto rejected = std::make_shared<std::atomic<std::uint64_t>>(0);
    ingest::LogFileReader::Deliver deliver;
    QString destination;
    if (parser.isSet(QStringLiteral("db"))) {
        auto opened = storage::SpanWriter::open(databasePath(parser).toStdString(), {});
        if (!opened) {
            QTextStream(stderr) << "spanscope: " << QString::fromStdString(opened.error()) << '\n';
            return 1;
        }
        writer = std::move(*opened);
        deliver = ingest::deliverToSink(*writer);
        destination = databasePath(parser);
    } else {
        const std::string address = parser.value(QStringLiteral("grpc")).toStdString();
        deliver = ingest::deliverToReceiver(
            std::make_shared<ingest::OtlpGrpcClient>(address, bearerToken(parser)), rejected);
        destination = QString::fromStdString(address);
    }

    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    ingest::LogFileReader reader(file.toStdString(), options);
    const auto progress = reader.run(deliver, stopRequested);
    if (writer)
        writer->shutdown(); // commits what was queued
    if (!progress) {
        QTextStream(stderr) << "spanscope: " << QString::fromStdString(progress.error()) << '\n';
        return 1;
    }
    if (wantsJson(parser)) {
        printJson({{QStringLiteral("lines"), qint64(progress->lines)},
                   {QStringLiteral("structured"), qint64(progress->structured)},
                   {QStringLiteral("linked"), qint64(progress->linked)},
                   {QStringLiteral("rejected"), qint64(rejected->load())},
                   {QStringLiteral("destination"), destination}});
        return *rejected > 0 ? 1 : 0;
    }
    const QLocale locale;
    QTextStream(stdout) << "Read " << locale.toString(qulonglong(progress->lines)) << " log lines ("
                        << locale.toString(qulonglong(progress->structured)) << " JSON, "
                        << locale.toString(qulonglong(progress->linked))
                        << " linked to a trace) and stored them via " << destination << ".\n";
    if (*rejected > 0) {
        QTextStream(stderr) << "spanscope: the receiver rejected " << rejected->load()
                            << " records; `spanscope stats` counts them.\n";
        return 1;
    }
    return 0;
}

} // namespace spanscope::app

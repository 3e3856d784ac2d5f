#include "options.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <appsettings.h>
#include <bearertoken.h>
#include <policyfilewatcher.h>

#include <QTextStream>

#include <functional>
#include <limits>

namespace spanscope::app {

QString defaultDatabasePath()
{
    return ui::AppSettings::defaultDatabasePath();
}

void addDatabaseOption(QCommandLineParser &parser)
{
    parser.addOption(
        {QStringLiteral("db"),
         QStringLiteral("The SQLite database file (default: %1).").arg(defaultDatabasePath()),
         QStringLiteral("path")});
}

QString databasePath(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db"))
                                              : defaultDatabasePath();
}

void addTokenOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("token"),
                      QStringLiteral("Bearer token senders present (authorization: Bearer TOKEN); "
                                     "needed to listen beyond loopback. Default: "
                                     "$SPANSCOPE_TOKEN."),
                      QStringLiteral("token")});
}

std::string bearerToken(const QCommandLineParser &parser)
{
    if (parser.isSet(QStringLiteral("token")))
        return parser.value(QStringLiteral("token")).toStdString();
    return qEnvironmentVariable("SPANSCOPE_TOKEN").toStdString();
}

void addServerOptions(QCommandLineParser &parser)
{
    addDatabaseOption(parser);
    addTokenOption(parser);
    parser.addOption(
        {QStringLiteral("grpc"),
         QStringLiteral("OTLP/gRPC listen address (default 127.0.0.1:4317; port 0 picks one)."),
         QStringLiteral("host:port"), QStringLiteral("127.0.0.1:4317")});
    parser.addOption(
        {QStringLiteral("http"),
         QStringLiteral("OTLP/HTTP listen address (default 127.0.0.1:4318; port 0 picks one)."),
         QStringLiteral("host:port"), QStringLiteral("127.0.0.1:4318")});
    parser.addOption({QStringLiteral("retention-bytes"),
                      QStringLiteral("Evict the oldest traces when the database uses more than "
                                     "this many bytes (default 2 GiB)."),
                      QStringLiteral("bytes")});
    parser.addOption({QStringLiteral("cors-origin"),
                      QStringLiteral("Allow browser pages from this origin to send telemetry "
                                     "(repeatable; \"*\" allows any). Default: localhost origins."),
                      QStringLiteral("origin")});
    parser.addOption(
        {QStringLiteral("max-request-bytes"),
         QStringLiteral("Refuse requests larger than this, after decompression (default 64 MiB)."),
         QStringLiteral("bytes")});
    parser.addOption(
        {QStringLiteral("queue-bytes"),
         QStringLiteral("Decoded batches waiting to be stored may use this much memory "
                        "(default 256 MiB); beyond it senders are told to retry."),
         QStringLiteral("bytes")});
    parser.addOption({QStringLiteral("sampling-http"),
                      QStringLiteral("Serve Jaeger remote sampling strategies to SDKs over HTTP "
                                     "here (default 127.0.0.1:5778; \"off\" to not serve)."),
                      QStringLiteral("host:port"), QStringLiteral("127.0.0.1:5778")});
    parser.addOption({QStringLiteral("sampling-grpc"),
                      QStringLiteral("... and over gRPC here (default 127.0.0.1:14250, the Java "
                                     "sampler's default; \"off\" to not serve)."),
                      QStringLiteral("host:port"), QStringLiteral("127.0.0.1:14250")});
    parser.addOption({QStringLiteral("sampling"),
                      QStringLiteral("Apply the sampling policy in this JSON file before storing "
                                     "(default: keep everything)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("mcp"),
                      QStringLiteral("Also serve the MCP tools to coding assistants over "
                                     "Streamable HTTP at http://HOST:PORT/mcp (off by default; "
                                     "`spanscope mcp` serves them over stdio)."),
                      QStringLiteral("host:port")});
}

namespace {

// A size in bytes given on the command line, checked against its range before it is used.
struct ByteOption
{
    const char *name;
    qint64 least;
    qint64 most;
    std::function<void(qint64)> use;

    bool read(const QCommandLineParser &parser, QString &error) const
    {
        const QString option = QString::fromLatin1(name);
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const qint64 bytes = parser.value(option).toLongLong(&ok);
        if (!ok || bytes < least || bytes > most) {
            error = most == std::numeric_limits<qint64>::max()
                ? QStringLiteral("--%1 needs a whole number of at least %2.").arg(option).arg(least)
                : QStringLiteral("--%1 needs a whole number from %2 to %3.")
                      .arg(option)
                      .arg(least)
                      .arg(most);
            return false;
        }
        use(bytes);
        return true;
    }
};

} // namespace

bool serverConfig(const QCommandLineParser &parser, ingest::IngestConfig &config, QString &error)
{
    config.databasePath = databasePath(parser).toStdString();
    config.bearerToken = bearerToken(parser);
    config.grpcAddress = parser.value(QStringLiteral("grpc")).toStdString();
    std::string host;
    int port = 0;
    if (!ingest::splitHostPort(config.grpcAddress, host, port)) {
        error = QStringLiteral("--grpc needs HOST:PORT, not '%1'.")
                    .arg(parser.value(QStringLiteral("grpc")));
        return false;
    }
    if (!ingest::splitHostPort(parser.value(QStringLiteral("http")).toStdString(), config.httpHost,
                               config.httpPort)) {
        error = QStringLiteral("--http needs HOST:PORT, not '%1'.")
                    .arg(parser.value(QStringLiteral("http")));
        return false;
    }
    for (const QString &origin : parser.values(QStringLiteral("cors-origin")))
        config.corsOrigins.push_back(origin.toStdString());
    const ByteOption sizes[] = {
        {"retention-bytes", 1 << 20, std::numeric_limits<qint64>::max(),
         [&config](qint64 bytes) {
             config.writer.retentionBytes = bytes;
         }},
        {"max-request-bytes", 1024, qint64(1) << 30,
         [&config](qint64 bytes) {
             config.limits.maxRequestBytes = std::size_t(bytes);
         }},
        {"queue-bytes", 1 << 20, std::numeric_limits<qint64>::max(),
         [&config](qint64 bytes) {
             config.writer.queueByteBudget = std::size_t(bytes);
         }},
    };
    for (const ByteOption &size : sizes) {
        if (!size.read(parser, error))
            return false;
    }
    for (const auto &[option, target] :
         {std::pair{QStringLiteral("sampling-http"), &config.remoteSamplingHttp},
          std::pair{QStringLiteral("sampling-grpc"), &config.remoteSamplingGrpc}}) {
        const QString value = parser.value(option);
        if (value == QLatin1String("off"))
            continue;
        std::string samplingHost;
        int samplingPort = 0;
        if (!ingest::splitHostPort(value.toStdString(), samplingHost, samplingPort)) {
            error = QStringLiteral("--%1 needs HOST:PORT or off, not '%2'.").arg(option, value);
            return false;
        }
        *target = value.toStdString();
    }
    if (parser.isSet(QStringLiteral("sampling"))) {
        auto policy
            = ingest::loadSamplingPolicy(parser.value(QStringLiteral("sampling")).toStdString());
        if (!policy) {
            error = QStringLiteral("--sampling: %1").arg(QString::fromStdString(policy.error()));
            return false;
        }
        config.sampling = std::move(*policy);
    }
    return true;
}

bool windowServerConfig(const QCommandLineParser &parser, const ui::AppSettings &stored,
                        ingest::IngestConfig &config, QString &error)
{
    if (!serverConfig(parser, config, error))
        return false;
    if (const QString problem = stored.problem(); !problem.isEmpty()) {
        QTextStream(stderr) << "spanscope: the saved settings are not used: " << problem << '\n';
        return true;
    }
    const auto given = [&](const char *option) {
        return parser.isSet(QString::fromLatin1(option));
    };
    if (!given("grpc"))
        config.grpcAddress = stored.grpcAddress.trimmed().toStdString();
    if (!given("http"))
        ingest::splitHostPort(stored.httpAddress.trimmed().toStdString(), config.httpHost,
                              config.httpPort);
    if (!given("token") && qEnvironmentVariableIsEmpty("SPANSCOPE_TOKEN"))
        config.bearerToken = stored.bearerToken.toStdString();
    if (!given("db"))
        config.databasePath = stored.effectiveDatabasePath().toStdString();
    if (!given("retention-bytes"))
        config.writer.retentionBytes = stored.retentionBytes;
    return true;
}

void printHelp(const QCommandLineParser &parser, const QString &command)
{
    QString text = parser.helpText();
    const QString program = QCoreApplication::arguments().value(0);
    const qsizetype lineEnd = text.indexOf(QLatin1Char('\n'));
    const qsizetype at = program.isEmpty() ? -1 : text.indexOf(program);
    if (at >= 0 && at < lineEnd)
        text.replace(at, program.size(),
                     command.isEmpty() ? QStringLiteral("spanscope")
                                       : QStringLiteral("spanscope ") + command);
    QTextStream(stdout) << text;
}

void addJsonOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON instead of text.")});
}

bool wantsJson(const QCommandLineParser &parser)
{
    return parser.isSet(QStringLiteral("json"));
}

void printJson(const QJsonObject &object)
{
    QTextStream(stdout) << QJsonDocument(object).toJson(QJsonDocument::Indented);
}

int usageError(const QString &message)
{
    QTextStream(stderr) << "spanscope: " << message << "\nRun 'spanscope --help' for usage.\n";
    return 2;
}

} // namespace spanscope::app

// The `spanscope` program: the desktop app by default, or one of the commands below.

#include "cli.h"
#include "options.h"

#include <appsettings.h>
#include <ingestserver.h>
#include <mainwindow.h>
#include <policyfilewatcher.h>
#include <serverbackend.h>
#include <singleinstance.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QIcon>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSocketNotifier>
#include <QTextStream>

#include <csignal>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

namespace {

using namespace spanscope;

constexpr const char *Usage
    = "Usage: spanscope [command] [options]\n"
      "\n"
      "Without a command, opens the Spanscope window and starts the OTLP receivers.\n"
      "\n"
      "Commands:\n"
      "  serve           Run the OTLP receivers without a window until SIGINT or SIGTERM.\n"
      "  traces          List stored traces (filters: --service, --name, --errors, ...).\n"
      "  show TRACE_ID   Print one trace: its spans with timings and errors (-v, --logs).\n"
      "  logs            List stored log records (--trace, --span, --min-severity, ...).\n"
      "  insights [ID...]  Find N+1 queries, sequential calls and more (--kind, --fail-on).\n"
      "  metrics         List stored metric instruments, latest values, percentiles (--points).\n"
      "  services        RED metrics per service and operation; --edges for the service map.\n"
      "  mcp             Serve the store to a coding assistant (Model Context Protocol, stdio).\n"
      "  stats           Show stored counts and ingest counters.\n"
      "  demo            Send demo telemetry to a running Spanscope (--grpc HOST:PORT).\n"
      "  export ID... -o FILE  Write traces and their logs to a redacted bundle for a bug report.\n"
      "  import FILE...  Store bundles and OTLP-JSON files (single, JSON lines, arrays).\n"
      "  logs ingest FILE  Store a service's JSON log lines (- for standard input).\n"
      "\n"
      "Common options: --db PATH, --grpc HOST:PORT, --http HOST:PORT, --json, --utc, --help,\n"
      "--version. Every command takes --json; docs/CLI.md describes each JSON shape.\n"
      "Run 'spanscope COMMAND --help' for a command's options.\n";

// `serve --json`: one object once the receivers listen, for scripts that start Spanscope.
void printEndpointsJson(ingest::IngestServer &server, const mcp::McpHttpServer *mcp)
{
    QJsonObject endpoints{
        {QStringLiteral("version"), QStringLiteral(SPANSCOPE_VERSION)},
        {QStringLiteral("grpc"), QString::fromStdString(server.grpcAddress())},
        {QStringLiteral("http"), QString::fromStdString(server.httpAddress())},
        {QStringLiteral("database"), QString::fromStdString(server.databasePath())},
        {QStringLiteral("sampling"), QString::fromStdString(server.sampling().policy().summary())}};
    if (const auto *remote = server.remoteSampling())
        endpoints.insert(
            QStringLiteral("remoteSampling"),
            QJsonObject{{QStringLiteral("http"), QString::fromStdString(remote->httpAddress())},
                        {QStringLiteral("grpc"), QString::fromStdString(remote->grpcAddress())}});
    if (mcp)
        endpoints.insert(QStringLiteral("mcp"), QString::fromStdString(mcp->url()));
    QTextStream(stdout) << QJsonDocument(endpoints).toJson(QJsonDocument::Compact) << Qt::endl;
}

void printEndpoints(ingest::IngestServer &server, const mcp::McpHttpServer *mcp)
{
    QTextStream out(stdout);
    out << "Spanscope " << SPANSCOPE_VERSION << " is receiving OpenTelemetry\n"
        << "  OTLP/gRPC  " << QString::fromStdString(server.grpcAddress()) << '\n'
        << "  OTLP/HTTP  " << QString::fromStdString(server.httpAddress()) << '\n'
        << "  database   " << QString::fromStdString(server.databasePath()) << '\n';
    if (const auto *remote = server.remoteSampling()) {
        for (const auto &[label, address] :
             {std::pair{"HTTP", remote->httpAddress()}, std::pair{"gRPC", remote->grpcAddress()}}) {
            if (!address.empty())
                out << "  remote sampling (" << label << ")  " << QString::fromStdString(address)
                    << '\n';
        }
    }
    if (const auto policy = server.sampling().policy();
        !policy.keepsEverything() || policy.keepErrors)
        out << "  sampling   " << QString::fromStdString(policy.summary()) << '\n';
    if (mcp)
        out << "  MCP (HTTP) " << QString::fromStdString(mcp->url()) << '\n';
    out << "Ready.\n";
    out.flush();
}

int runServe(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Run the OTLP receivers without a window."));
    parser.addHelpOption();
    app::addServerOptions(parser);
    app::addJsonOption(parser);
    if (!parser.parse(arguments))
        return app::usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        app::printHelp(parser, QStringLiteral("serve"));
        return 0;
    }
    ingest::IngestConfig config;
    QString error;
    if (!app::serverConfig(parser, config, error))
        return app::usageError(error);

    // Signals are taken synchronously by this thread; every thread started below inherits the mask.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    auto server = ingest::IngestServer::start(config);
    if (!server) {
        QTextStream(stderr) << "spanscope: " << QString::fromStdString(server.error()) << '\n';
        return 1;
    }
    bool mcpFailed = false;
    const auto mcp
        = app::startMcpHttp(parser, (*server)->databasePath(), (*server)->bearerToken(), mcpFailed);
    if (mcpFailed)
        return 1;
    const bool json = app::wantsJson(parser);
    if (json)
        printEndpointsJson(**server, mcp.get());
    else
        printEndpoints(**server, mcp.get());
    // The policy file is re-read when it changes, so rules can be tuned without a restart.
    std::unique_ptr<ingest::PolicyFileWatcher> policyFile;
    if (parser.isSet(QStringLiteral("sampling"))) {
        ingest::IngestServer *running = server->get();
        policyFile = std::make_unique<ingest::PolicyFileWatcher>(
            parser.value(QStringLiteral("sampling")).toStdString(),
            [running](storage::Result<ingest::SamplingPolicy> policy) {
                if (!policy) {
                    QTextStream(stderr) << "spanscope: the sampling policy was not changed: "
                                        << QString::fromStdString(policy.error()) << '\n';
                    return;
                }
                running->setSamplingPolicy(*policy);
                QTextStream(stdout)
                    << "Sampling policy reloaded: " << QString::fromStdString(policy->summary())
                    << '\n';
            });
    }
    int received = 0;
    sigwait(&stopSignals, &received);
    policyFile.reset();
    if (!json)
        QTextStream(stdout) << "Stopping: committing everything received...\n";
    (*server)->stop();
    if (!json)
        QTextStream(stdout) << "Stopped.\n";
    return 0;
}

// A signal handler may only write to a pipe; the event loop reads it.
int StopSignalPipe[2] = {-1, -1};

void onStopSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(StopSignalPipe[1], &byte, 1);
}

int watchStopSignals()
{
    if (::pipe2(StopSignalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    struct sigaction action
    {
    };
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    return StopSignalPipe[0];
}

// What a restart from Settings runs with: this launch's options, except those the settings
// cover (the user just changed them) and the files it opened (they are stored now).
QStringList restartArguments(const QCommandLineParser &parser, QStringList arguments)
{
    static const QStringList SettingsOptions{QStringLiteral("--grpc"), QStringLiteral("--http"),
                                             QStringLiteral("--token"), QStringLiteral("--db"),
                                             QStringLiteral("--retention-bytes")};
    const QStringList files = parser.positionalArguments();
    arguments.removeFirst(); // the program
    QStringList kept;
    for (int i = 0; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (SettingsOptions.contains(argument.section(QLatin1Char('='), 0, 0))) {
            if (!argument.contains(QLatin1Char('=')))
                ++i; // and its value
            continue;
        }
        if (!files.contains(argument))
            kept << argument;
    }
    return kept;
}

int runWindow(int argc, char **argv)
{
    QApplication application(argc, argv);
    application.setWindowIcon(QIcon(QStringLiteral(":/spanscope/spanscope.png")));
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.spanscope.Spanscope"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QString::fromLatin1(Usage));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("Bundles or trace files to open."),
                                 QStringLiteral("[FILE...]"));
    app::addServerOptions(parser);
    parser.process(application);
    ingest::IngestConfig config;
    QString error;
    if (!app::windowServerConfig(parser, ui::AppSettings::load(QSettings()), config, error))
        return app::usageError(error);
    // A second launch on the same database goes to the window already running it.
    QStringList files;
    for (const QString &file : parser.positionalArguments())
        files << QFileInfo(file).absoluteFilePath();
    const QString instanceName
        = ui::SingleInstance::nameFor(QString::fromStdString(config.databasePath));
    if (ui::SingleInstance::handOff(files, instanceName)) {
        QTextStream(stdout) << "Spanscope is already running on this database; it was asked to "
                               "show itself"
                            << (files.isEmpty()
                                    ? QString()
                                    : QStringLiteral(" and open %1 %2")
                                          .arg(files.size())
                                          .arg(files.size() == 1 ? QStringLiteral("file")
                                                                 : QStringLiteral("files")))
                            << ".\n";
        return 0;
    }
    auto instance = std::make_unique<ui::SingleInstance>();
    if (!instance->listen(error, instanceName))
        QTextStream(stderr) << "spanscope: " << error << '\n';
    auto server = ingest::IngestServer::start(config);
    if (!server) {
        const QString message = QString::fromStdString(server.error());
        QTextStream(stderr) << "spanscope: " << message << '\n';
        // Saved settings that cannot be used (a port another program took) would otherwise
        // lock the user out of the dialog that changes them.
        QMessageBox box(QMessageBox::Critical, QStringLiteral("Spanscope cannot start"), message,
                        QMessageBox::Close);
        QSettings stored;
        const QAbstractButton *reset
            = ui::AppSettings::load(stored).needsRestartFrom(ui::AppSettings())
            ? box.addButton(QStringLiteral("Reset Receiver Settings"), QMessageBox::ResetRole)
            : nullptr;
        box.exec();
        if (reset && box.clickedButton() == reset) {
            ui::AppSettings defaults = ui::AppSettings::load(stored);
            const ui::AppSettings fresh;
            defaults.grpcAddress = fresh.grpcAddress;
            defaults.httpAddress = fresh.httpAddress;
            defaults.bearerToken.clear();
            defaults.databasePath.clear();
            defaults.save(stored);
            QTextStream(stdout) << "The receiver and database settings were reset to the "
                                   "defaults; start Spanscope again.\n";
        }
        return 1;
    }
    // SIGTERM and SIGINT (a session ending, Ctrl+C) close the window as Quit does, so the
    // receivers stop in order and everything received is committed. Taken before "Ready.": a
    // signal that comes while the window is built waits in the pipe.
    const int stopSignals = watchStopSignals();
    bool mcpFailed = false;
    const auto mcp
        = app::startMcpHttp(parser, (*server)->databasePath(), (*server)->bearerToken(), mcpFailed);
    if (mcpFailed)
        return 1;
    printEndpoints(**server, mcp.get());
    app::ServerBackend backend(**server);
    ui::MainWindow window(backend);
    QSocketNotifier stopNotifier(stopSignals, QSocketNotifier::Read);
    QObject::connect(&stopNotifier, &QSocketNotifier::activated, &window, [&window] {
        char byte;
        [[maybe_unused]] const auto n = ::read(StopSignalPipe[0], &byte, 1);
        window.close();
        QCoreApplication::quit();
    });
    window.show();
    window.importFiles(files); // a bundle double-clicked in a file manager
    QObject::connect(instance.get(), &ui::SingleInstance::requested, &window,
                     [&window](const QStringList &paths) {
                         window.showNormal();
                         window.raise();
                         window.activateWindow();
                         window.importFiles(paths);
                     });
    bool restart = false;
    QObject::connect(&window, &ui::MainWindow::restartRequested, [&restart] { restart = true; });
    const int code = application.exec();
    (*server)->stop();
    if (restart) {
        // The database lock and the instance's name are released before the new one asks.
        server->reset();
        instance.reset();
        QProcess::startDetached(QCoreApplication::applicationFilePath(),
                                restartArguments(parser, application.arguments()));
    }
    return code;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Spanscope"));
    QCoreApplication::setApplicationName(QStringLiteral("spanscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SPANSCOPE_VERSION));

    const QString command = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
    using Runner = int (*)(const QStringList &);
    const std::pair<const char *, Runner> commands[] = {
        {"serve", runServe},
        {"traces", app::runTraces},
        {"show", app::runShow},
        {"logs", app::runLogs},
        {"stats", app::runStats},
        {"insights", app::runInsights},
        {"compare", app::runCompare},
        {"mark", app::runMark},
        {"demo", app::runDemo},
        {"export", app::runExport},
        {"import", app::runImport},
        {"metrics", app::runMetrics},
        {"services", app::runServices},
        {"mcp", app::runMcp},
    };
    for (const auto &[name, run] : commands) {
        if (command == QLatin1String(name)) {
            QCoreApplication application(argc, argv);
            QStringList arguments = application.arguments();
            arguments.removeAt(1);
            return run(arguments);
        }
    }
    if (command == QLatin1String("--version") || command == QLatin1String("-v")) {
        QTextStream(stdout) << "spanscope " << SPANSCOPE_VERSION << '\n';
        return 0;
    }
    if (command == QLatin1String("--help") || command == QLatin1String("-h")
        || command == QLatin1String("help")) {
        QTextStream(stdout) << Usage;
        return 0;
    }
    if (!command.isEmpty() && !command.startsWith(QLatin1Char('-')) && !QFileInfo::exists(command))
        return app::usageError(QStringLiteral("unknown command '%1'.").arg(command));
    return runWindow(argc, argv);
}

// `mcp`: the Model Context Protocol server over stdio, and the --mcp HTTP endpoint's start.

#include "cli.h"
#include "command.h"
#include "options.h"

#include <mcpsession.h>
#include <mcptools.h>

#include <QTextStream>

#include <cstdio>
#include <unistd.h>

namespace spanscope::app {

namespace {

void reply(const std::string &message)
{
    if (message.empty())
        return;
    std::fwrite(message.data(), 1, message.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

} // namespace

int runMcp(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Serve the MCP tools over standard input and output (one JSON-RPC message per line), "
        "reading the store read-only; a coding assistant starts it as its MCP server."));
    parser.addHelpOption();
    addDatabaseOption(parser);
    parser.addOption({QStringLiteral("no-redaction"),
                      QStringLiteral("Answer with values as stored: without it, what looks like "
                                     "a secret or personal data reads [REDACTED].")});
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        printHelp(parser, QStringLiteral("mcp"));
        return 0;
    }
    mcp::McpTools tools(
        {databasePath(parser).toStdString(), !parser.isSet(QStringLiteral("no-redaction"))});
    mcp::McpSession session(tools);
    // Lines are read in chunks and kept to the message limit: a line beyond it is skipped to
    // its end and answered with an error, never held whole.
    std::string line;
    bool skipping = false;
    char chunk[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // the client closed its end: the session is over
        std::string_view data(chunk, static_cast<std::size_t>(n));
        while (!data.empty()) {
            const auto newline = data.find('\n');
            const std::string_view piece = data.substr(0, newline);
            if (!skipping) {
                if (line.size() + piece.size() > mcp::McpSession::MaxMessageBytes) {
                    skipping = true;
                    line.clear();
                    line.shrink_to_fit();
                } else {
                    line.append(piece);
                }
            }
            if (newline == std::string_view::npos)
                break;
            data.remove_prefix(newline + 1);
            if (skipping)
                reply(mcp::McpSession::tooLarge());
            else if (line.find_first_not_of(" \t\r") != std::string::npos)
                reply(session.handle(line));
            skipping = false;
            line.clear();
        }
    }
    if (!skipping && line.find_first_not_of(" \t\r") != std::string::npos)
        reply(session.handle(line));
    return 0;
}

std::unique_ptr<mcp::McpHttpServer> startMcpHttp(const QCommandLineParser &parser,
                                                 const std::string &databasePath,
                                                 const std::string &bearerToken, bool &failed)
{
    failed = false;
    if (!parser.isSet(QStringLiteral("mcp")))
        return nullptr;
    auto started = mcp::McpHttpServer::start(
        {parser.value(QStringLiteral("mcp")).toStdString(), databasePath, bearerToken, true});
    if (!started) {
        QTextStream(stderr) << "spanscope: " << QString::fromStdString(started.error()) << '\n';
        failed = true;
        return nullptr;
    }
    return std::move(*started);
}

} // namespace spanscope::app

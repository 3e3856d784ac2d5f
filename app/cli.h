#pragma once

#include <mcphttpserver.h>
#include <tracestore.h>

#include <QCommandLineParser>
#include <QStringList>

#include <memory>

namespace spanscope::app {

// The read-only commands: `traces`, `show`, `logs` and `stats`. Each returns the process exit code.
int runTraces(const QStringList &arguments);
int runShow(const QStringList &arguments);
int runLogs(const QStringList &arguments);
// `logs ingest FILE|-`: reads log lines and stores them as log records.
int runLogsIngest(const QStringList &arguments);
int runStats(const QStringList &arguments);
// `insights [TRACE_ID...]`: the analysis library's findings; exits 3 with --fail-on when found.
int runInsights(const QStringList &arguments);
int runMetrics(const QStringList &arguments);
int runServices(const QStringList &arguments);
// `compare [A_ID] B_ID`: two traces merged into one tree of what changed.
int runCompare(const QStringList &arguments);
// `show ID --stats`: the trace's statistics table.
int printStatistics(storage::TraceStore &store, const storage::TraceId &id, bool json);
// The trace filters of `traces` and `export`: --service, --name, --errors, --min/max-duration,
// --since, --attr, --trace-id, --source and --limit.
void addTraceFilterOptions(QCommandLineParser &parser, int defaultLimit);
bool traceFilterFrom(const QCommandLineParser &parser, storage::TraceFilter &filter,
                     QString &error);

// Bundles: `export TRACE_ID... -o FILE` (or the traces matching filters) and `import FILE...`.
int runExport(const QStringList &arguments);
int runImport(const QStringList &arguments);
// `mark NAME`: starts a new run, sending a run mark to a running receiver.
int runMark(const QStringList &arguments);
// `mcp`: the MCP tools over standard input and output, for a coding assistant to start.
int runMcp(const QStringList &arguments);
// The window's or serve's MCP endpoint when --mcp asks for one: null when not asked, or after
// printing why it cannot start (then `failed` is set).
std::unique_ptr<mcp::McpHttpServer> startMcpHttp(const QCommandLineParser &parser,
                                                 const std::string &databasePath,
                                                 const std::string &bearerToken, bool &failed);
// Sends the demo telemetry set to a running receiver.
int runDemo(const QStringList &arguments);

} // namespace spanscope::app

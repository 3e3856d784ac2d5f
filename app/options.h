#pragma once

#include <appsettings.h>
#include <ingestserver.h>

#include <QCommandLineParser>
#include <QJsonObject>
#include <QString>

namespace spanscope::app {

QString defaultDatabasePath();
// Adds --db to a parser; every command takes it.
void addDatabaseOption(QCommandLineParser &parser);
QString databasePath(const QCommandLineParser &parser);
// Adds --token, for receivers and for the commands that send to one.
void addTokenOption(QCommandLineParser &parser);
// --token, else $SPANSCOPE_TOKEN, else empty.
std::string bearerToken(const QCommandLineParser &parser);
// Adds --db, --grpc, --http and --retention-bytes for the commands that run receivers.
void addServerOptions(QCommandLineParser &parser);
// Fills `config` from the parsed options; on a bad value returns false with `error` set.
bool serverConfig(const QCommandLineParser &parser, ingest::IngestConfig &config, QString &error);
// The window's receivers: the stored settings, with the options given on the command line
// winning. Settings with a problem are ignored with a warning on stderr.
bool windowServerConfig(const QCommandLineParser &parser, const ui::AppSettings &stored,
                        ingest::IngestConfig &config, QString &error);
// One sentence on stderr and exit code 2, for bad usage.
int usageError(const QString &message);
// Prints the parser's help with the program named as users type it ("Usage: spanscope show
// [options] trace-id"), not by the path it was started from.
void printHelp(const QCommandLineParser &parser, const QString &command);
// --json: the command prints one JSON document (shapes in docs/CLI.md) instead of text.
void addJsonOption(QCommandLineParser &parser);
bool wantsJson(const QCommandLineParser &parser);
void printJson(const QJsonObject &object);

} // namespace spanscope::app

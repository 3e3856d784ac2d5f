#pragma once

#include <tracestore.h>
#include <tracetext.h>

#include <QCommandLineParser>
#include <QTextStream>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace spanscope::app {

// Standard output as text; flush it before writeOut.
QTextStream &out();
// UTF-8 straight to standard output (after out() was flushed): no UTF-16 copy of large text.
void writeOut(std::string_view text);
// Prints "spanscope: MESSAGE" on standard error; returns the exit code 1.
int fail(const std::string &message);
QString fromStd(const std::string &text);
bool parseTraceId(const QString &text, storage::TraceId &id);
// The stored trace, or nothing after saying why (with the exit code in `code`).
std::optional<storage::TraceData> loadStoredTrace(storage::TraceStore &store,
                                                  const storage::TraceId &id, int &code);

// What the read-only commands share: parse, handle --help, then open the store.
struct Command
{
    QCommandLineParser parser;
    std::unique_ptr<storage::TraceStore> store;

    // -1 to go on, else the exit code (0 after --help).
    int prepare(const QStringList &arguments, const QString &name, const QString &description);
    // Opens the store once the arguments are known to be good; -1 on success, else the exit code.
    int open();
    bool json() const;
    storage::TimeZone zone() const;
};

} // namespace spanscope::app

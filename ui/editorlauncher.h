#pragma once

#include <QString>
#include <QStringList>

namespace spanscope::ui {

// Opens a source file at a line in the user's editor, from a command template with {file} and
// {line} placeholders (stored in the settings). Run directly, never through a shell, so a path
// from telemetry cannot inject commands.
class EditorLauncher
{
public:
    static QString settingsKey() { return QStringLiteral("editor/command"); }
    // VS Code when it is installed, otherwise the desktop's handler for the file.
    static QString defaultCommand();
    static QString command(); // the configured one, or the default
    static void setCommand(const QString &command);

    // The program and arguments `command` runs for file:line; empty when the template is empty.
    static QStringList expand(const QString &command, const QString &file, int line);
    // Starts the editor; false with `error` set when it cannot be started.
    static bool open(const QString &file, int line, QString &error);

    // Folders holding the user's sources, for frames that name a file without its folder (a
    // Java `at pkg.Class.method(Class.java:42)`): separated as PATH is, in the settings.
    static QString sourceRootsKey() { return QStringLiteral("editor/sourceRoots"); }
    // The first existing file at `relative` (e.g. shop/payments/Gateway.java) under a source
    // root, directly or under src/main/java, src/main/kotlin or src; empty when none has it.
    static QString findSource(const QString &relative, const QStringList &roots);
    // The configured roots, read once per use (a stack trace has many frames).
    static QStringList sourceRoots();
};

} // namespace spanscope::ui

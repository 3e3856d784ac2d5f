#pragma once

#include <QString>

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
};

} // namespace spanscope::ui

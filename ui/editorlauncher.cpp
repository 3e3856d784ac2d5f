#include "editorlauncher.h"

#include <QDir>
#include <QFileInfo>
#include <QObject>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>

namespace spanscope::ui {

QString EditorLauncher::defaultCommand()
{
    if (!QStandardPaths::findExecutable(QStringLiteral("code")).isEmpty())
        return QStringLiteral("code --goto {file}:{line}");
    return QStringLiteral("xdg-open {file}");
}

QString EditorLauncher::command()
{
    const QString configured = QSettings().value(settingsKey()).toString().trimmed();
    return configured.isEmpty() ? defaultCommand() : configured;
}

void EditorLauncher::setCommand(const QString &command)
{
    QSettings().setValue(settingsKey(), command.trimmed());
}

QStringList EditorLauncher::expand(const QString &command, const QString &file, int line)
{
    QStringList arguments = QProcess::splitCommand(command);
    for (QString &argument : arguments) {
        argument.replace(QLatin1String("{file}"), file);
        argument.replace(QLatin1String("{line}"), QString::number(std::max(line, 1)));
    }
    return arguments;
}

bool EditorLauncher::open(const QString &file, int line, QString &error)
{
    QStringList arguments = expand(command(), file, line);
    if (arguments.isEmpty()) {
        error = QObject::tr("No editor command is set (Edit ▸ Settings…).");
        return false;
    }
    const QString program = arguments.takeFirst();
    if (!QProcess::startDetached(program, arguments)) {
        error = QObject::tr("Cannot start the editor '%1'; set another in Edit ▸ Settings….")
                    .arg(program);
        return false;
    }
    return true;
}

QStringList EditorLauncher::sourceRoots()
{
    return QSettings()
        .value(sourceRootsKey())
        .toString()
        .split(QDir::listSeparator(), Qt::SkipEmptyParts);
}

QString EditorLauncher::findSource(const QString &relative, const QStringList &roots)
{
    if (relative.isEmpty() || relative.contains(QStringLiteral("..")))
        return {}; // telemetry names the file: it may not climb out of the roots
    for (QString root : roots) {
        root = root.trimmed();
        if (root.startsWith(QStringLiteral("~/")))
            root = QDir::homePath() + root.mid(1);
        for (const char *below : {"", "src/main/java/", "src/main/kotlin/", "src/"}) {
            const QFileInfo candidate(QDir(root), QString::fromLatin1(below) + relative);
            if (candidate.isFile())
                return candidate.absoluteFilePath();
        }
    }
    return {};
}

} // namespace spanscope::ui

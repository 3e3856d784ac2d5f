#include "appsettings.h"

#include "editorlauncher.h"

#include <bearertoken.h>

#include <QDir>
#include <QFileInfo>
#include <QObject>
#include <QSettings>
#include <QStandardPaths>

namespace spanscope::ui {

namespace {

const QString GrpcKey = QStringLiteral("receivers/grpc");
const QString HttpKey = QStringLiteral("receivers/http");
const QString TokenKey = QStringLiteral("receivers/token");
const QString DatabaseKey = QStringLiteral("storage/database");
const QString RetentionKey = QStringLiteral("storage/retentionBytes");
const QString ThemeKey = QStringLiteral("view/theme");
const QString NotifyKey = QStringLiteral("notifications/errorTraces");

// The host of a valid HOST:PORT, else nothing.
std::optional<std::string> hostOf(const QString &address)
{
    std::string host;
    int port = 0;
    if (!ingest::splitHostPort(address.trimmed().toStdString(), host, port))
        return std::nullopt;
    return host;
}

} // namespace

QString AppSettings::defaultDatabasePath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(dir).filePath(QStringLiteral("spanscope.db"));
}

AppSettings AppSettings::load(const QSettings &settings)
{
    AppSettings s;
    s.grpcAddress = settings.value(GrpcKey, s.grpcAddress).toString();
    s.httpAddress = settings.value(HttpKey, s.httpAddress).toString();
    s.bearerToken = settings.value(TokenKey).toString();
    s.databasePath = settings.value(DatabaseKey).toString();
    s.retentionBytes = settings.value(RetentionKey, s.retentionBytes).toLongLong();
    s.editorCommand = settings.value(EditorLauncher::settingsKey()).toString();
    s.sourceRoots = settings.value(EditorLauncher::sourceRootsKey()).toString();
    s.theme = settings.value(ThemeKey, s.theme).toString();
    s.notifyErrorTraces = settings.value(NotifyKey, false).toBool();
    return s;
}

void AppSettings::save(QSettings &settings) const
{
    settings.setValue(GrpcKey, grpcAddress.trimmed());
    settings.setValue(HttpKey, httpAddress.trimmed());
    settings.setValue(TokenKey, bearerToken);
    settings.setValue(DatabaseKey, databasePath.trimmed());
    settings.setValue(RetentionKey, retentionBytes);
    settings.setValue(EditorLauncher::settingsKey(), editorCommand.trimmed());
    settings.setValue(EditorLauncher::sourceRootsKey(), sourceRoots.trimmed());
    settings.setValue(ThemeKey, theme);
    settings.setValue(NotifyKey, notifyErrorTraces);
}

QString AppSettings::effectiveDatabasePath() const
{
    const QString path = databasePath.trimmed();
    return QFileInfo(path.isEmpty() ? defaultDatabasePath() : path).absoluteFilePath();
}

QString AppSettings::problem() const
{
    const auto grpcHost = hostOf(grpcAddress);
    if (!grpcHost)
        return QObject::tr("The gRPC address needs HOST:PORT, such as 127.0.0.1:4317.");
    const auto httpHost = hostOf(httpAddress);
    if (!httpHost)
        return QObject::tr("The HTTP address needs HOST:PORT, such as 127.0.0.1:4318.");
    if (!ingest::strongEnough(bearerToken.toStdString())
        && (!ingest::isLoopbackHost(*grpcHost) || !ingest::isLoopbackHost(*httpHost)))
        return QObject::tr("Listening beyond this machine needs a bearer token of at least %1 "
                           "characters (Generate makes one).")
            .arg(ingest::MinimumTokenLength);
    if (bearerToken.contains(QLatin1Char(' ')) || bearerToken.contains(QLatin1Char('\n')))
        return QObject::tr("The bearer token cannot contain spaces or line breaks.");
    if (retentionBytes < MinRetentionBytes)
        return QObject::tr("The retention budget must be at least 1 MiB.");
    if (theme != QLatin1String("system") && theme != QLatin1String("light")
        && theme != QLatin1String("dark"))
        return QObject::tr("Unknown theme '%1'.").arg(theme);
    return {};
}

bool AppSettings::needsRestartFrom(const AppSettings &running) const
{
    return grpcAddress.trimmed() != running.grpcAddress.trimmed()
        || httpAddress.trimmed() != running.httpAddress.trimmed()
        || bearerToken != running.bearerToken
        || effectiveDatabasePath() != running.effectiveDatabasePath();
}

} // namespace spanscope::ui

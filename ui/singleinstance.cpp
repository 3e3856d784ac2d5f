#include "singleinstance.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>

#include <unistd.h>

namespace spanscope::ui {

SingleInstance::SingleInstance(QObject *parent)
    : QObject(parent)
    , m_server(new QLocalServer(this))
{
    connect(m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *socket = m_server->nextPendingConnection()) {
            connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
                if (!socket->canReadLine())
                    return;
                const auto paths = QJsonDocument::fromJson(socket->readLine()).array();
                QStringList files;
                for (const auto &path : paths)
                    files << path.toString();
                socket->write("ok\n");
                socket->flush();
                emit requested(files);
            });
        }
    });
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::nameFor(const QString &databasePath)
{
    const QByteArray file = QFileInfo(databasePath).absoluteFilePath().toUtf8();
    return QStringLiteral("spanscope-%1-%2")
        .arg(::getuid())
        .arg(QString::fromLatin1(
            QCryptographicHash::hash(file, QCryptographicHash::Sha1).toHex().left(16)));
}

bool SingleInstance::handOff(const QStringList &paths, const QString &name, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(name);
    if (!socket.waitForConnected(timeoutMs))
        return false;
    socket.write(QJsonDocument(QJsonArray::fromStringList(paths)).toJson(QJsonDocument::Compact)
                 + '\n');
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    // The answer says the request was taken, not just delivered to a dying process.
    return socket.waitForReadyRead(timeoutMs) && socket.readLine().startsWith("ok");
}

bool SingleInstance::listen(QString &error, const QString &name)
{
    // Asked before listening: with access options Qt renames its socket into place, which would
    // silently take the name from a running instance.
    QLocalSocket probe;
    probe.connectToServer(name);
    if (probe.waitForConnected(500)) {
        error = tr("Another Spanscope window is already running.");
        return false;
    }
    // A socket file left by a crashed instance answers nobody: take its place.
    QLocalServer::removeServer(name);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (m_server->listen(name))
        return true;
    error = m_server->errorString();
    return false;
}

} // namespace spanscope::ui

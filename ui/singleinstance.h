#pragma once

#include <QObject>
#include <QStringList>

class QLocalServer;

namespace spanscope::ui {

// One window per database: a second launch on the same database (a bundle double-clicked, the
// menu entry again) hands its files to the running Spanscope and brings its window forward,
// instead of failing on the database and ports the first one holds.
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(QObject *parent = nullptr);
    ~SingleInstance() override;

    // The name both ends use for a database: per user and per file.
    static QString nameFor(const QString &databasePath);
    // True when a running instance took the request (`paths` may be empty: just show yourself).
    static bool handOff(const QStringList &paths, const QString &name, int timeoutMs = 2000);
    // Starts taking requests; false with `error` set when another instance already does.
    bool listen(QString &error, const QString &name);

signals:
    void requested(const QStringList &paths);

private:
    QLocalServer *m_server;
};

} // namespace spanscope::ui

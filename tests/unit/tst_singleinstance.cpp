// One window per database: the first launch takes requests, a second one hands its files over,
// and a socket left by a crashed instance does not lock everybody out.

#include <singleinstance.h>

#include <QDir>
#include <QLocalServer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using spanscope::ui::SingleInstance;

class TestSingleInstance : public QObject
{
    Q_OBJECT
private slots:
    void namesDifferPerDatabase()
    {
        QTemporaryDir dir;
        const QString a = SingleInstance::nameFor(dir.filePath(QStringLiteral("a.db")));
        QCOMPARE(SingleInstance::nameFor(dir.filePath(QStringLiteral("a.db"))), a);
        QVERIFY(SingleInstance::nameFor(dir.filePath(QStringLiteral("b.db"))) != a);
        // The same file named relatively is the same database.
        QVERIFY(QDir::setCurrent(dir.path()));
        QCOMPARE(SingleInstance::nameFor(QStringLiteral("a.db")), a);
    }

    void secondLaunchHandsItsFilesOver()
    {
        QTemporaryDir dir;
        const QString name = SingleInstance::nameFor(dir.filePath(QStringLiteral("hand.db")));
        QVERIFY(!SingleInstance::handOff({}, name, 300)); // nobody runs yet

        SingleInstance first;
        QString error;
        QVERIFY2(first.listen(error, name), qPrintable(error));
        QSignalSpy requested(&first, &SingleInstance::requested);

        SingleInstance second;
        QVERIFY(!second.listen(error, name));
        QVERIFY(error.contains(QLatin1String("already running")));

        const QStringList files{QStringLiteral("/tmp/a bundle.spanscope"),
                                QStringLiteral("/tmp/é.json")};
        // handOff blocks on the answer the first instance gives from its event loop: run it
        // from another thread, as a second process would.
        bool taken = false;
        std::unique_ptr<QThread> client(
            QThread::create([&] { taken = SingleInstance::handOff(files, name); }));
        client->start();
        QTRY_COMPARE(requested.count(), 1);
        QVERIFY(client->wait(5000));
        QVERIFY(taken);
        QCOMPARE(requested.at(0).at(0).toStringList(), files);
    }

    void socketOfACrashedInstanceIsTakenOver()
    {
        QTemporaryDir dir;
        const QString name = SingleInstance::nameFor(dir.filePath(QStringLiteral("crash.db")));
        // What a killed process leaves: a bound socket file nobody accepts on.
        const QString path = QDir::tempPath() + QLatin1Char('/') + name;
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        qstrncpy(address.sun_path, QFile::encodeName(path).constData(), sizeof address.sun_path);
        QVERIFY(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
        ::close(fd);
        QVERIFY(QFile::exists(path));

        SingleInstance instance;
        QString error;
        QVERIFY2(instance.listen(error, name), qPrintable(error));
    }
};

QTEST_MAIN(TestSingleInstance)
#include "tst_singleinstance.moc"

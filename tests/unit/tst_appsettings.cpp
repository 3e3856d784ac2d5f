// Settings: stored and read back unchanged through a real settings file, checked as the dialog
// checks them, and carried through the dialog untouched when nothing is edited.

#include <appsettings.h>
#include <settingsdialog.h>

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using spanscope::ui::AppSettings;
using spanscope::ui::SettingsDialog;

namespace {

AppSettings everythingChanged()
{
    AppSettings s;
    s.grpcAddress = QStringLiteral("0.0.0.0:14317");
    s.httpAddress = QStringLiteral("[::]:14318");
    s.bearerToken = QStringLiteral("3f9c0aa1d2e84b7c9f10");
    s.databasePath = QStringLiteral("/srv/traces/é spans.db");
    s.retentionBytes = (qint64(5) << 30) + 12345; // not a whole number of MiB
    s.editorCommand = QStringLiteral("idea --line {line} {file}");
    s.theme = QStringLiteral("dark");
    s.notifyErrorTraces = true;
    return s;
}

} // namespace

class TestAppSettings : public QObject
{
    Q_OBJECT
private slots:
    void roundTripThroughTheSettingsFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("spanscope.conf"));
        const AppSettings written = everythingChanged();
        {
            QSettings settings(file, QSettings::IniFormat);
            written.save(settings);
        }
        QSettings reread(file, QSettings::IniFormat);
        QCOMPARE(AppSettings::load(reread), written);
        QVERIFY(written.problem().isEmpty());
    }

    void defaultsWhenNothingIsStored()
    {
        QTemporaryDir dir;
        QSettings empty(dir.filePath(QStringLiteral("empty.conf")), QSettings::IniFormat);
        const AppSettings loaded = AppSettings::load(empty);
        QCOMPARE(loaded, AppSettings());
        QCOMPARE(loaded.grpcAddress, QStringLiteral("127.0.0.1:4317"));
        QCOMPARE(loaded.effectiveDatabasePath(), AppSettings::defaultDatabasePath());
        QVERIFY(loaded.problem().isEmpty());
    }

    void problems_data()
    {
        QTest::addColumn<QString>("grpc");
        QTest::addColumn<QString>("http");
        QTest::addColumn<QString>("token");
        QTest::addColumn<qint64>("retention");
        QTest::addColumn<QString>("expected"); // a word of the sentence; empty: usable

        const qint64 gib = qint64(1) << 30;
        QTest::newRow("defaults") << "127.0.0.1:4317"
                                  << "127.0.0.1:4318"
                                  << "" << gib << "";
        QTest::newRow("port 0") << "127.0.0.1:0"
                                << "localhost:0"
                                << "" << gib << "";
        QTest::newRow("no port") << "127.0.0.1"
                                 << "127.0.0.1:4318"
                                 << "" << gib << "gRPC";
        QTest::newRow("port too big") << "127.0.0.1:4317"
                                      << "127.0.0.1:70000"
                                      << "" << gib << "HTTP";
        QTest::newRow("all interfaces, no token") << "0.0.0.0:4317"
                                                  << "127.0.0.1:4318"
                                                  << "" << gib << "bearer token";
        QTest::newRow("lan http, no token") << "127.0.0.1:4317"
                                            << "192.168.1.2:4318"
                                            << "" << gib << "bearer token";
        QTest::newRow("all interfaces with a token") << "0.0.0.0:4317"
                                                     << "0.0.0.0:4318"
                                                     << "abcdefghijklmnop" << gib << "";
        QTest::newRow("all interfaces, weak token") << "0.0.0.0:4317"
                                                    << "127.0.0.1:4318"
                                                    << "abc" << gib << "16 characters";
        QTest::newRow("token with a space") << "127.0.0.1:4317"
                                            << "127.0.0.1:4318"
                                            << "a b" << gib << "spaces";
        QTest::newRow("tiny budget") << "127.0.0.1:4317"
                                     << "127.0.0.1:4318"
                                     << "" << qint64(1000) << "1 MiB";
    }

    void problems()
    {
        QFETCH(QString, grpc);
        QFETCH(QString, http);
        QFETCH(QString, token);
        QFETCH(qint64, retention);
        QFETCH(QString, expected);
        AppSettings s;
        s.grpcAddress = grpc;
        s.httpAddress = http;
        s.bearerToken = token;
        s.retentionBytes = retention;
        const QString problem = s.problem();
        if (expected.isEmpty())
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        else
            QVERIFY2(problem.contains(expected), qPrintable(problem));
    }

    void whatNeedsARestart()
    {
        const AppSettings running = everythingChanged();
        AppSettings s = running;
        s.theme = QStringLiteral("light");
        s.retentionBytes = qint64(1) << 30;
        s.editorCommand.clear();
        s.notifyErrorTraces = false;
        QVERIFY(!s.needsRestartFrom(running));
        for (QString AppSettings::*field :
             {&AppSettings::grpcAddress, &AppSettings::httpAddress, &AppSettings::bearerToken,
              &AppSettings::databasePath}) {
            AppSettings changed = running;
            changed.*field += QStringLiteral("9");
            QVERIFY(changed.needsRestartFrom(running));
        }
        // The default database named or left empty is the same file.
        AppSettings named;
        named.databasePath = AppSettings::defaultDatabasePath();
        QVERIFY(!named.needsRestartFrom(AppSettings()));
    }

    void theDialogKeepsWhatIsNotEdited()
    {
        const AppSettings s = everythingChanged();
        SettingsDialog dialog(s, s);
        QCOMPARE(dialog.settings(), s);
    }
};

QTEST_MAIN(TestAppSettings)
#include "tst_appsettings.moc"

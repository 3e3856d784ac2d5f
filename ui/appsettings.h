#pragma once

#include <QString>

class QSettings;

namespace spanscope::ui {

// What the Settings dialog edits, stored with QSettings. Command-line options win over these for
// the run they are given to.
struct AppSettings
{
    QString grpcAddress = QStringLiteral("127.0.0.1:4317");
    QString httpAddress = QStringLiteral("127.0.0.1:4318");
    QString bearerToken; // asked of senders; needed to listen beyond loopback
    QString databasePath; // empty: defaultDatabasePath()
    qint64 retentionBytes = qint64(2) << 30;
    QString editorCommand; // empty: the editor launcher's default
    QString sourceRoots; // folders of sources for frames without a path, separated as PATH is
    QString theme = QStringLiteral("system"); // system, light or dark
    bool notifyErrorTraces = false;

    static constexpr qint64 MinRetentionBytes = qint64(1) << 20;

    static QString defaultDatabasePath();
    static AppSettings load(const QSettings &settings);
    void save(QSettings &settings) const;

    QString effectiveDatabasePath() const;
    // The first thing the user must fix, as a sentence; empty when the settings can be used.
    QString problem() const;
    // Addresses, token and database are taken when the receivers start: changing them from
    // `running` needs a restart. The rest applies at once.
    bool needsRestartFrom(const AppSettings &running) const;

    bool operator==(const AppSettings &) const = default;
};

} // namespace spanscope::ui

#pragma once

// The window over the real server, for the tests where the receivers are the point (the demo
// sent over gRPC, requests refused on a socket, log files read through the receiver, the
// sampling policy applied to what arrives): a new server on free ports, a new database and a
// new window for every test function, with the settings cleared.

#include <ingestserver.h>
#include <mainwindow.h>
#include <serverbackend.h>

#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace spanscope::testing {

class ServerWindow
{
public:
    void open()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        ingest::IngestConfig config;
        config.databasePath
            = m_dir.filePath(QStringLiteral("server%1.db").arg(++m_count)).toStdString();
        config.grpcAddress = "127.0.0.1:0";
        config.httpPort = 0;
        config.writer.retentionBytes = std::int64_t(64) << 20;
        auto server = ingest::IngestServer::start(config);
        QVERIFY2(server, server ? "" : server.error().c_str());
        m_server = std::move(*server);
        m_backend = std::make_unique<app::ServerBackend>(*m_server);
        m_window = std::make_unique<ui::MainWindow>(*m_backend);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void close()
    {
        m_window.reset();
        m_backend.reset();
        if (m_server)
            m_server->stop();
        m_server.reset();
    }

    ingest::IngestServer &server() { return *m_server; }
    app::ServerBackend &backend() { return *m_backend; }
    ui::MainWindow &window() { return *m_window; }

private:
    QTemporaryDir m_dir;
    int m_count = 0;
    std::unique_ptr<ingest::IngestServer> m_server;
    std::unique_ptr<app::ServerBackend> m_backend;
    std::unique_ptr<ui::MainWindow> m_window;
};

// The base of a test of the window over the real server: a new one for every function.
class ServerWindowTest : public QObject
{
    Q_OBJECT
protected:
    ServerWindow m_fixture;

    ui::MainWindow *window() { return &m_fixture.window(); }

private slots:
    void init() { m_fixture.open(); }
    void cleanup() { m_fixture.close(); }
};

} // namespace spanscope::testing

#pragma once

// What the window's page tests share: a fake backend over a real database (the sockets are not
// the point there), a copy of one demo database for every test function, so each runs alone
// and in any order, and the helpers that drive the window as a user does.

#include <backend.h>
#include <demotraffic.h>
#include <mainwindow.h>
#include <spanwriter.h>
#include <tracelistmodel.h>
#include <traceview.h>
#include <waterfallview.h>

#include <QAction>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QMetaObject>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace spanscope::testing {

// ui::Backend over a real writer on a real database, without receivers. Each commit reaches
// the window as `committed`, queued to the GUI thread as the server's backend does (without
// its coalescing). What the receivers would report (rejections, storage problems) is set by
// the test.
class FakeBackend final : public ui::Backend
{
public:
    explicit FakeBackend(const QString &databasePath)
        : m_database(databasePath)
    {
        auto writer = storage::SpanWriter::open(databasePath.toStdString(), {});
        if (!writer)
            qFatal("cannot open %s: %s", qPrintable(databasePath), writer.error().c_str());
        m_writer = std::move(*writer);
        m_writer->setCommitListener([this](std::int64_t seq) {
            QMetaObject::invokeMethod(
                this, [this, seq] { emit committed(seq); }, Qt::QueuedConnection);
        });
    }
    ~FakeBackend() override { m_writer->setCommitListener({}); }

    storage::SpanWriter &writer() { return *m_writer; }
    std::deque<std::string> rejections;
    std::string problem;

    Addresses addresses() const override
    {
        return {QStringLiteral("127.0.0.1:4317"), QStringLiteral("127.0.0.1:4318"), m_database, {}};
    }
    std::int64_t retentionBytes() const override { return m_writer->retentionBytes(); }
    void setRetentionBytes(std::int64_t bytes) override
    {
        m_writer->setRetentionBytes(bytes);
        emit settingsChanged();
    }
    ingest::SamplingPolicy samplingPolicy() const override { return m_policy; }
    void setSamplingPolicy(const ingest::SamplingPolicy &policy) override
    {
        m_policy = policy;
        emit settingsChanged();
    }
    std::vector<ingest::SamplingSink::RuleCount> samplingCounts() const override { return {}; }
    std::optional<RemoteSampling> remoteSampling() const override { return std::nullopt; }
    storage::BatchSink &importSink() override { return *m_writer; }
    std::deque<std::string> recentRejections() const override { return rejections; }
    std::string storageProblem() const override { return problem; }

    void sendDemo(QObject *, Done<DemoSent> done) override
    {
        done(storage::Error{"this backend has no receiver to send the demo to"});
    }
    void sendRunMark(const QString &, QObject *, Done<std::string> done) override
    {
        done(storage::Error{"this backend has no receiver to send a run mark to"});
    }
    void readLogFile(const QString &, bool, std::shared_ptr<std::atomic<bool>>, QObject *,
                     Done<LogFileRead> done) override
    {
        done(storage::Error{"this backend has no receiver to read log files through"});
    }

private:
    QString m_database;
    std::unique_ptr<storage::SpanWriter> m_writer;
    ingest::SamplingPolicy m_policy;
};

// A trace of one root span, as a receiver would hand it on.
inline storage::TraceBatch oneSpanTrace(std::uint8_t id, const std::string &name)
{
    storage::TraceBatch batch;
    batch.groups.emplace_back();
    storage::Span span;
    span.traceId[0] = id;
    span.spanId[0] = 1;
    span.name = name;
    batch.groups[0].spans.push_back(span);
    return batch;
}

inline int rowOfSpanNamed(const ui::WaterfallView &view, const std::string &name)
{
    const auto &trace = view.trace();
    for (int i = 0; trace && i < static_cast<int>(trace->spans.size()); ++i) {
        if (trace->spans[i].span.name == name)
            return view.layout()->rowOfSpan(i);
    }
    return -1;
}

inline QAction *menuAction(QMainWindow &window, const QString &text)
{
    for (QAction *menu : window.menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions()) {
            if (action->text().remove(QLatin1Char('&')) == text)
                return action;
        }
    }
    return nullptr;
}

// The demo data written once into a template database (initTestCase), then for each test
// function a copy of it behind a FakeBackend and a new window on it, with the settings
// cleared (init / cleanup).
class DemoWindow
{
public:
    static constexpr int LargeTraceSpans = 2000;

    void prepare()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_template = m_dir.filePath(QStringLiteral("demo.db"));
        auto writer = storage::SpanWriter::open(m_template.toStdString(), {});
        QVERIFY(writer);
        auto written = ingest::writeDemoTraffic(**writer, LargeTraceSpans);
        QVERIFY2(written, written ? "" : written.error().c_str());
        demo = *written;
        writer->reset(); // checkpointed and closed: the file alone holds it all
        QVERIFY(!QFile::exists(m_template + QStringLiteral("-wal")));
    }

    void open()
    {
        QSettings().clear();
        const QString copy = m_dir.filePath(QStringLiteral("window%1.db").arg(++m_copies));
        QVERIFY(QFile::copy(m_template, copy));
        m_backend = std::make_unique<FakeBackend>(copy);
        m_window = std::make_unique<ui::MainWindow>(*m_backend);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->traceList()->rowCount() == demo.traces, 10000);
    }

    void close()
    {
        m_window.reset();
        m_backend.reset();
    }

    ui::MainWindow &window() { return *m_window; }
    FakeBackend &backend() { return *m_backend; }
    ui::TraceView *traceView() const { return m_window->traceView(); }
    ui::WaterfallView *waterfall() const { return traceView()->waterfall(); }

    // Selects the trace's row and presses Enter, as a user opens it.
    void openFromList(const std::string &hex)
    {
        QTableView *table = m_window->traceTable();
        for (int row = 0; row < m_window->traceList()->rowCount(); ++row) {
            if (storage::toHex(m_window->traceList()->summary(row).traceId) == hex) {
                table->setFocus();
                table->setCurrentIndex(table->model()->index(row, 0));
                QSignalSpy opened(traceView(), &ui::TraceView::traceOpened);
                QTest::keyClick(table, Qt::Key_Return);
                QVERIFY(opened.wait(10000));
                QCOMPARE(storage::toHex(waterfall()->trace()->summary.traceId), hex);
                return;
            }
        }
        QFAIL("the trace is not in the list");
    }

    ingest::DemoSummary demo;

private:
    QTemporaryDir m_dir;
    QString m_template;
    int m_copies = 0;
    std::unique_ptr<FakeBackend> m_backend;
    std::unique_ptr<ui::MainWindow> m_window;
};

// The base of a page test over the demo data: the fixture's set-up as the test's own slots,
// and the shortcuts its functions use.
class DemoWindowTest : public QObject
{
    Q_OBJECT
protected:
    DemoWindow m_fixture;

    ui::MainWindow *window() { return &m_fixture.window(); }
    ui::TraceView *traceView() const { return m_fixture.traceView(); }
    ui::WaterfallView *waterfall() const { return m_fixture.waterfall(); }
    const ingest::DemoSummary &demo() const { return m_fixture.demo; }
    void openFromList(const std::string &hex) { m_fixture.openFromList(hex); }

private slots:
    void initTestCase() { m_fixture.prepare(); }
    void init() { m_fixture.open(); }
    void cleanup() { m_fixture.close(); }
};

} // namespace spanscope::testing

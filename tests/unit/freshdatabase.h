#pragma once

#include <spanwriter.h>

#include <QMetaObject>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <cstdint>
#include <memory>

// A new database file for each test function, with its writer open: the state the models under
// test read, written the way the receivers write it.
class FreshDatabase
{
public:
    // Call from the test's init(); fails the test when the writer cannot open.
    void open()
    {
        m_path = m_dir.filePath(QStringLiteral("test%1.db").arg(++m_count));
        auto writer = spanscope::storage::SpanWriter::open(m_path.toStdString(), {});
        QVERIFY(writer);
        m_writer = std::move(*writer);
    }
    void close() { m_writer.reset(); }

    const QString &path() const { return m_path; }
    spanscope::storage::SpanWriter &writer() { return *m_writer; }

private:
    QTemporaryDir m_dir;
    int m_count = 0;
    QString m_path;
    std::unique_ptr<spanscope::storage::SpanWriter> m_writer;
};

// Calls `target.refresh()` on its thread after each commit of the writer, as the window's
// backend does with its `committed` signal; stops when it goes out of scope (declare it after
// the target).
template<typename Target>
class RefreshOnCommit
{
public:
    RefreshOnCommit(spanscope::storage::SpanWriter &writer, Target &target)
        : m_writer(writer)
    {
        writer.setCommitListener([&target](std::int64_t) {
            QMetaObject::invokeMethod(
                &target, [&target] { target.refresh(); }, Qt::QueuedConnection);
        });
    }
    ~RefreshOnCommit() { m_writer.setCommitListener({}); }
    RefreshOnCommit(const RefreshOnCommit &) = delete;
    RefreshOnCommit &operator=(const RefreshOnCommit &) = delete;

private:
    spanscope::storage::SpanWriter &m_writer;
};

#pragma once

#include <spanwriter.h>

#include <QString>
#include <QTemporaryDir>
#include <QTest>

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

#include "logfilereading.h"

#include <QFileDialog>
#include <QMessageBox>
#include <QPointer>

namespace spanscope::ui {

LogFileReading::LogFileReading(Backend &backend, QWidget *window)
    : QObject(window)
    , m_backend(backend)
    , m_window(window)
{}

void LogFileReading::choose(bool follow)
{
    const QString path = QFileDialog::getOpenFileName(
        m_window, follow ? tr("Follow Log File") : tr("Open Log File"), QString(),
        tr("Log files (*.log *.json *.jsonl *.ndjson *.txt);;All files (*)"));
    if (!path.isEmpty())
        read(path, follow);
}

void LogFileReading::read(const QString &path, bool follow)
{
    if (isReading()) {
        emit message(tr("A log file is already being read; stop it first (File ▸ Stop Reading "
                        "Log File)."),
                     6000);
        return;
    }
    m_stop = std::make_shared<std::atomic<bool>>(false);
    emit readingChanged(true);
    emit message(follow ? tr("Following %1: new lines are stored as they are written…").arg(path)
                        : tr("Reading %1…").arg(path),
                 0);
    QPointer<LogFileReading> self(this);
    m_backend.readLogFile(
        path, follow, m_stop, this, [self, path](storage::Result<Backend::LogFileRead> read) {
            if (!self)
                return;
            self->m_stop.reset();
            emit self->readingChanged(false);
            if (!read) {
                QMessageBox::warning(self->m_window, tr("Cannot read the log file"),
                                     QString::fromStdString(read.error()));
                return;
            }
            emit self->message(tr("Read %1 lines from %2 (%3 JSON, %4 linked to a trace).")
                                   .arg(read->lines)
                                   .arg(path)
                                   .arg(read->structured)
                                   .arg(read->linked),
                               10000);
        });
}

void LogFileReading::stop()
{
    if (m_stop)
        *m_stop = true;
}

} // namespace spanscope::ui

#pragma once

#include "backend.h"

#include <QObject>

#include <atomic>
#include <memory>

class QWidget;

namespace spanscope::ui {

// File ▸ Open / Follow Log File: one file of log lines at a time read into the store behind
// the door, stopped from the menu or when the window closes, with what was read said at the
// end (or why it could not be, in a message box over `window`).
class LogFileReading : public QObject
{
    Q_OBJECT
public:
    LogFileReading(Backend &backend, QWidget *window);

    // Asks for the file, then reads it.
    void choose(bool follow);
    void read(const QString &path, bool follow);
    void stop();
    bool isReading() const { return m_stop != nullptr; }

signals:
    void readingChanged(bool reading);
    void message(const QString &text, int timeoutMs);

private:
    Backend &m_backend;
    QWidget *m_window;
    std::shared_ptr<std::atomic<bool>> m_stop; // set to end the file being read; null: none
};

} // namespace spanscope::ui

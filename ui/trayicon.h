#pragma once

#include <tracestore.h>

#include <QObject>
#include <QString>

class QAction;
class QSystemTrayIcon;
class QWidget;

namespace spanscope::ui {

// Spanscope in the system tray, where the desktop has one: the ingest status as its tooltip, a
// click shows or hides the window, and notifications of traces with errors, which open the
// trace when clicked. Without a tray, notifications flash the window's taskbar entry instead.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    explicit TrayIcon(QWidget *window);

    bool isShown() const;
    void setStatus(const QString &text);
    // Shows a notification for a trace; returns false when the desktop has no tray to show it.
    bool notify(const QString &title, const QString &text, const QString &traceId);
    // The notification for a trace with errors. Returns it as one line when the desktop has no
    // tray to show it (for the status bar), else an empty string.
    QString notifyErrorTrace(const storage::TraceSummary &trace);

signals:
    void traceRequested(const QString &traceId);

private:
    QWidget *m_window;
    QSystemTrayIcon *m_icon = nullptr; // null without a tray
    QString m_notifiedTrace; // what the latest notification is about
};

} // namespace spanscope::ui

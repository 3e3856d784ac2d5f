#include "trayicon.h"

#include "counted.h"

#include <QApplication>
#include <QMenu>
#include <QSystemTrayIcon>
#include <QWidget>

namespace spanscope::ui {

TrayIcon::TrayIcon(QWidget *window)
    : QObject(window)
    , m_window(window)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    m_icon = new QSystemTrayIcon(QApplication::windowIcon(), this);
    auto *menu = new QMenu(window);
    menu->addAction(tr("Show Spanscope"), this, [this] {
        m_window->showNormal();
        m_window->raise();
        m_window->activateWindow();
    });
    menu->addSeparator();
    menu->addAction(tr("Quit"), qApp, &QApplication::closeAllWindows);
    m_icon->setContextMenu(menu);
    connect(m_icon, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason != QSystemTrayIcon::Trigger)
                    return;
                if (m_window->isVisible() && !m_window->isMinimized()) {
                    m_window->hide();
                } else {
                    m_window->showNormal();
                    m_window->activateWindow();
                }
            });
    connect(m_icon, &QSystemTrayIcon::messageClicked, this, [this] {
        m_window->showNormal();
        m_window->activateWindow();
        if (!m_notifiedTrace.isEmpty())
            emit traceRequested(m_notifiedTrace);
    });
    m_icon->setToolTip(tr("Spanscope"));
    m_icon->show();
}

bool TrayIcon::isShown() const
{
    return m_icon && m_icon->isVisible();
}

void TrayIcon::setStatus(const QString &text)
{
    if (m_icon)
        m_icon->setToolTip(text);
}

bool TrayIcon::notify(const QString &title, const QString &text, const QString &traceId)
{
    if (!isShown() || !QSystemTrayIcon::supportsMessages()) {
        QApplication::alert(m_window);
        return false;
    }
    m_notifiedTrace = traceId;
    m_icon->showMessage(title, text, QSystemTrayIcon::Warning, 10000);
    return true;
}

QString TrayIcon::notifyErrorTrace(const storage::TraceSummary &trace)
{
    const QString title
        = tr("Error in %1")
              .arg(trace.rootService.empty() ? tr("a trace")
                                             : QString::fromStdString(trace.rootService));
    const QString text = tr("%1: %2 in error")
                             .arg(trace.hasRoot ? QString::fromStdString(trace.rootName)
                                                : tr("(root not arrived yet)"),
                                  counted(trace.errorCount, tr("span"), tr("spans")));
    if (notify(title, text, QString::fromStdString(storage::toHex(trace.traceId))))
        return {};
    return title + QStringLiteral(" — ") + text;
}

} // namespace spanscope::ui

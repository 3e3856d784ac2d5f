#include "shortcutoverlay.h"

#include <QAction>
#include <QEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>

namespace spanscope::ui {

ShortcutOverlay::ShortcutOverlay(QWidget *parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Keyboard shortcuts"));
    hide();
    parent->installEventFilter(this);
}

void ShortcutOverlay::setEntries(QList<Entry> entries)
{
    m_entries = std::move(entries);
    update();
}

void ShortcutOverlay::listMenus(const QList<QMenu *> &menus, const QList<Entry> &more)
{
    QList<Entry> entries;
    for (QMenu *menu : menus) {
        for (QAction *action : menu->actions()) {
            if (!action->shortcut().isEmpty())
                entries.append(
                    {action->shortcut().toString(QKeySequence::NativeText),
                     action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…"))});
        }
    }
    setEntries(entries + more);
}

void ShortcutOverlay::showOver()
{
    setGeometry(parentWidget()->rect());
    raise();
    show();
    setFocus(Qt::OtherFocusReason);
}

bool ShortcutOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize && isVisible())
        setGeometry(parentWidget()->rect());
    return false;
}

void ShortcutOverlay::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), QColor(0, 0, 0, 170));
    const QFontMetrics metrics(font());
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold); // the keys are drawn bold
    const int line = metrics.lineSpacing() + 4;
    // Two columns of entries in a panel centred on the window.
    const int perColumn = (static_cast<int>(m_entries.size()) + 1) / 2;
    int keysWidth = 0, textWidth = 0;
    for (const Entry &entry : m_entries) {
        keysWidth = std::max(keysWidth, boldMetrics.horizontalAdvance(entry.first));
        textWidth = std::max(textWidth, metrics.horizontalAdvance(entry.second));
    }
    const int columnWidth = keysWidth + 16 + textWidth;
    const int panelWidth = std::min(width() - 40, 2 * columnWidth + 72);
    const int panelHeight = std::min(height() - 40, perColumn * line + 3 * line);
    const QRect panel((width() - panelWidth) / 2, (height() - panelHeight) / 2, panelWidth,
                      panelHeight);
    painter.fillRect(panel, palette().window());
    painter.setPen(palette().color(QPalette::WindowText));
    painter.setFont(bold);
    painter.drawText(panel.adjusted(24, 8, -24, 0), Qt::AlignTop | Qt::AlignLeft,
                     tr("Keyboard shortcuts (any key closes this)"));
    for (int i = 0; i < m_entries.size(); ++i) {
        const int x = panel.left() + 24 + (i / perColumn) * (columnWidth + 24);
        const int y = panel.top() + 2 * line + (i % perColumn) * line;
        painter.setFont(bold);
        painter.drawText(QRect(x, y, keysWidth, line), Qt::AlignVCenter | Qt::AlignLeft,
                         m_entries[i].first);
        painter.setFont(font());
        painter.drawText(QRect(x + keysWidth + 16, y, textWidth, line),
                         Qt::AlignVCenter | Qt::AlignLeft, m_entries[i].second);
    }
}

void ShortcutOverlay::keyPressEvent(QKeyEvent *event)
{
    event->accept();
    hide();
}

void ShortcutOverlay::mousePressEvent(QMouseEvent *)
{
    hide();
}

} // namespace spanscope::ui

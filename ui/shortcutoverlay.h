#pragma once

#include <QList>
#include <QPair>
#include <QWidget>

class QMenu;

namespace spanscope::ui {

// The keyboard help (F1): every shortcut of the window, drawn over it; any key or click closes it.
class ShortcutOverlay : public QWidget
{
    Q_OBJECT
public:
    using Entry = QPair<QString, QString>; // keys, what they do

    explicit ShortcutOverlay(QWidget *parent);

    void setEntries(QList<Entry> entries);
    // Every menu item with a shortcut, then `more` (keys that belong to a view, not a menu).
    void listMenus(const QList<QMenu *> &menus, const QList<Entry> &more);
    const QList<Entry> &entries() const { return m_entries; }
    void showOver();

protected:
    void paintEvent(QPaintEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QList<Entry> m_entries;
};

} // namespace spanscope::ui

#include "detailsbrowser.h"

#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QMenu>
#include <QScrollBar>
#include <QUrlQuery>

namespace spanscope::ui {

DetailsBrowser::DetailsBrowser(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    document()->setDefaultStyleSheet(QStringLiteral("a { text-decoration: none; }"));
    connect(this, &QTextBrowser::anchorClicked, this, &DetailsBrowser::activate);
}

void DetailsBrowser::showPage(const QString &html)
{
    const int scroll = verticalScrollBar()->value();
    setHtml(html);
    verticalScrollBar()->setValue(scroll);
}

void DetailsBrowser::changeEvent(QEvent *event)
{
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        render();
}

void DetailsBrowser::activate(const QUrl &url)
{
    const QString scheme = url.scheme();
    if (scheme == QLatin1String("copy")) {
        const int index = url.path().toInt();
        if (index >= 0 && index < m_copyValues.size())
            copy(m_copyValues[index], tr("value"));
    } else if (scheme == QLatin1String("frame")) {
        emit openFrame(url.path(), QUrlQuery(url).queryItemValue(QStringLiteral("line")).toInt());
    } else if (scheme == QLatin1String("span")) {
        const QStringList ids = url.path().split(QLatin1Char('/'));
        storage::TraceId traceId{};
        storage::SpanId spanId{};
        if (ids.size() == 2 && storage::fromHex(ids[0].toStdString(), traceId)
            && storage::fromHex(ids[1].toStdString(), spanId))
            emit followLink(traceId, spanId);
    }
}

void DetailsBrowser::copy(const QString &value, const QString &what)
{
    QGuiApplication::clipboard()->setText(value);
    emit copied(what);
}

void DetailsBrowser::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu *menu = createStandardContextMenu(event->pos());
    const QString anchor = anchorAt(event->pos());
    if (anchor.startsWith(QLatin1String("copy:"))) {
        const int index = anchor.mid(5).toInt();
        if (index >= 0 && index < m_copyValues.size()) {
            const QString value = m_copyValues[index];
            auto *copyValue = new QAction(tr("Copy &Value"), menu);
            connect(copyValue, &QAction::triggered, this,
                    [this, value] { copy(value, tr("value")); });
            menu->insertAction(menu->actions().value(0), copyValue);
        }
    }
    addContextActions(menu);
    menu->exec(event->globalPos());
    delete menu;
}

} // namespace spanscope::ui

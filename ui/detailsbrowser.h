#pragma once

#include <telemetry.h>

#include <QTextBrowser>

namespace spanscope::ui {

// A read-only page of details whose links act: `copy:N` copies a value, `frame:` opens a stack
// frame in the editor, `span:` follows a link to a span. Subclasses render the page with
// DetailsHtml into copyValues() and may add to the context menu.
class DetailsBrowser : public QTextBrowser
{
    Q_OBJECT
public:
    explicit DetailsBrowser(QWidget *parent = nullptr);

signals:
    void openFrame(const QString &file, int line);
    void followLink(const storage::TraceId &traceId, const storage::SpanId &spanId);
    void copied(const QString &what);

protected:
    // Replaces the page, keeping the scroll position.
    void showPage(const QString &html);
    QStringList &copyValues() { return m_copyValues; }
    void copy(const QString &text, const QString &what);
    // Entries to add after the standard ones (e.g. "Copy as OTLP-JSON").
    virtual void addContextActions(QMenu *menu) { Q_UNUSED(menu) }
    // Renders the page again: link and block colours come from the palette when the HTML is
    // made, so a theme switch redraws with this.
    virtual void render() = 0;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void activate(const QUrl &url);

    QStringList m_copyValues; // what each `copy:N` link copies
};

} // namespace spanscope::ui

#pragma once

#include <tracestore.h>

#include <QTextBrowser>

#include <memory>

namespace spanscope::ui {

// Everything about one span, read top to bottom: name, service, kind and status; exceptions
// first and prominently, with their stack traces as monospace text whose file:line frames are
// links; then attributes with their types, events relative to the span, links to other spans,
// resource and scope. All values are escaped.
//
// Links it emits: a frame opens in the editor, a span link follows it, an attribute key copies
// its value; the context menu copies values and the span as OTLP-JSON.
class SpanDetailsView : public QTextBrowser
{
    Q_OBJECT
public:
    explicit SpanDetailsView(QWidget *parent = nullptr);

    // Shows trace->spans[spanIndex]; -1 (a placeholder row) explains what is missing.
    void showSpan(std::shared_ptr<const storage::TraceData> trace, int spanIndex);
    void clearSpan();
    // Shows only attributes whose key or value contains `text` (ignoring case).
    void setAttributeFilter(const QString &text);
    // The shown span as OTLP-JSON (TracesData with its resource and scope); empty without one.
    QString spanAsOtlpJson() const;

    // The HTML for a span; `copyValues` receives the values the `copy:N` links refer to.
    static QString html(const storage::TraceData &trace, int spanIndex,
                        const QString &attributeFilter = {}, QStringList *copyValues = nullptr);
    // A stack trace as escaped HTML with file:line frames (Python, Node, Go, absolute paths)
    // turned into `frame:` links.
    static QString linkStackFrames(const QString &stackTrace);

signals:
    void openFrame(const QString &file, int line);
    void followLink(const storage::TraceId &traceId, const storage::SpanId &spanId);
    void copied(const QString &what);

protected:
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    void render();
    void activate(const QUrl &url);
    void copy(const QString &text, const QString &what);

    std::shared_ptr<const storage::TraceData> m_trace;
    int m_span = -1;
    QString m_filter;
    QStringList m_copyValues; // what each `copy:N` link copies
};

} // namespace spanscope::ui

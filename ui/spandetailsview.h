#pragma once

#include "detailsbrowser.h"

#include <tracestore.h>

#include <memory>

namespace spanscope::ui {

// Everything about one span, read top to bottom: name, service, kind and status; exceptions
// first and prominently, with their stack traces as monospace text whose file:line frames are
// links; then attributes with their types, events relative to the span, links to other spans,
// resource and scope. The context menu also copies the span as OTLP-JSON.
class SpanDetailsView : public DetailsBrowser
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

protected:
    void addContextActions(QMenu *menu) override;
    void render() override;

private:
    std::shared_ptr<const storage::TraceData> m_trace;
    int m_span = -1;
    QString m_filter;
};

} // namespace spanscope::ui

#pragma once

#include <tracestore.h>

#include <QTextBrowser>

#include <memory>

namespace spanscope::ui {

// Everything about one span, read top to bottom: name, service, kind and status; exceptions
// first and prominently, with their stack traces as monospace text; then attributes with their
// types, events relative to the span, links, resource and scope. All values are escaped.
class SpanDetailsView : public QTextBrowser
{
    Q_OBJECT
public:
    explicit SpanDetailsView(QWidget *parent = nullptr);

    // Shows trace->spans[spanIndex]; -1 (a placeholder row) explains what is missing.
    void showSpan(std::shared_ptr<const storage::TraceData> trace, int spanIndex);
    void clearSpan();

    // The HTML for a span, exposed for tests.
    static QString html(const storage::TraceData &trace, int spanIndex);

private:
    std::shared_ptr<const storage::TraceData> m_trace;
};

} // namespace spanscope::ui

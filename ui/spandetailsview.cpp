#include "spandetailsview.h"

#include "detailshtml.h"

#include <otlp/otlptext.h>
#include <tracetext.h>

#include <QMenu>

namespace spanscope::ui {

SpanDetailsView::SpanDetailsView(QWidget *parent)
    : DetailsBrowser(parent)
{
    setAccessibleName(tr("Span details"));
    clearSpan();
}

void SpanDetailsView::clearSpan()
{
    m_trace.reset();
    m_span = -1;
    render();
}

void SpanDetailsView::showSpan(std::shared_ptr<const storage::TraceData> trace, int spanIndex)
{
    m_trace = std::move(trace);
    m_span = spanIndex;
    if (!m_trace)
        return clearSpan();
    render();
}

void SpanDetailsView::setAttributeFilter(const QString &text)
{
    m_filter = text;
    if (m_trace)
        render();
}

void SpanDetailsView::render()
{
    copyValues().clear();
    if (!m_trace)
        return setHtml(tr("<p><i>Select a span in the waterfall to see its details.</i></p>"));
    showPage(html(*m_trace, m_span, m_filter, &copyValues()));
}

QString SpanDetailsView::html(const storage::TraceData &trace, int spanIndex,
                              const QString &attributeFilter, QStringList *copyValues)
{
    if (spanIndex < 0 || spanIndex >= static_cast<int>(trace.spans.size())) {
        return tr("<h3>Parent span not received</h3><p>These spans name a parent that never "
                  "arrived: it may still be in flight, dropped by a sampler, or exported by a "
                  "service that does not send to Spanscope.</p>");
    }
    using D = DetailsHtml;
    DetailsHtml page(attributeFilter, copyValues);
    const storage::StoredSpan &stored = trace.spans[spanIndex];
    const storage::Span &span = stored.span;
    const storage::Resource &resource = trace.resources[stored.resource];
    const storage::Scope &scope = trace.scopes[stored.scope];
    const auto start = static_cast<std::int64_t>(span.startUnixNano);

    QString html = QStringLiteral("<h3>%1</h3>").arg(D::text(span.name));
    html += QStringLiteral("<p><b>%1</b> · %2 · ")
                .arg(D::text(resource.serviceName()),
                     QString::fromLatin1(storage::toString(span.kind)));
    if (span.statusCode == storage::StatusCode::Error)
        html += QStringLiteral("<span style='color:#dc322f'><b>error</b></span> %1")
                    .arg(D::text(span.statusMessage));
    else
        html += QString::fromLatin1(storage::toString(span.statusCode));
    html += QStringLiteral("</p><p>duration <b>%1</b>, starts %2 into the trace (%3)</p>")
                .arg(D::text(storage::formatDuration(static_cast<std::int64_t>(span.endUnixNano)
                                                     - start)),
                     D::offset(start - trace.summary.startNs),
                     D::text(storage::formatTimestamp(span.startUnixNano)));
    html += QStringLiteral("<p><small>trace %1<br>span %2")
                .arg(page.copyLink(QString::fromStdString(storage::toHex(span.traceId))),
                     page.copyLink(QString::fromStdString(storage::toHex(span.spanId))));
    if (!span.isRoot()) {
        html += QStringLiteral("<br>parent <a href='%1'>%2</a>")
                    .arg(D::spanLink(span.traceId, span.parentSpanId),
                         D::text(storage::toHex(span.parentSpanId)));
    }
    html += QStringLiteral("</small></p>");

    // Exceptions come first: they are what a user opens a failing span for.
    for (const storage::SpanEvent &event : span.events) {
        if (event.name == "exception") {
            html += page.exception(event.attributes,
                                   QStringLiteral("(%1)").arg(D::offset(
                                       static_cast<std::int64_t>(event.timeUnixNano) - start)));
        }
    }

    html += tr("<h4>Attributes</h4>") + page.attributeTable(span.attributes);
    if (span.droppedAttributesCount)
        html += tr("<p><small>%1 attributes dropped by the sender or at ingest</small></p>")
                    .arg(span.droppedAttributesCount);
    if (!span.events.empty()) {
        html += tr("<h4>Events</h4>");
        for (const storage::SpanEvent &event : span.events) {
            html += QStringLiteral("<p><b>%1</b> %2</p>")
                        .arg(D::text(event.name),
                             D::offset(static_cast<std::int64_t>(event.timeUnixNano) - start));
            // An exception's type, message and stack trace are shown above; anything else it
            // carries (exception.escaped, a handled flag, a code) is shown here.
            storage::Attributes rest;
            for (const storage::KeyValue &kv : event.attributes) {
                if (event.name != "exception"
                    || (kv.key != "exception.type" && kv.key != "exception.message"
                        && kv.key != "exception.stacktrace"))
                    rest.push_back(kv);
            }
            if (!rest.empty())
                html += page.attributeTable(rest);
        }
    }
    if (!span.links.empty()) {
        html += tr("<h4>Links</h4>");
        for (const storage::SpanLink &link : span.links) {
            html += QStringLiteral("<p><a href='%1'>trace %2, span %3</a></p>")
                        .arg(D::spanLink(link.traceId, link.spanId),
                             D::text(storage::toHex(link.traceId)),
                             D::text(storage::toHex(link.spanId)));
            if (!link.attributes.empty())
                html += page.attributeTable(link.attributes);
        }
    }
    html += tr("<h4>Resource</h4>") + page.attributeTable(resource.attributes);
    html += tr("<h4>Scope</h4><p>%1 %2</p>").arg(D::text(scope.name), D::text(scope.version));
    if (!scope.attributes.empty())
        html += page.attributeTable(scope.attributes);
    return html;
}

QString SpanDetailsView::spanAsOtlpJson() const
{
    if (!m_trace || m_span < 0 || m_span >= static_cast<int>(m_trace->spans.size()))
        return {};
    storage::TraceData one;
    one.summary = m_trace->summary;
    const storage::StoredSpan &stored = m_trace->spans[m_span];
    one.resources = {m_trace->resources[stored.resource]};
    one.scopes = {m_trace->scopes[stored.scope]};
    one.spans = {storage::StoredSpan{stored.span, 0, 0}};
    return QString::fromStdString(ingest::tracesJson(one));
}

void SpanDetailsView::addContextActions(QMenu *menu)
{
    if (!m_trace || m_span < 0)
        return;
    menu->addSeparator();
    menu->addAction(tr("Copy Span as &OTLP-JSON"), this,
                    [this] { copy(spanAsOtlpJson(), tr("span as OTLP-JSON")); });
}

} // namespace spanscope::ui

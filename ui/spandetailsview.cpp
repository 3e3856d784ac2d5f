#include "spandetailsview.h"

#include <tracetext.h>

#include <QDateTime>

namespace spanscope::ui {

namespace {

QString text(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString valueText(const storage::AnyValue &value)
{
    // Strings as they are (no quotes); everything else as the CLI prints it.
    if (const auto *s = std::get_if<std::string>(&value.value))
        return text(*s);
    return text(storage::formatValue(value));
}

QString attributeTable(const storage::Attributes &attributes)
{
    if (attributes.empty())
        return QStringLiteral("<p><i>none</i></p>");
    QString html = QStringLiteral("<table cellspacing='0' cellpadding='2'>");
    for (const storage::KeyValue &kv : attributes) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td><small>%3</small></td></tr>")
                    .arg(text(kv.key), valueText(kv.value),
                         QString::fromLatin1(storage::typeName(kv.value.type())));
    }
    return html + QStringLiteral("</table>");
}

const storage::AnyValue *attributeNamed(const storage::Attributes &attributes, const char *key)
{
    for (const storage::KeyValue &kv : attributes) {
        if (kv.key == key)
            return &kv.value;
    }
    return nullptr;
}

QString offset(std::int64_t nanos)
{
    return text((nanos >= 0 ? "+" : "") + storage::formatDuration(nanos));
}

} // namespace

SpanDetailsView::SpanDetailsView(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    clearSpan();
}

void SpanDetailsView::clearSpan()
{
    m_trace.reset();
    setHtml(tr("<p><i>Select a span in the waterfall to see its details.</i></p>"));
}

void SpanDetailsView::showSpan(std::shared_ptr<const storage::TraceData> trace, int spanIndex)
{
    m_trace = std::move(trace);
    if (!m_trace)
        return clearSpan();
    setHtml(html(*m_trace, spanIndex));
}

QString SpanDetailsView::html(const storage::TraceData &trace, int spanIndex)
{
    if (spanIndex < 0 || spanIndex >= static_cast<int>(trace.spans.size())) {
        return tr(
            "<h3>Parent span not received</h3><p>These spans name a parent that never arrived: it "
            "may "
            "still be in flight, dropped by a sampler, or exported by a service that does not send "
            "to Spanscope.</p>");
    }
    const storage::StoredSpan &stored = trace.spans[spanIndex];
    const storage::Span &span = stored.span;
    const storage::Resource &resource = trace.resources[stored.resource];
    const storage::Scope &scope = trace.scopes[stored.scope];
    const auto start = static_cast<std::int64_t>(span.startUnixNano);

    QString html = QStringLiteral("<h3>%1</h3>").arg(text(span.name));
    html += QStringLiteral("<p><b>%1</b> · %2 · ")
                .arg(text(resource.serviceName()),
                     QString::fromLatin1(storage::toString(span.kind)));
    if (span.statusCode == storage::StatusCode::Error)
        html += QStringLiteral("<span style='color:#dc322f'><b>error</b></span> %1")
                    .arg(text(span.statusMessage));
    else
        html += QString::fromLatin1(storage::toString(span.statusCode));
    html += QStringLiteral("</p><p>duration <b>%1</b>, starts %2 into the trace (%3)</p>")
                .arg(text(storage::formatDuration(static_cast<std::int64_t>(span.endUnixNano)
                                                  - start)),
                     offset(start - trace.summary.startNs),
                     text(storage::formatTimestamp(span.startUnixNano)));
    html += QStringLiteral("<p><small>trace %1<br>span %2%3</small></p>")
                .arg(text(storage::toHex(span.traceId)), text(storage::toHex(span.spanId)),
                     span.isRoot()
                         ? QString()
                         : QStringLiteral("<br>parent ") + text(storage::toHex(span.parentSpanId)));

    // Exceptions come first: they are what a user opens a failing span for.
    for (const storage::SpanEvent &event : span.events) {
        if (event.name != "exception")
            continue;
        const auto *type = attributeNamed(event.attributes, "exception.type");
        const auto *message = attributeNamed(event.attributes, "exception.message");
        const auto *stack = attributeNamed(event.attributes, "exception.stacktrace");
        html += QStringLiteral(
            "<div style='background:#fdf0ef; border:1px solid #dc322f; padding:4px'>");
        html += QStringLiteral("<p style='color:#dc322f'><b>%1</b>: %2 <small>(%3)</small></p>")
                    .arg(type ? valueText(*type) : tr("Exception"),
                         message ? valueText(*message) : QString(),
                         offset(static_cast<std::int64_t>(event.timeUnixNano) - start));
        if (stack)
            html += QStringLiteral("<pre style='white-space: pre-wrap'>%1</pre>")
                        .arg(valueText(*stack));
        html += QStringLiteral("</div>");
    }

    html += tr("<h4>Attributes</h4>") + attributeTable(span.attributes);
    if (span.droppedAttributesCount)
        html += tr("<p><small>%1 attributes dropped by the sender or at ingest</small></p>")
                    .arg(span.droppedAttributesCount);
    if (!span.events.empty()) {
        html += tr("<h4>Events</h4>");
        for (const storage::SpanEvent &event : span.events) {
            html += QStringLiteral("<p><b>%1</b> %2</p>")
                        .arg(text(event.name),
                             offset(static_cast<std::int64_t>(event.timeUnixNano) - start));
            if (!event.attributes.empty() && event.name != "exception")
                html += attributeTable(event.attributes);
        }
    }
    if (!span.links.empty()) {
        html += tr("<h4>Links</h4>");
        for (const storage::SpanLink &link : span.links)
            html += QStringLiteral("<p>trace %1, span %2</p>")
                        .arg(text(storage::toHex(link.traceId)), text(storage::toHex(link.spanId)));
    }
    html += tr("<h4>Resource</h4>") + attributeTable(resource.attributes);
    html += tr("<h4>Scope</h4><p>%1 %2</p>").arg(text(scope.name), text(scope.version));
    if (!scope.attributes.empty())
        html += attributeTable(scope.attributes);
    return html;
}

} // namespace spanscope::ui

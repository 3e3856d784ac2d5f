#include "logdetailsview.h"

#include "detailshtml.h"

#include <tracetext.h>

namespace spanscope::ui {

LogDetailsView::LogDetailsView(QWidget *parent)
    : DetailsBrowser(parent)
{
    setAccessibleName(tr("Log record details"));
    clearLog();
}

void LogDetailsView::clearLog()
{
    m_row.reset();
    render();
}

void LogDetailsView::showLog(const LogRow &row)
{
    m_row = row;
    render();
}

void LogDetailsView::render()
{
    copyValues().clear();
    if (!m_row)
        return setHtml(tr("<p><i>Select a log record to see all of it.</i></p>"));
    showPage(html(*m_row, &copyValues()));
}

QString LogDetailsView::html(const LogRow &row, QStringList *copyValues)
{
    using D = DetailsHtml;
    DetailsHtml page({}, copyValues);
    const storage::LogRecord &record = row.record;
    const std::uint64_t time
        = record.timeUnixNano ? record.timeUnixNano : record.observedTimeUnixNano;
    const std::string severity = record.severityText.empty()
        ? storage::severityName(record.severityNumber)
        : record.severityText;
    QString html = QStringLiteral("<p><b style='color:%1'>%2</b> · <b>%3</b> · %4</p>")
                       .arg(severityColour(record.severityNumber).name(),
                            D::text(severity.empty() ? std::string("(no severity)") : severity),
                            row.service.toHtmlEscaped(), D::text(storage::formatTimestamp(time)));
    if (storage::isValid(record.traceId)) {
        html += storage::isValid(record.spanId)
            ? tr("<p><a href='%1'>Show the span that wrote it</a> <small>(trace %2, span "
                 "%3)</small></p>")
                  .arg(D::spanLink(record.traceId, record.spanId),
                       D::text(storage::toHex(record.traceId)),
                       D::text(storage::toHex(record.spanId)))
            : tr("<p>Trace %1 (no span)</p>")
                  .arg(page.copyLink(QString::fromStdString(storage::toHex(record.traceId))));
    } else {
        html += tr("<p><small>Not linked to a trace.</small></p>");
    }
    if (D::hasException(record.attributes))
        html += page.exception(record.attributes, QString());
    html += QStringLiteral("<pre style='white-space: pre-wrap'>%1</pre>")
                .arg(D::plainValue(record.body).toHtmlEscaped());
    html += tr("<h4>Attributes</h4>") + page.attributeTable(record.attributes);
    if (!record.eventName.empty())
        html += tr("<p>Event: %1</p>").arg(D::text(record.eventName));
    html += tr("<h4>Resource</h4>") + page.attributeTable(row.resource->attributes);
    html += tr("<h4>Scope</h4><p>%1 %2</p>")
                .arg(D::text(row.scope->name), D::text(row.scope->version));
    return html;
}

} // namespace spanscope::ui

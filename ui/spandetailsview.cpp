#include "spandetailsview.h"

#include <otlpconvert.h>
#include <otlpjson.h>
#include <tracetext.h>

#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QMenu>
#include <QRegularExpression>
#include <QScrollBar>
#include <QUrlQuery>

namespace spanscope::ui {

namespace {

QString text(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString plainValue(const storage::AnyValue &value)
{
    // Strings as they are (no quotes); everything else as the CLI prints it.
    if (const auto *s = std::get_if<std::string>(&value.value))
        return QString::fromStdString(*s);
    return QString::fromStdString(storage::formatValue(value));
}

QString valueText(const storage::AnyValue &value)
{
    return plainValue(value).toHtmlEscaped();
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

QString spanLink(const storage::TraceId &trace, const storage::SpanId &span)
{
    return QStringLiteral("span:%1/%2")
        .arg(QString::fromStdString(storage::toHex(trace)),
             QString::fromStdString(storage::toHex(span)));
}

// Builds the page, remembering the values behind `copy:N` links.
class DetailsWriter
{
public:
    DetailsWriter(const QString &filter, QStringList *copyValues)
        : m_filter(filter.trimmed())
        , m_copyValues(copyValues)
    {}

    QString attributeTable(const storage::Attributes &attributes)
    {
        if (attributes.empty())
            return QStringLiteral("<p><i>none</i></p>");
        QString html = QStringLiteral("<table cellspacing='0' cellpadding='2'>");
        int shown = 0;
        for (const storage::KeyValue &kv : attributes) {
            const QString key = QString::fromStdString(kv.key);
            const QString value = plainValue(kv.value);
            if (!m_filter.isEmpty() && !key.contains(m_filter, Qt::CaseInsensitive)
                && !value.contains(m_filter, Qt::CaseInsensitive))
                continue;
            ++shown;
            html += QStringLiteral("<tr><td><a href='copy:%1' title='%2'><b>%3</b></a></td>"
                                   "<td>%4</td><td><small>%5</small></td></tr>")
                        .arg(copyIndex(value))
                        .arg(QObject::tr("Click to copy the value"), key.toHtmlEscaped(),
                             value.toHtmlEscaped(),
                             QString::fromLatin1(storage::typeName(kv.value.type())));
        }
        if (shown == 0)
            return QObject::tr("<p><i>%n attribute(s), none matching the filter</i></p>", nullptr,
                               static_cast<int>(attributes.size()));
        return html + QStringLiteral("</table>");
    }

    int copyIndex(const QString &value)
    {
        if (m_copyValues)
            m_copyValues->append(value);
        return m_nextCopy++;
    }

private:
    QString m_filter;
    QStringList *m_copyValues;
    int m_nextCopy = 0;
};

} // namespace

SpanDetailsView::SpanDetailsView(QWidget *parent)
    : QTextBrowser(parent)
{
    setOpenLinks(false);
    setAccessibleName(tr("Span details"));
    document()->setDefaultStyleSheet(QStringLiteral("a { text-decoration: none; }"));
    connect(this, &QTextBrowser::anchorClicked, this, &SpanDetailsView::activate);
    clearSpan();
}

void SpanDetailsView::clearSpan()
{
    m_trace.reset();
    m_span = -1;
    m_copyValues.clear();
    setHtml(tr("<p><i>Select a span in the waterfall to see its details.</i></p>"));
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
    m_copyValues.clear();
    const int scroll = verticalScrollBar()->value();
    setHtml(html(*m_trace, m_span, m_filter, &m_copyValues));
    verticalScrollBar()->setValue(scroll);
}

QString SpanDetailsView::linkStackFrames(const QString &stackTrace)
{
    // Python's `File "x.py", line 3`, then any absolute path with a line: Node's
    // `(/app/x.js:3:7)`, Go's `/app/x.go:3 +0x1d`, Windows' `C:\app\x.cs:line 3` is left alone.
    static const QRegularExpression python(QStringLiteral("File \"([^\"]+)\", line (\\d+)"));
    static const QRegularExpression absolute(
        QStringLiteral("(?:file://)?((?:/|[A-Za-z]:\\\\)[^\\s:\"'()]+):(\\d+)(?::\\d+)?"));
    QString html;
    for (const QString &line : stackTrace.split(QLatin1Char('\n'))) {
        QRegularExpressionMatch match = python.match(line);
        int fileGroup = 1;
        if (!match.hasMatch())
            match = absolute.match(line);
        if (!match.hasMatch()) {
            html += line.toHtmlEscaped() + QLatin1Char('\n');
            continue;
        }
        QUrl url;
        url.setScheme(QStringLiteral("frame"));
        url.setPath(match.captured(fileGroup));
        url.setQuery(QStringLiteral("line=") + match.captured(2));
        html += line.left(match.capturedStart()).toHtmlEscaped()
            + QStringLiteral("<a href=\"%1\">%2</a>")
                  .arg(QString::fromUtf8(url.toEncoded()).toHtmlEscaped(),
                       match.captured().toHtmlEscaped())
            + line.mid(match.capturedEnd()).toHtmlEscaped() + QLatin1Char('\n');
    }
    html.chop(1);
    return html;
}

QString SpanDetailsView::html(const storage::TraceData &trace, int spanIndex,
                              const QString &attributeFilter, QStringList *copyValues)
{
    if (spanIndex < 0 || spanIndex >= static_cast<int>(trace.spans.size())) {
        return tr("<h3>Parent span not received</h3><p>These spans name a parent that never "
                  "arrived: it may still be in flight, dropped by a sampler, or exported by a "
                  "service that does not send to Spanscope.</p>");
    }
    DetailsWriter writer(attributeFilter, copyValues);
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
    const auto idLink = [&](const std::string &hex) {
        return QStringLiteral("<a href='copy:%1'>%2</a>")
            .arg(writer.copyIndex(QString::fromStdString(hex)))
            .arg(text(hex));
    };
    html += QStringLiteral("<p><small>trace %1<br>span %2")
                .arg(idLink(storage::toHex(span.traceId)), idLink(storage::toHex(span.spanId)));
    if (!span.isRoot()) {
        html += QStringLiteral("<br>parent <a href='%1'>%2</a>")
                    .arg(spanLink(span.traceId, span.parentSpanId),
                         text(storage::toHex(span.parentSpanId)));
    }
    html += QStringLiteral("</small></p>");

    // Exceptions come first: they are what a user opens a failing span for.
    for (const storage::SpanEvent &event : span.events) {
        if (event.name != "exception")
            continue;
        const auto *type = attributeNamed(event.attributes, "exception.type");
        const auto *message = attributeNamed(event.attributes, "exception.message");
        const auto *stack = attributeNamed(event.attributes, "exception.stacktrace");
        html += QStringLiteral(
            "<div style='background:#fdf0ef; color:#222; border:1px solid #dc322f; padding:4px'>");
        html += QStringLiteral("<p style='color:#dc322f'><b>%1</b>: %2 <small>(%3)</small></p>")
                    .arg(type ? valueText(*type) : tr("Exception"),
                         message ? valueText(*message) : QString(),
                         offset(static_cast<std::int64_t>(event.timeUnixNano) - start));
        if (stack)
            html += QStringLiteral("<pre style='white-space: pre-wrap'>%1</pre>")
                        .arg(linkStackFrames(plainValue(*stack)));
        html += QStringLiteral("</div>");
    }

    html += tr("<h4>Attributes</h4>") + writer.attributeTable(span.attributes);
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
                html += writer.attributeTable(event.attributes);
        }
    }
    if (!span.links.empty()) {
        html += tr("<h4>Links</h4>");
        for (const storage::SpanLink &link : span.links) {
            html += QStringLiteral("<p><a href='%1'>trace %2, span %3</a></p>")
                        .arg(spanLink(link.traceId, link.spanId),
                             text(storage::toHex(link.traceId)), text(storage::toHex(link.spanId)));
            if (!link.attributes.empty())
                html += writer.attributeTable(link.attributes);
        }
    }
    html += tr("<h4>Resource</h4>") + writer.attributeTable(resource.attributes);
    html += tr("<h4>Scope</h4><p>%1 %2</p>").arg(text(scope.name), text(scope.version));
    if (!scope.attributes.empty())
        html += writer.attributeTable(scope.attributes);
    return html;
}

void SpanDetailsView::activate(const QUrl &url)
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

void SpanDetailsView::copy(const QString &value, const QString &what)
{
    QGuiApplication::clipboard()->setText(value);
    emit copied(what);
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
    opentelemetry::proto::trace::v1::TracesData data;
    ingest::encodeTrace(one, data);
    return QString::fromStdString(ingest::printOtlpJson(data, true));
}

void SpanDetailsView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu *menu = createStandardContextMenu(event->pos());
    const QString anchor = anchorAt(event->pos());
    if (anchor.startsWith(QLatin1String("copy:"))) {
        const int index = anchor.mid(5).toInt();
        if (index >= 0 && index < m_copyValues.size()) {
            const QString value = m_copyValues[index];
            menu->insertAction(menu->actions().value(0), new QAction(tr("Copy &Value"), menu));
            connect(menu->actions().first(), &QAction::triggered, this,
                    [this, value] { copy(value, tr("value")); });
        }
    }
    if (m_trace && m_span >= 0) {
        menu->addSeparator();
        menu->addAction(tr("Copy Span as &OTLP-JSON"), this,
                        [this] { copy(spanAsOtlpJson(), tr("span as OTLP-JSON")); });
    }
    menu->exec(event->globalPos());
    delete menu;
}

} // namespace spanscope::ui

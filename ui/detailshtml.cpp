#include "detailshtml.h"

#include "counted.h"
#include "editorlauncher.h"

#include <tracetext.h>

#include <QGuiApplication>
#include <QObject>
#include <QPalette>
#include <QRegularExpression>
#include <QUrl>

namespace spanscope::ui {

DetailsHtml::DetailsHtml(const QString &filter, QStringList *copyValues)
    : m_filter(filter.trimmed())
    , m_copyValues(copyValues)
{}

QString DetailsHtml::text(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString DetailsHtml::plainValue(const storage::AnyValue &value)
{
    if (const auto *s = std::get_if<std::string>(&value.value))
        return QString::fromStdString(*s);
    return QString::fromStdString(storage::formatValue(value));
}

QString DetailsHtml::spanLink(const storage::TraceId &trace, const storage::SpanId &span)
{
    return QStringLiteral("span:%1/%2")
        .arg(QString::fromStdString(storage::toHex(trace)),
             QString::fromStdString(storage::toHex(span)));
}

QString DetailsHtml::offset(std::int64_t nanos)
{
    return text((nanos >= 0 ? "+" : "") + storage::formatDuration(nanos));
}

const storage::AnyValue *DetailsHtml::attributeNamed(const storage::Attributes &attributes,
                                                     const char *key)
{
    for (const storage::KeyValue &kv : attributes) {
        if (kv.key == key)
            return &kv.value;
    }
    return nullptr;
}

bool DetailsHtml::hasException(const storage::Attributes &attributes)
{
    return attributeNamed(attributes, "exception.type")
        || attributeNamed(attributes, "exception.message")
        || attributeNamed(attributes, "exception.stacktrace");
}

QString DetailsHtml::copyLink(const QString &value)
{
    if (m_copyValues)
        m_copyValues->append(value);
    return QStringLiteral("<a href='copy:%1'>%2</a>").arg(m_nextCopy++).arg(value.toHtmlEscaped());
}

QString DetailsHtml::attributeTable(const storage::Attributes &attributes)
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
        if (m_copyValues)
            m_copyValues->append(value);
        // Keys stay whole on their line (a dotted key cut mid-word misreads); values wrap.
        html += QStringLiteral("<tr><td style='white-space:nowrap'><a href='copy:%1' "
                               "title='%2'><b>%3</b></a></td>"
                               "<td>%4</td><td><small>%5</small></td></tr>")
                    .arg(m_nextCopy++)
                    .arg(QObject::tr("Click to copy the value"), key.toHtmlEscaped(),
                         value.toHtmlEscaped(),
                         QString::fromLatin1(storage::typeName(kv.value.type())));
    }
    if (shown == 0)
        return QObject::tr("<p><i>%1, none matching the filter</i></p>")
            .arg(counted(qint64(attributes.size()), QObject::tr("attribute"),
                         QObject::tr("attributes")));
    return html + QStringLiteral("</table>");
}

QString DetailsHtml::exception(const storage::Attributes &attributes, const QString &when)
{
    const auto *type = attributeNamed(attributes, "exception.type");
    const auto *message = attributeNamed(attributes, "exception.message");
    const auto *stack = attributeNamed(attributes, "exception.stacktrace");
    // A tint of red over the page's own background, so the block reads in light and dark.
    const QPalette palette = QGuiApplication::palette();
    const QColor base = palette.color(QPalette::Base);
    const QColor red = base.lightness() < 128 ? QColor(0xff, 0x6b, 0x5f) : QColor(0xc0, 0x22, 0x1b);
    const QColor tint = QColor::fromRgbF(base.redF() * 0.88 + red.redF() * 0.12,
                                         base.greenF() * 0.88 + red.greenF() * 0.12,
                                         base.blueF() * 0.88 + red.blueF() * 0.12);
    QString html = QStringLiteral("<div style='background:%1; color:%2; border:1px solid %3; "
                                  "padding:4px'>")
                       .arg(tint.name(), palette.color(QPalette::Text).name(), red.name());
    html
        += QStringLiteral("<p style='color:%1'><b>%2</b>: %3 <small>%4</small></p>")
               .arg(red.name(), type ? plainValue(*type).toHtmlEscaped() : QObject::tr("Exception"),
                    message ? plainValue(*message).toHtmlEscaped() : QString(), when);
    if (stack)
        html += QStringLiteral("<pre style='white-space: pre-wrap'>%1</pre>")
                    .arg(linkStackFrames(plainValue(*stack)));
    return html + QStringLiteral("</div>");
}

QString DetailsHtml::linkStackFrames(const QString &stackTrace)
{
    // Python's `File "x.py", line 3`, then any absolute path with a line: Node's
    // `(/app/x.js:3:7)`, Go's `/app/x.go:3 +0x1d`.
    static const QRegularExpression python(QStringLiteral("File \"([^\"]+)\", line (\\d+)"));
    static const QRegularExpression absolute(
        QStringLiteral("(?:file://)?((?:/|[A-Za-z]:\\\\)[^\\s:\"'()]+):(\\d+)(?::\\d+)?"));
    // The JVM's `at shop.payments.Gateway.charge(Gateway.java:118)`: the file is found from the
    // class's package under the configured source roots (Edit ▸ Settings).
    static const QRegularExpression jvm(QStringLiteral(
        "at ([\\w$.]+)\\.[\\w$<>]+\\(([\\w$]+\\.(?:java|kt|scala|groovy)):(\\d+)\\)"));
    // Looking a JVM frame up costs a few file checks on the GUI thread: only with roots set, and
    // for the first MaxSourceLookups frames (a hostile trace may hold thousands).
    const QStringList roots = EditorLauncher::sourceRoots();
    constexpr int MaxSourceLookups = 200;
    int lookups = 0;
    QString html;
    for (const QString &line : stackTrace.split(QLatin1Char('\n'))) {
        QString file, lineNumber;
        QRegularExpressionMatch match = python.match(line);
        if (!match.hasMatch())
            match = absolute.match(line);
        if (match.hasMatch()) {
            file = match.captured(1);
            lineNumber = match.captured(2);
        } else if (!roots.isEmpty() && lookups < MaxSourceLookups
                   && (match = jvm.match(line), match.hasMatch())) {
            ++lookups;
            // The package's folder: shop.payments.Gateway$Inner -> shop/payments.
            QString folder = match.captured(1)
                                 .section(QLatin1Char('$'), 0, 0)
                                 .section(QLatin1Char('.'), 0, -2);
            folder.replace(QLatin1Char('.'), QLatin1Char('/'));
            const QString relative = folder.isEmpty()
                ? match.captured(2)
                : folder + QLatin1Char('/') + match.captured(2);
            file = EditorLauncher::findSource(relative, roots);
            lineNumber = match.captured(3);
        }
        if (file.isEmpty()) {
            html += line.toHtmlEscaped() + QLatin1Char('\n');
            continue;
        }
        QUrl url;
        url.setScheme(QStringLiteral("frame"));
        url.setPath(file);
        url.setQuery(QStringLiteral("line=") + lineNumber);
        html += line.left(match.capturedStart()).toHtmlEscaped()
            + QStringLiteral("<a href=\"%1\">%2</a>")
                  .arg(QString::fromUtf8(url.toEncoded()).toHtmlEscaped(),
                       match.captured().toHtmlEscaped())
            + line.mid(match.capturedEnd()).toHtmlEscaped() + QLatin1Char('\n');
    }
    html.chop(1);
    return html;
}

} // namespace spanscope::ui

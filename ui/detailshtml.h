#pragma once

#include <telemetry.h>

#include <QString>
#include <QStringList>

namespace spanscope::ui {

// Builds the HTML of a details page (a span's or a log record's). Every value is escaped.
// Attribute keys are `copy:N` links whose values it collects, so a click copies the value;
// stack frames are `frame:` links and span references `span:TRACE/SPAN` links.
class DetailsHtml
{
public:
    // `filter` limits attribute tables to keys or values containing it (ignoring case).
    explicit DetailsHtml(const QString &filter = {}, QStringList *copyValues = nullptr);

    QString attributeTable(const storage::Attributes &attributes);
    // A value the page shows as a link that copies it.
    QString copyLink(const QString &value);
    // An exception box: type, message, when, and the stack trace with its frames linked.
    QString exception(const storage::Attributes &attributes, const QString &when);
    static bool hasException(const storage::Attributes &attributes);

    static QString text(const std::string &s);
    // Strings as they are (no quotes); everything else as the CLI prints it.
    static QString plainValue(const storage::AnyValue &value);
    static QString spanLink(const storage::TraceId &trace, const storage::SpanId &span);
    static QString offset(std::int64_t nanos); // "+1.250 ms"
    static const storage::AnyValue *attributeNamed(const storage::Attributes &attributes,
                                                   const char *key);
    // A stack trace as escaped HTML with file:line frames (Python, Node, Go, absolute paths)
    // turned into `frame:` links.
    static QString linkStackFrames(const QString &stackTrace);

private:
    QString m_filter;
    QStringList *m_copyValues;
    int m_nextCopy = 0;
};

} // namespace spanscope::ui

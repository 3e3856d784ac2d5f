#include "logrowsmodel.h"

#include <otlp/otlptext.h>
#include <tracetext.h>

#include <QColor>
#include <QDateTime>
#include <QFont>

namespace spanscope::ui {

namespace {

constexpr int MaxBodyChars = 400; // the table shows the start; the details show everything

QString bodyText(const storage::AnyValue &body)
{
    if (const auto *s = std::get_if<std::string>(&body.value))
        return QString::fromStdString(*s);
    return QString::fromStdString(storage::formatValue(body));
}

QString severityText(const storage::LogRecord &record)
{
    return QString::fromStdString(record.severityText.empty()
                                      ? storage::severityName(record.severityNumber)
                                      : record.severityText);
}

std::uint64_t timeOf(const storage::LogRecord &record)
{
    return record.timeUnixNano ? record.timeUnixNano : record.observedTimeUnixNano;
}

} // namespace

std::vector<LogRow> logRows(storage::LogPage page)
{
    std::vector<std::shared_ptr<const storage::Resource>> resources;
    std::vector<std::shared_ptr<const storage::Scope>> scopes;
    for (storage::Resource &resource : page.resources)
        resources.push_back(std::make_shared<const storage::Resource>(std::move(resource)));
    for (storage::Scope &scope : page.scopes)
        scopes.push_back(std::make_shared<const storage::Scope>(std::move(scope)));
    std::vector<LogRow> rows;
    rows.reserve(page.logs.size());
    for (storage::StoredLog &log : page.logs) {
        LogRow row;
        row.key = log.key;
        row.record = std::move(log.record);
        row.resource = resources[log.resource];
        row.scope = scopes[log.scope];
        row.service = QString::fromStdString(row.resource->serviceName());
        rows.push_back(std::move(row));
    }
    return rows;
}

QColor severityColour(int severityNumber)
{
    if (severityNumber >= 17)
        return {220, 50, 47}; // error, fatal
    if (severityNumber >= 13)
        return {203, 120, 22}; // warn
    if (severityNumber >= 9)
        return {38, 139, 210}; // info
    return {131, 148, 150}; // debug, trace, unknown
}

LogRowsModel::LogRowsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void LogRowsModel::setRows(std::vector<LogRow> rows, std::optional<std::int64_t> timeOrigin)
{
    beginResetModel();
    m_rows = std::move(rows);
    m_timeOrigin = timeOrigin;
    endResetModel();
}

int LogRowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int LogRowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LogRowsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LogRow &row = m_rows[index.row()];
    const storage::LogRecord &record = row.record;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn: {
            const auto time = static_cast<std::int64_t>(timeOf(record));
            if (m_timeOrigin)
                return QString::fromStdString((time >= *m_timeOrigin ? "+" : "")
                                              + storage::formatDuration(time - *m_timeOrigin));
            return QDateTime::fromMSecsSinceEpoch(time / 1'000'000)
                .toString(QStringLiteral("HH:mm:ss.zzz"));
        }
        case SeverityColumn:
            return severityText(record);
        case ServiceColumn:
            return row.service;
        case BodyColumn: {
            QString body = bodyText(record.body);
            body.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
            return body.size() > MaxBodyChars ? body.left(MaxBodyChars) + QStringLiteral("…")
                                              : body;
        }
        case TraceColumn:
            if (!storage::isValid(record.traceId))
                return QString();
            return QString::fromStdString(storage::toHex(record.traceId).substr(0, 8)
                                          + (storage::isValid(record.spanId) ? " / "
                                                     + storage::toHex(record.spanId).substr(0, 8)
                                                                             : std::string()));
        }
    } else if (role == Qt::ToolTipRole) {
        if (index.column() == TimeColumn)
            return QString::fromStdString(storage::formatTimestamp(timeOf(record)));
        if (index.column() == TraceColumn && storage::isValid(record.traceId))
            return tr("Trace %1, span %2; Enter opens it")
                .arg(QString::fromStdString(storage::toHex(record.traceId)),
                     QString::fromStdString(storage::toHex(record.spanId)));
        if (index.column() == BodyColumn)
            return bodyText(record.body).left(4000);
    } else if (role == Qt::ForegroundRole && index.column() == SeverityColumn) {
        return severityColour(record.severityNumber);
    } else if (role == Qt::FontRole && index.column() == SeverityColumn
               && record.severityNumber >= 17) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return {};
}

QVariant LogRowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return m_timeOrigin ? tr("At") : tr("Time");
    case SeverityColumn:
        return tr("Severity");
    case ServiceColumn:
        return tr("Service");
    case BodyColumn:
        return tr("Message");
    case TraceColumn:
        return tr("Trace / span");
    }
    return {};
}

QString LogRowsModel::lineText(int index) const
{
    const LogRow &row = m_rows[index];
    return QString::fromStdString(storage::formatTimestamp(timeOf(row.record))) + QLatin1Char(' ')
        + severityText(row.record) + QStringLiteral(" [") + row.service + QStringLiteral("] ")
        + bodyText(row.record.body);
}

QString LogRowsModel::otlpJson(int index) const
{
    const LogRow &row = m_rows[index];
    storage::LogPage page;
    page.resources = {*row.resource};
    page.scopes = {*row.scope};
    storage::StoredLog log;
    log.key = row.key;
    log.record = row.record;
    page.logs = {log};
    return QString::fromStdString(ingest::logsJson(page));
}

} // namespace spanscope::ui

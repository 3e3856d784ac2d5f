#include "spantablemodel.h"

#include "traceopener.h"

#include <tracetext.h>

namespace spanscope::ui {

void SpanTableModel::setAnalysis(std::shared_ptr<const TraceAnalysis> analysis)
{
    beginResetModel();
    m_analysis = std::move(analysis);
    endResetModel();
}

int SpanTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_analysis ? 0 : static_cast<int>(m_analysis->trace->spans.size());
}

int SpanTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SpanTableModel::data(const QModelIndex &index, int role) const
{
    if (!m_analysis || !index.isValid())
        return {};
    const storage::TraceData &trace = *m_analysis->trace;
    const storage::StoredSpan &stored = trace.spans[index.row()];
    const storage::Span &span = stored.span;
    const std::int64_t start
        = static_cast<std::int64_t>(span.startUnixNano) - trace.summary.startNs;
    const std::int64_t duration = span.endUnixNano > span.startUnixNano
        ? static_cast<std::int64_t>(span.endUnixNano - span.startUnixNano)
        : 0;
    const std::int64_t self = m_analysis->selfNs[index.row()];
    const bool error = span.statusCode == storage::StatusCode::Error;
    if (role == SpanRole)
        return index.row();
    if (role == Qt::TextAlignmentRole && index.column() >= StartColumn
        && index.column() <= SelfColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == SortRole) {
        switch (index.column()) {
        case StartColumn:
            return qint64(start);
        case DurationColumn:
            return qint64(duration);
        case SelfColumn:
            return qint64(self);
        case StatusColumn:
            return error ? 1 : 0;
        default:
            break;
        }
        role = Qt::DisplayRole;
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const auto time = [](std::int64_t ns) {
        return QString::fromStdString(storage::formatDuration(ns));
    };
    switch (index.column()) {
    case ServiceColumn:
        return QString::fromStdString(
            trace.resources.at(static_cast<std::size_t>(stored.resource)).serviceName());
    case NameColumn:
        return QString::fromStdString(span.name);
    case StartColumn:
        return QString(QStringLiteral("+") + time(start));
    case DurationColumn:
        return time(duration);
    case SelfColumn:
        return time(self);
    case StatusColumn:
        return error ? (span.statusMessage.empty() ? tr("error")
                                                   : QString::fromStdString(span.statusMessage))
                     : QString();
    default:
        return {};
    }
}

QVariant SpanTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const Names[]
        = {QT_TR_NOOP("Service"),  QT_TR_NOOP("Span"), QT_TR_NOOP("Start"),
           QT_TR_NOOP("Duration"), QT_TR_NOOP("Self"), QT_TR_NOOP("Status")};
    return tr(Names[section]);
}

} // namespace spanscope::ui

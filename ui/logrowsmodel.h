#pragma once

#include <tracestore.h>

#include <QAbstractTableModel>

#include <memory>
#include <optional>
#include <vector>

namespace spanscope::ui {

// One log record as the views show it, with its resource and scope shared among its page.
struct LogRow
{
    std::int64_t key = 0;
    storage::LogRecord record;
    std::shared_ptr<const storage::Resource> resource;
    std::shared_ptr<const storage::Scope> scope;
    QString service;
};

// Rows of a page, in the page's order.
std::vector<LogRow> logRows(storage::LogPage page);
QColor severityColour(int severityNumber);

// A table of log records: time, severity (coloured), service, body and the trace and span it
// belongs to. Times are absolute, or relative to an origin (a trace's start) when one is set.
class LogRowsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, SeverityColumn, ServiceColumn, BodyColumn, TraceColumn, ColumnCount };

    explicit LogRowsModel(QObject *parent = nullptr);

    void setRows(std::vector<LogRow> rows, std::optional<std::int64_t> timeOrigin = {});
    const LogRow &row(int index) const { return m_rows[index]; }
    // A line of text for the clipboard: time, severity, service, body.
    QString lineText(int index) const;
    // The record as OTLP-JSON (LogsData with its resource and scope).
    QString otlpJson(int index) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

protected:
    std::vector<LogRow> m_rows;
    std::optional<std::int64_t> m_timeOrigin;
};

} // namespace spanscope::ui

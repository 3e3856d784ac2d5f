#pragma once

#include <telemetry.h>

#include <QWidget>

class QLabel;
class QSplitter;
class QTableView;
class QToolButton;

namespace spanscope::ui {

class LogDetailsView;
class LogFilterBar;
class LogListModel;

// All log records, live and newest first, with their filters, and the selected record in full.
// Enter or a double-click on a linked record shows its span; the context menu copies the line
// or the record as OTLP-JSON.
class LogsPane : public QWidget
{
    Q_OBJECT
public:
    explicit LogsPane(const QString &databasePath, QWidget *parent = nullptr);

    LogListModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    LogFilterBar *filterBar() const { return m_filters; }
    LogDetailsView *details() const { return m_details; }
    QSplitter *splitter() const { return m_split; }
    void setServices(const QStringList &services);

signals:
    void openSpan(const storage::TraceId &traceId, const storage::SpanId &spanId);
    void openFrame(const QString &file, int line);
    void message(const QString &text, int timeoutMs);

private:
    void openCurrent();
    void copyCurrent(bool asJson);

    LogFilterBar *m_filters;
    LogListModel *m_model;
    QTableView *m_table;
    LogDetailsView *m_details;
    QSplitter *m_split;
    QToolButton *m_pause;
    QLabel *m_info;
};

} // namespace spanscope::ui

#pragma once

#include "liverefresh.h"

#include <metrics/metricreader.h>

#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace spanscope::ui {

class MetricChart;
class TimeRangeCombo;
class TraceQueryThread;

// The Metrics tab: the stored instruments grouped by service, searchable, and the chart of the
// one chosen over the time range (the trace list's, kept in step by the window), split by up to
// three of its series' attributes; exemplars on the chart open their span. Read on a query
// thread of its own while shown, and again when new data has settled.
class MetricsPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr int SettleMs = 500;
    static constexpr int MaxSplitKeys = 3;

    explicit MetricsPage(const QString &databasePath, QWidget *parent = nullptr);

    QTreeWidget *instruments() const { return m_tree; }
    MetricChart *chart() const { return m_chart; }
    QLineEdit *search() const { return m_search; }
    TimeRangeCombo *timeRange() const { return m_timeRange; }
    QToolButton *splitButton() const { return m_split; }
    // Chooses the instrument `name` of `service`; false when it is not listed.
    bool selectInstrument(const QString &service, const QString &name);
    void setSplitKeys(const QStringList &keys);
    // New data was stored: read again once it settles, if the page is shown.
    void refreshSoon();
    void refresh();

signals:
    void openSpan(const storage::TraceId &traceId, const storage::SpanId &spanId);
    // A read finished and is shown (for tests and the screenshot tool).
    void shown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    struct ChartRead;
    void readInstruments();
    void showInstruments(std::vector<storage::Instrument> instruments);
    // readChart() starts a read unless one runs (then one follows it); readSelectedChart() is
    // the read itself.
    void readChart();
    void readSelectedChart();
    void showChart(ChartRead read);
    std::optional<storage::Instrument> selected() const;
    void filterTree();

    TraceQueryThread *m_queries;
    QLineEdit *m_search;
    QTreeWidget *m_tree;
    QLabel *m_title;
    QLabel *m_about;
    TimeRangeCombo *m_timeRange;
    QToolButton *m_split;
    MetricChart *m_chart;
    LiveRefresh m_listRefresh;
    RefreshGate m_chartGate;
    std::vector<storage::Instrument> m_instruments;
    QStringList m_splitKeys;
    QStringList m_knownKeys; // attribute keys of the chosen instrument's series
};

} // namespace spanscope::ui

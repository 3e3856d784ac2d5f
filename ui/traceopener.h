#pragma once

#include "insightpreferences.h"
#include "logrowsmodel.h"
#include "waterfalllayout.h"

#include <flamegraph.h>
#include <insights.h>
#include <statistics.h>

#include <QObject>

#include <memory>

namespace spanscope::ui {

class TraceQueryThread;

// What the analysis library says about an opened trace: its statistics in each grouping and
// the insights found in it.
struct TraceAnalysis
{
    std::vector<analysis::StatisticsRow> statistics[3]; // by analysis::Grouping
    std::vector<analysis::Insight> insights;
    analysis::FlameGraph flame;
    std::vector<std::int64_t> selfNs; // per span (TraceData::spans order)
    std::shared_ptr<const storage::TraceData> trace; // what was analysed

    // With `neighbours`, the traces started just before are read to tell whether a server of
    // this trace lost its caller's traceparent.
    static TraceAnalysis of(std::shared_ptr<const storage::TraceData> trace,
                            const InsightPreferences &preferences = {},
                            storage::TraceStore *neighbours = nullptr);
};

// A trace as the trace view shows it: its spans, their layout and its log records in time order.
struct OpenedTrace
{
    std::shared_ptr<const storage::TraceData> trace;
    std::shared_ptr<const WaterfallLayout> layout;
    std::shared_ptr<const std::vector<LogRow>> logs;
};

// Loads a trace with its log records and builds its waterfall layout off the GUI thread, then
// analyses it there (the waterfall shows before the analysis of a huge trace is done).
// Opening another trace before the first arrives makes the first one's result stale, and it is
// dropped.
class TraceOpener : public QObject
{
    Q_OBJECT
public:
    // A trace's records beyond this many are not loaded into the trace view (the log view has
    // them all).
    static constexpr int MaxLogRecords = 20'000;

    explicit TraceOpener(const QString &databasePath, QObject *parent = nullptr);
    ~TraceOpener() override;

    void open(const storage::TraceId &traceId);
    // Loads the trace again only when a commit changed it after `knownSeq` (a trace still
    // arriving); the answer is `refreshed`, or nothing when it did not change.
    void refresh(const storage::TraceId &traceId, std::int64_t knownSeq);
    // What the next analyses use; the trace open now is analysed again by reloading it.
    void setInsightPreferences(const InsightPreferences &preferences);

signals:
    void opened(const spanscope::ui::OpenedTrace &trace);
    void refreshed(const spanscope::ui::OpenedTrace &trace);
    // After opened or refreshed, for the same trace.
    void analysed(std::shared_ptr<const spanscope::ui::TraceAnalysis> analysis);
    void failed(const QString &message);

private:
    void load(const storage::TraceId &traceId, std::optional<std::int64_t> knownSeq);

    TraceQueryThread *m_queries;
    quint64 m_generation = 0;
    InsightPreferences m_preferences;
};

} // namespace spanscope::ui

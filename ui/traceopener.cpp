#include "traceopener.h"

#include "tracequerythread.h"

#include <propagation.h>

#include <QPointer>

namespace spanscope::ui {

TraceOpener::TraceOpener(const QString &databasePath, QObject *parent)
    : QObject(parent)
    , m_queries(new TraceQueryThread(databasePath, this))
{
    connect(m_queries, &TraceQueryThread::failed, this, &TraceOpener::failed);
}

TraceOpener::~TraceOpener() = default;

void TraceOpener::open(const storage::TraceId &traceId)
{
    load(traceId, std::nullopt);
}

void TraceOpener::refresh(const storage::TraceId &traceId, std::int64_t knownSeq)
{
    load(traceId, knownSeq);
}

TraceAnalysis TraceAnalysis::of(std::shared_ptr<const storage::TraceData> analysed,
                                const InsightPreferences &preferences,
                                storage::TraceStore *neighbours)
{
    const storage::TraceData &trace = *analysed;
    const analysis::SpanTree tree(trace);
    TraceAnalysis out;
    out.trace = std::move(analysed);
    out.selfNs.resize(trace.spans.size());
    for (int i = 0; i < tree.size(); ++i)
        out.selfNs[i] = tree.selfNs(i);
    for (const analysis::Grouping grouping :
         {analysis::Grouping::ServiceAndOperation, analysis::Grouping::Operation,
          analysis::Grouping::Service})
        out.statistics[static_cast<int>(grouping)]
            = analysis::traceStatistics(trace, tree, grouping);
    const std::set<std::string> ignored = preferences.ignoredFingerprints();
    out.insights = analysis::findInsights(trace, tree, preferences.thresholds, ignored);
    if (neighbours) {
        // Unreadable neighbours leave this one finding out, not the analysis.
        if (auto lost = analysis::lostPropagationInto(*neighbours, trace, tree)) {
            for (analysis::Insight &insight : *lost) {
                if (!ignored.contains(insight.fingerprint))
                    out.insights.push_back(std::move(insight));
            }
        }
    }
    out.flame = analysis::FlameGraph::build(trace, tree);
    return out;
}

void TraceOpener::setInsightPreferences(const InsightPreferences &preferences)
{
    m_preferences = preferences;
}

void TraceOpener::load(const storage::TraceId &traceId, std::optional<std::int64_t> knownSeq)
{
    // A refresh does not make an open stale, but an open makes everything before it stale.
    const quint64 generation = knownSeq ? m_generation : ++m_generation;
    QPointer<TraceOpener> self(this);
    m_queries->run([self, generation, traceId, knownSeq,
                    preferences = m_preferences](storage::TraceStore &store) {
        if (knownSeq) {
            storage::TraceFilter changed;
            changed.traceId = traceId;
            changed.limit = 1;
            auto summary = store.findTraces(changed);
            if (!summary || summary->empty() || summary->front().updatedSeq <= *knownSeq)
                return; // unchanged (or gone: the open view keeps what it shows)
        }
        auto loaded = store.loadTrace(traceId);
        OpenedTrace opened;
        QString error;
        if (!loaded)
            error = QString::fromStdString(loaded.error());
        else if (!*loaded || (*loaded)->spans.empty())
            error = tr("The trace %1 is not stored.")
                        .arg(QString::fromStdString(storage::toHex(traceId)));
        else {
            auto data = std::make_shared<storage::TraceData>(std::move(**loaded));
            opened.layout = std::make_shared<WaterfallLayout>(WaterfallLayout::build(*data));
            opened.trace = std::move(data);
            storage::LogFilter logs;
            logs.traceId = traceId;
            logs.order = storage::LogOrder::ByTime;
            logs.limit = MaxLogRecords;
            auto page = store.findLogs(logs);
            opened.logs = std::make_shared<const std::vector<LogRow>>(
                page ? logRows(std::move(*page)) : std::vector<LogRow>{});
        }
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, opened, error, refresh = knownSeq.has_value()] {
                if (!self || self->m_generation != generation)
                    return;
                if (!error.isEmpty())
                    emit self->failed(error);
                else if (refresh)
                    emit self->refreshed(opened);
                else
                    emit self->opened(opened);
            },
            Qt::QueuedConnection);
        if (!opened.trace)
            return;
        auto analysis = std::make_shared<const TraceAnalysis>(
            TraceAnalysis::of(opened.trace, preferences, &store));
        QMetaObject::invokeMethod(
            self.data(),
            [self, generation, analysis] {
                if (self && self->m_generation == generation)
                    emit self->analysed(analysis);
            },
            Qt::QueuedConnection);
    });
}

} // namespace spanscope::ui

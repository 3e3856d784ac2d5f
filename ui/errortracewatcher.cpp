#include "errortracewatcher.h"

#include "tracequerythread.h"

#include <limits>

namespace spanscope::ui {

namespace {

constexpr std::size_t RememberedTraces = 10000;
constexpr int ChangesPerPoll = 500;

} // namespace

ErrorTraceWatcher::ErrorTraceWatcher(TraceQueryThread *queries, int intervalMs, QObject *parent)
    : QObject(parent)
    , m_queries(queries)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ErrorTraceWatcher::poll);
}

void ErrorTraceWatcher::setEnabled(bool enabled)
{
    if (enabled == isEnabled())
        return;
    if (!enabled) {
        m_timer.stop();
        m_seen.reset();
        return;
    }
    m_timer.start();
    m_polling = true;
    // What is stored now is not news.
    m_queries->request<std::int64_t>(
        this,
        [](storage::TraceStore &store) {
            auto seq = store.latestUpdateSeq();
            return seq ? *seq : std::int64_t(0);
        },
        [this](std::int64_t seq) {
            m_polling = false;
            if (isEnabled())
                m_seen = std::pair{seq, std::numeric_limits<std::int64_t>::max()};
        });
}

void ErrorTraceWatcher::poll()
{
    if (m_polling || !m_seen)
        return;
    m_polling = true;
    storage::TraceFilter filter;
    filter.errorsOnly = true;
    filter.changedAfter = m_seen;
    filter.limit = ChangesPerPoll;
    m_queries->request<std::vector<storage::TraceSummary>>(
        this,
        [filter](storage::TraceStore &store) {
            auto traces = store.findTraces(filter);
            return traces ? std::move(*traces) : std::vector<storage::TraceSummary>{};
        },
        [this](std::vector<storage::TraceSummary> changed) {
            m_polling = false;
            if (!isEnabled() || changed.empty())
                return;
            m_seen = std::pair{changed.back().updatedSeq, changed.back().key};
            for (const storage::TraceSummary &trace : changed) {
                if (!m_reported.insert(trace.key).second)
                    continue; // more spans of a trace already reported
                m_reportedOrder.push_back(trace.key);
                if (m_reportedOrder.size() > RememberedTraces) {
                    m_reported.erase(m_reportedOrder.front());
                    m_reportedOrder.pop_front();
                }
                emit errorTraceArrived(trace);
            }
        });
}

} // namespace spanscope::ui

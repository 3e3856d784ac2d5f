#include "errortracewatcher.h"

#include "tracequerythread.h"

#include <limits>

namespace spanscope::ui {

namespace {

constexpr std::size_t RememberedTraces = 10000;
constexpr int ChangesPerPoll = 500;

} // namespace

ErrorTraceWatcher::ErrorTraceWatcher(TraceQueryThread *queries, QObject *parent)
    : QObject(parent)
    , m_queries(queries)
{}

void ErrorTraceWatcher::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    m_seen.reset();
    refresh();
}

void ErrorTraceWatcher::refresh()
{
    if (m_enabled && m_gate.ask())
        read();
}

void ErrorTraceWatcher::readDone()
{
    if (m_gate.done())
        read();
}

void ErrorTraceWatcher::read()
{
    if (!m_enabled)
        return readDone();
    if (!m_seen) {
        // What is stored when watching starts is not news.
        m_queries->request<std::int64_t>(
            this,
            [](storage::TraceStore &store) {
                auto seq = store.latestUpdateSeq();
                return seq ? *seq : std::int64_t(0);
            },
            [this](std::int64_t seq) {
                if (m_enabled)
                    m_seen = std::pair{seq, std::numeric_limits<std::int64_t>::max()};
                readDone();
            });
        return;
    }
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
            if (changed.size() == std::size_t(ChangesPerPoll))
                m_gate.ask(); // a full page: more changed, read on at once
            if (!m_enabled || !m_seen || changed.empty())
                return readDone();
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
            readDone();
        });
}

} // namespace spanscope::ui

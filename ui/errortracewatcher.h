#pragma once

#include "refreshgate.h"

#include <tracestore.h>

#include <QObject>

#include <deque>
#include <set>

namespace spanscope::ui {

class TraceQueryThread;

// Tells when a trace with an error arrives, for the desktop notification: while enabled, each
// refresh (the window calls it on every commit) reads the traces changed since the last look
// that hold an error span, and reports each trace once. Traces stored before it was enabled
// are not reported.
class ErrorTraceWatcher : public QObject
{
    Q_OBJECT
public:
    explicit ErrorTraceWatcher(TraceQueryThread *queries, QObject *parent = nullptr);

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    void refresh();
    // A read is running or asked for: what was committed before the last refresh() is not
    // looked at yet.
    bool isReading() const { return m_gate.running(); }
    // Enabled and knows what was stored before: what arrives from now on is reported.
    bool isWatching() const { return isEnabled() && m_seen.has_value(); }

signals:
    void errorTraceArrived(const spanscope::storage::TraceSummary &trace);

private:
    void read();
    void readDone();

    TraceQueryThread *m_queries;
    bool m_enabled = false;
    std::optional<std::pair<std::int64_t, std::int64_t>> m_seen; // (updatedSeq, key)
    RefreshGate m_gate;
    // Traces already reported, oldest first; bounded, as the store is.
    std::deque<std::int64_t> m_reportedOrder;
    std::set<std::int64_t> m_reported;
};

} // namespace spanscope::ui

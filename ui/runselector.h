#pragma once

#include <tracestore.h>

#include <QString>

namespace spanscope::ui {

// A run as the user names it, for `compare --baseline/--candidate` and the Compare Runs window:
// since=DUR|TIME, until=DUR|TIME (a duration ago, 15m, or a time, 2026-12-03T13:00:00),
// attr=key=value (repeatable), mark=NAME and restart=SERVICE (the traces since the service's
// newest process started, by service.instance.id; both looked up in `store`), joined by commas. On
// a selector it does not understand, false with `error` saying why.
bool runSelectorFilter(const QString &text, storage::TraceStore &store,
                       storage::TraceFilter &filter, QString &error);

} // namespace spanscope::ui

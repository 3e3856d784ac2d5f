#pragma once

#include <telemetry.h>

#include <cstddef>
#include <optional>
#include <vector>

namespace spanscope::ui {

// Where the user has been in the trace view, as a browser keeps it: each opened trace or
// followed link is a place (a trace and the span selected in it); Back and Forward walk them; a
// new place after going back drops the places ahead. The current place's span follows the
// selection, so Back returns to the span that was being read. Bounded: the oldest go first.
class NavigationHistory
{
public:
    struct Place
    {
        storage::TraceId trace{};
        std::optional<storage::SpanId> span;
    };

    // A new place (the same trace and span as the current one is not a new place).
    void visit(const Place &place);
    // The span selected in `trace`; kept when that trace is the current place.
    void selectSpan(const storage::TraceId &trace, const storage::SpanId &span);
    std::optional<Place> back();
    std::optional<Place> forward();
    bool canGoBack() const { return m_current > 0; }
    bool canGoForward() const { return m_current + 1 < m_places.size(); }

    static constexpr std::size_t MaxPlaces = 200;

private:
    std::vector<Place> m_places;
    std::size_t m_current = 0; // index into m_places; meaningful when it is not empty
};

} // namespace spanscope::ui

#include "navigationhistory.h"

namespace spanscope::ui {

void NavigationHistory::visit(const Place &place)
{
    if (!m_places.empty()) {
        const Place &current = m_places[m_current];
        if (current.trace == place.trace && current.span == place.span)
            return;
        m_places.resize(m_current + 1); // the places ahead are left behind
    }
    m_places.push_back(place);
    if (m_places.size() > MaxPlaces)
        m_places.erase(m_places.begin());
    m_current = m_places.size() - 1;
}

void NavigationHistory::selectSpan(const storage::TraceId &trace, const storage::SpanId &span)
{
    if (!m_places.empty() && m_places[m_current].trace == trace)
        m_places[m_current].span = span;
}

std::optional<NavigationHistory::Place> NavigationHistory::back()
{
    if (!canGoBack())
        return std::nullopt;
    return m_places[--m_current];
}

std::optional<NavigationHistory::Place> NavigationHistory::forward()
{
    if (!canGoForward())
        return std::nullopt;
    return m_places[++m_current];
}

} // namespace spanscope::ui

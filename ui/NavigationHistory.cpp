#include "NavigationHistory.h"

namespace patchbay {

void NavigationHistory::visit(const Place &place)
{
    if (!m_places.isEmpty() && m_places.last() == place)
        return;
    m_places.append(place);
    if (m_places.size() > kMaxPlaces)
        m_places.removeFirst();
}

NavigationHistory::Place NavigationHistory::back()
{
    if (canGoBack())
        m_places.removeLast();
    return current();
}

} // namespace patchbay

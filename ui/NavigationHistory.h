#pragma once

#include <QList>

namespace patchbay {

// Where the window has been, for Back (Alt+Left): each place is a main tab and the connection shown there (0: none).
// Places are recorded as the user moves; going back to a place does not record it again.
class NavigationHistory
{
public:
    struct Place
    {
        int tab = 0;
        qint64 connectionId = 0;

        bool operator==(const Place &) const = default;
    };

    static constexpr int kMaxPlaces = 50; // enough to retrace a case; older places are forgotten

    // The window is now at place: the place before it becomes where Back goes (the same place twice is one).
    void visit(const Place &place);
    bool canGoBack() const { return m_places.size() > 1; }
    // Leaves the current place and answers the one before it, which becomes current; the current place when there
    // is none before it.
    Place back();
    // The current place; a default one before the first visit.
    Place current() const { return m_places.isEmpty() ? Place() : m_places.last(); }

private:
    QList<Place> m_places;
};

} // namespace patchbay

#pragma once

#include <QtGlobal>

#include <atomic>

namespace patchbay {

// What the notifier has done since the process started, for a /metrics route to read (any thread). Small on
// purpose: to be folded into the server's counters when those exist.
struct NotificationCounters
{
    std::atomic<qint64> deliveriesSucceeded{0}; // attempts the endpoint answered 2xx
    std::atomic<qint64> deliveriesFailed{0};    // attempts that failed (no answer, timeout, not 2xx)
    std::atomic<qint64> deliveriesGivenUp{0};   // deliveries that failed their last allowed attempt
    std::atomic<qint64> eventsQueued{0};        // deliveries queued (one per event and endpoint)
};

} // namespace patchbay

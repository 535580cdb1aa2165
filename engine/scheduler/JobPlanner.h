#pragma once

#include "core/Jobs.h"
#include "core/Result.h"

#include <QDateTime>

namespace patchbay {

class IntegrationCatalog;
class ProviderCatalog;
class Store;

// What the scheduler queues: the next scheduled read of every object with a schedule, for every active connection
// of an integration that is not paused; and the reads asked for now (sync now, full resync).
class JobPlanner
{
public:
    JobPlanner(Store &store, const IntegrationCatalog &integrations, const ProviderCatalog &providers)
        : m_store(store), m_integrations(integrations), m_providers(providers)
    {}

    // Queues each scheduled object's next run that is not queued yet: the first one due now (its backfill, from the
    // object's `since`), each later one when the schedule says after the previous one's due time. Missed times are
    // caught up once, not one by one: a run that was late is followed by the schedule's next time after it ended,
    // and a time that passed with no run since (the connection was paused) is due now. A connection that is paused
    // or needs re-authorisation gets none. Returns how many were queued.
    Result<int> queueDueJobs(const QDateTime &now);

    // A read asked for now: one object (empty: every readable object of the provider), incremental from the cursor,
    // or with full a resync that starts over (from since when given: a date, a time or a span such as 90d). Fails
    // with store.not_found, sync.unknown_object, sync.not_readable or catalog.bad_since, queueing nothing.
    Result<Job> queueSync(qint64 connectionId, const QString &object, bool full, const QString &since,
                          const QDateTime &now);

private:
    Store &m_store;
    const IntegrationCatalog &m_integrations;
    const ProviderCatalog &m_providers;
};

} // namespace patchbay

#pragma once

#include "core/Jobs.h"
#include "core/Result.h"
#include "core/Tenancy.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>

namespace patchbay {

class IntegrationCatalog;
class ProviderCatalog;
class Store;

// What a person or the product asks of the scheduler, with the rules the API answers by: sync now or a full resync
// of a connection, pausing and resuming a connection or a whole integration, and a connection's jobs. Each refusal
// is an Error with a stable code and changes nothing: store.not_found (no such connection), integration.not_found,
// connection.paused and connection.needs_reauth (a sync of a connection that cannot run), connection.not_active and
// connection.not_paused (a pause or resume that does not apply), and JobPlanner::queueSync's object and since codes.
class SyncControl
{
public:
    SyncControl(Store &store, const IntegrationCatalog &integrations, const ProviderCatalog &providers)
        : m_store(store), m_integrations(integrations), m_providers(providers)
    {}

    // Queues a read due now (see JobPlanner::queueSync); a paused connection or one that needs re-authorisation is
    // refused rather than queued behind a state nobody may change soon.
    Result<Job> requestSync(qint64 connectionId, const QString &object, bool full, const QString &since,
                            const QDateTime &now);

    // An active connection stops being read (on schedule or on request) until it is resumed; returns it as it is now.
    Result<Connection> pauseConnection(qint64 connectionId);
    Result<Connection> resumeConnection(qint64 connectionId);
    // Every connection of the integration stops being read until it is resumed. Pausing twice is no error.
    Result<void> pauseIntegration(const QString &integration);
    Result<void> resumeIntegration(const QString &integration);

    // Newest first, at most limit.
    Result<QList<Job>> jobs(qint64 connectionId, int limit);

    // A job as the API shows it: id, connectionId, object (null: every object), kind, state, dueAt, backfillSince
    // (null: the whole history), attempts, lastError ({code, message} or null), executionId (null: none yet),
    // createdAt, finishedAt (null until done or failed); times in ISO 8601 UTC. Leases are internal and left out.
    static QJsonObject toJson(const Job &job);

private:
    Result<void> checkIntegration(const QString &integration) const;

    Store &m_store;
    const IntegrationCatalog &m_integrations;
    const ProviderCatalog &m_providers;
};

} // namespace patchbay

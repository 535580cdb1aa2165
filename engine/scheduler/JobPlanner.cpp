#include "JobPlanner.h"

#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "core/Logging.h"
#include "store/Store.h"

namespace patchbay {

Result<int> JobPlanner::queueDueJobs(const QDateTime &now)
{
    auto connections = m_store.tenants().connections();
    if (!connections)
        return connections.error();
    auto paused = m_store.jobs().pausedIntegrations();
    if (!paused)
        return paused.error();
    int queued = 0;
    for (const Connection &connection : std::as_const(connections.value())) {
        const IntegrationDefinition *integration = m_integrations.find(connection.integration);
        // A run queued under a schedule the manifest no longer has (a restart with a changed manifest) never runs.
        QStringList scheduled;
        for (const ReadObjectSpec &object : integration ? integration->read : QList<ReadObjectSpec>()) {
            if (object.schedule.isSet())
                scheduled.append(object.object);
        }
        auto removed = m_store.jobs().removeUnscheduledJobs(connection.id, scheduled);
        if (!removed)
            return removed.error();
        if (removed.value() > 0)
            qCInfo(lcSchedule).noquote() << "removed" << removed.value() << "queued scheduled runs of connection"
                                         << connection.id << "that its integration no longer schedules";
        if (connection.status != ConnectionStatus::Active || !integration || paused->contains(integration->name))
            continue;
        for (const ReadObjectSpec &object : integration->read) {
            if (!object.schedule.isSet())
                continue;
            auto last = m_store.jobs().lastScheduledJob(connection.id, object.object);
            if (!last)
                return last.error();
            QDateTime due = now;
            if (last.value()) {
                if (last.value()->state == JobState::Queued || last.value()->state == JobState::Running)
                    continue;
                const Job &previous = *last.value();
                due = object.schedule.nextAfter(previous.dueAt);
                // A run that was late (no server ran at its time) stands for the times it missed: the next one
                // follows it rather than the schedule's times behind it.
                if (due < now && previous.finishedAt.isValid() && previous.finishedAt > due)
                    due = object.schedule.nextAfter(previous.finishedAt);
                due = std::max(now, due);
            }
            auto added = m_store.jobs().addScheduledJob(connection.id, object.object, due, object.since.startMs(due));
            if (!added)
                return added.error();
            if (added.value()) {
                ++queued;
                qCDebug(lcSchedule).noquote() << "queued job" << *added.value() << "read of" << object.object
                                              << "for connection" << connection.id << "due"
                                              << due.toString(Qt::ISODate) << "(" << object.schedule.describe() << ")";
            }
        }
    }
    return queued;
}

Result<Job> JobPlanner::queueSync(qint64 connectionId, const QString &object, bool full, const QString &since,
                                  const QDateTime &now)
{
    auto connection = m_store.tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    auto definition = m_providers.get(connection->provider);
    if (!definition)
        return definition.error();
    if (!object.isEmpty()) {
        const auto spec = definition->objects.constFind(object);
        if (spec == definition->objects.constEnd()) {
            return makeError("sync.unknown_object", QStringLiteral("%1 has no object '%2'; it has: %3")
                                                        .arg(definition->displayName, object,
                                                             definition->objects.keys().join(QStringLiteral(", "))));
        }
        if (!spec->readable) {
            return makeError("sync.not_readable",
                             QStringLiteral("%1 '%2' is only written; it cannot be read").arg(definition->displayName,
                                                                                                 object));
        }
    }
    Job job;
    job.connectionId = connectionId;
    job.object = object;
    job.kind = full ? JobKind::Resync : JobKind::Sync;
    job.dueAt = now;
    if (!since.isEmpty()) {
        auto start = BackfillStart::parse(since);
        if (!start)
            return start.error();
        job.backfillSinceMs = start->startMs(now);
    } else if (const IntegrationDefinition *integration = m_integrations.find(connection->integration)) {
        // A first read asked for by hand starts where the schedule's backfill would.
        if (const ReadObjectSpec *spec = integration->readObject(object))
            job.backfillSinceMs = spec->since.startMs(now);
    }
    auto id = m_store.jobs().addJob(job);
    if (!id)
        return id.error();
    return m_store.jobs().job(id.value());
}

} // namespace patchbay

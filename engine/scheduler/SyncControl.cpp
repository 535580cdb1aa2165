#include "SyncControl.h"

#include "JobPlanner.h"
#include "catalog/IntegrationCatalog.h"
#include "store/Store.h"

#include <QJsonValue>

namespace patchbay {

Result<Job> SyncControl::requestSync(qint64 connectionId, const QString &object, bool full, const QString &since,
                                     const QDateTime &now)
{
    auto connection = m_store.tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    if (connection->status == ConnectionStatus::Paused) {
        return makeError("connection.paused",
                         QStringLiteral("%1 is paused; resume it to sync").arg(connection->displayName));
    }
    if (connection->status == ConnectionStatus::NeedsReauth) {
        return makeError("connection.needs_reauth", QStringLiteral("%1 needs re-authorisation before it can sync: %2")
                                                        .arg(connection->displayName, connection->statusMessage));
    }
    return JobPlanner(m_store, m_integrations, m_providers).queueSync(connectionId, object, full, since, now);
}

Result<Connection> SyncControl::pauseConnection(qint64 connectionId)
{
    auto connection = m_store.tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    // A connection that needs re-authorisation is not read anyway; pausing it would hide why.
    if (connection->status != ConnectionStatus::Active && connection->status != ConnectionStatus::Paused) {
        return makeError("connection.not_active", QStringLiteral("%1 is %2, not active; it is not read until it is "
                                                                 "re-authorised")
                                                      .arg(connection->displayName, connection->status));
    }
    if (auto paused = m_store.tenants().setConnectionStatus(connectionId, ConnectionStatus::Paused,
                                                            QStringLiteral("Paused: not read until resumed"));
        !paused)
        return paused.error();
    return m_store.tenants().connection(connectionId);
}

Result<Connection> SyncControl::resumeConnection(qint64 connectionId)
{
    auto connection = m_store.tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    if (connection->status == ConnectionStatus::Active)
        return connection;
    if (connection->status != ConnectionStatus::Paused) {
        return makeError("connection.not_paused", QStringLiteral("%1 is %2, not paused; re-authorise it instead")
                                                      .arg(connection->displayName, connection->status));
    }
    if (auto resumed = m_store.tenants().setConnectionStatus(connectionId, ConnectionStatus::Active, QString());
        !resumed)
        return resumed.error();
    return m_store.tenants().connection(connectionId);
}

Result<void> SyncControl::checkIntegration(const QString &integration) const
{
    if (!m_integrations.find(integration)) {
        return makeError("integration.not_found", QStringLiteral("No integration named '%1'; known: %2")
                                                      .arg(integration, m_integrations.names().join(QStringLiteral(", "))));
    }
    return {};
}

Result<void> SyncControl::pauseIntegration(const QString &integration)
{
    if (auto known = checkIntegration(integration); !known)
        return known;
    return m_store.jobs().setIntegrationPaused(integration, true);
}

Result<void> SyncControl::resumeIntegration(const QString &integration)
{
    if (auto known = checkIntegration(integration); !known)
        return known;
    return m_store.jobs().setIntegrationPaused(integration, false);
}

QJsonObject SyncControl::toJson(const Job &job)
{
    const auto time = [](const QDateTime &at) {
        return at.isValid() ? QJsonValue(at.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
    };
    return {{QStringLiteral("id"), job.id},
            {QStringLiteral("connectionId"), job.connectionId},
            {QStringLiteral("object"), job.object.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(job.object)},
            {QStringLiteral("kind"), job.kind},
            {QStringLiteral("state"), job.state},
            {QStringLiteral("dueAt"), time(job.dueAt)},
            {QStringLiteral("backfillSince"),
             time(job.backfillSinceMs > 0 ? QDateTime::fromMSecsSinceEpoch(job.backfillSinceMs, Qt::UTC) : QDateTime())},
            {QStringLiteral("attempts"), job.attempts},
            {QStringLiteral("lastError"), job.lastErrorCode.isEmpty()
                                              ? QJsonValue(QJsonValue::Null)
                                              : QJsonValue(QJsonObject{{QStringLiteral("code"), job.lastErrorCode},
                                                                       {QStringLiteral("message"), job.lastError}})},
            {QStringLiteral("executionId"), job.executionId > 0 ? QJsonValue(job.executionId) : QJsonValue()},
            {QStringLiteral("createdAt"), time(job.createdAt)},
            {QStringLiteral("finishedAt"), time(job.finishedAt)}};
}

Result<QList<Job>> SyncControl::jobs(qint64 connectionId, int limit)
{
    if (auto connection = m_store.tenants().connection(connectionId); !connection)
        return connection.error();
    return m_store.jobs().jobs(connectionId, limit);
}

} // namespace patchbay

#include "SqliteCredentialStore.h"

namespace patchbay {

using namespace sqlite;

namespace {

StoredCredential readCredential(SqliteRow &row)
{
    return StoredCredential{row.int64(), row.blob(), row.time(), row.time(), row.time()};
}

const QString kCredentialColumns = QStringLiteral("connection_id, sealed, expires_at, refreshed_at, updated_at");

} // namespace

Result<void> SqliteCredentialStore::saveCredential(qint64 connectionId, const StoredCredential &credential)
{
    auto tenant = tenantOfConnection(m_db, connectionId);
    if (!tenant)
        return tenant.error();
    return run(m_db,
               QStringLiteral("INSERT INTO credentials (connection_id, tenant_id, sealed, expires_at, refreshed_at, "
                              "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (connection_id) DO UPDATE SET "
                              "sealed = excluded.sealed, expires_at = excluded.expires_at, "
                              "refreshed_at = excluded.refreshed_at, updated_at = excluded.updated_at"),
               connectionId, *tenant, credential.sealed, credential.expiresAt, credential.refreshedAt, now());
}

Result<StoredCredential> SqliteCredentialStore::credential(qint64 connectionId)
{
    return required(
        selectOne(m_db, QStringLiteral("SELECT %1 FROM credentials WHERE connection_id = ?1").arg(kCredentialColumns),
                  readCredential, connectionId),
        makeError("auth.no_credential",
                  QStringLiteral("Connection %1 has no stored credential; authorise it again.").arg(connectionId)));
}

Result<QList<StoredCredential>> SqliteCredentialStore::credentials()
{
    return selectAll(m_db, QStringLiteral("SELECT %1 FROM credentials ORDER BY connection_id").arg(kCredentialColumns),
                     readCredential);
}

Result<bool> SqliteCredentialStore::takeRefreshLease(qint64 connectionId, const QString &holder, const QDateTime &until,
                                                     const QDateTime &now)
{
    return changed(m_db,
                   QStringLiteral("INSERT INTO refresh_leases (connection_id, holder, expires_at) VALUES (?1, ?2, ?3) "
                                  "ON CONFLICT (connection_id) DO UPDATE SET holder = excluded.holder, "
                                  "expires_at = excluded.expires_at "
                                  "WHERE refresh_leases.expires_at <= ?4 OR refresh_leases.holder = excluded.holder"),
                   connectionId, holder, until, now);
}

Result<void> SqliteCredentialStore::releaseRefreshLease(qint64 connectionId, const QString &holder)
{
    return run(m_db, QStringLiteral("DELETE FROM refresh_leases WHERE connection_id = ?1 AND holder = ?2"),
               connectionId, holder);
}

Result<void> SqliteCredentialStore::addPendingAuthorization(const PendingAuthorization &pending)
{
    // Old ones that were never finished go first.
    if (auto purged = run(m_db, QStringLiteral("DELETE FROM pending_authorizations WHERE expires_at < ?1"), now());
        !purged)
        return purged;
    return run(m_db,
               QStringLiteral("INSERT INTO pending_authorizations (state, connection_id, sealed_verifier, "
                              "redirect_uri, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)"),
               pending.state, pending.connectionId, pending.sealedVerifier, pending.redirectUri, pending.expiresAt);
}

std::optional<PendingAuthorization> SqliteCredentialStore::takePendingAuthorization(const QString &state)
{
    auto pending = ifFound(selectOne(
        m_db,
        QStringLiteral("SELECT state, connection_id, sealed_verifier, redirect_uri, expires_at "
                       "FROM pending_authorizations WHERE state = ?1"),
        [](SqliteRow &row) {
            PendingAuthorization p;
            p.state = row.text();
            p.connectionId = row.int64();
            p.sealedVerifier = row.blob();
            p.redirectUri = row.text();
            p.expiresAt = row.time();
            return p;
        },
        state));
    if (!pending || !run(m_db, QStringLiteral("DELETE FROM pending_authorizations WHERE state = ?1"), state))
        return std::nullopt;
    return pending;
}

namespace {

const QString kSessionColumns = QStringLiteral("id, tenant_id, provider, integration, redirect_url, created_at, "
                                               "expires_at, opened_at, connection_id, state, completed_at, "
                                               "creator_key_id, creator_key_name, creator_role, reauthorizes");

ConnectSession readSession(SqliteRow &row)
{
    ConnectSession session;
    session.id = row.text();
    session.tenantId = row.int64();
    session.provider = row.text();
    session.integration = row.text();
    session.redirectUrl = row.text();
    session.createdAt = row.time();
    session.expiresAt = row.time();
    session.openedAt = row.time();
    session.connectionId = row.int64();
    session.state = row.text();
    session.completedAt = row.time();
    session.creatorKeyId = row.int64();
    session.creatorKeyName = row.text();
    session.creatorRole = row.text();
    session.reauthorizes = row.int64();
    return session;
}

} // namespace

Result<void> SqliteCredentialStore::addConnectSession(const ConnectSession &session)
{
    if (auto purged = run(m_db,
                          QStringLiteral("DELETE FROM connect_sessions WHERE expires_at < ?1 AND (connection_id IS NULL "
                                         "OR completed_at IS NOT NULL OR reauthorizes IS NOT NULL)"),
                          now().addDays(-1));
        !purged)
        return purged;
    return run(m_db,
               QStringLiteral("INSERT INTO connect_sessions (id, tenant_id, provider, integration, redirect_url, "
                              "created_at, expires_at, creator_key_id, creator_key_name, creator_role, reauthorizes) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
               session.id, session.tenantId, session.provider, textOrNull(session.integration),
               textOrNull(session.redirectUrl), now(), session.expiresAt, idOrNull(session.creatorKeyId),
               textOrNull(session.creatorKeyName), textOrNull(session.creatorRole), idOrNull(session.reauthorizes));
}

Result<std::optional<ConnectSession>> SqliteCredentialStore::openConnectSession(const QString &id)
{
    return sqlite::inTransaction(m_db, [&]() -> Result<std::optional<ConnectSession>> {
        auto session = selectOne(m_db,
                                 QStringLiteral("SELECT %1 FROM connect_sessions WHERE id = ?1 AND opened_at IS NULL")
                                     .arg(kSessionColumns),
                                 readSession, id);
        if (!session || !session.value())
            return session;
        if (auto opened = run(m_db, QStringLiteral("UPDATE connect_sessions SET opened_at = ?2 WHERE id = ?1"), id,
                              now());
            !opened)
            return opened.error();
        return session;
    });
}

Result<void> SqliteCredentialStore::setConnectSessionAuthorization(const QString &id, qint64 connectionId,
                                                                   const QString &state)
{
    return run(m_db, QStringLiteral("UPDATE connect_sessions SET connection_id = ?2, state = ?3 WHERE id = ?1"), id,
               connectionId, state);
}

std::optional<ConnectSession> SqliteCredentialStore::connectSessionByState(const QString &state)
{
    return ifFound(selectOne(
        m_db, QStringLiteral("SELECT %1 FROM connect_sessions WHERE state = ?1").arg(kSessionColumns), readSession,
        state));
}

Result<void> SqliteCredentialStore::completeConnectSession(const QString &id)
{
    return run(m_db, QStringLiteral("UPDATE connect_sessions SET completed_at = ?2 WHERE id = ?1"), id, now());
}

Result<QList<ConnectSession>> SqliteCredentialStore::abandonedConnectSessions(const QDateTime &openedBefore)
{
    return selectAll(m_db,
                     QStringLiteral("SELECT %1 FROM connect_sessions WHERE opened_at < ?1 AND connection_id IS NOT NULL "
                                    "AND completed_at IS NULL AND reauthorizes IS NULL ORDER BY opened_at, id")
                         .arg(kSessionColumns),
                     readSession, openedBefore);
}

Result<void> SqliteCredentialStore::removeConnectSession(const QString &id)
{
    return run(m_db, QStringLiteral("DELETE FROM connect_sessions WHERE id = ?1"), id);
}

} // namespace patchbay

#pragma once

#include "core/Authorization.h"
#include "core/Result.h"
#include "core/Tenancy.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// Connections' credentials (already sealed by the vault), the leases that make a token refresh single-flight across
// processes, and authorisations in progress.
class CredentialStore
{
public:
    virtual ~CredentialStore() = default;

    // Replaces the connection's credential.
    virtual Result<void> saveCredential(qint64 connectionId, const StoredCredential &credential) = 0;
    // Fails with auth.no_credential when the connection has none.
    virtual Result<StoredCredential> credential(qint64 connectionId) = 0;
    virtual Result<QList<StoredCredential>> credentials() = 0;

    // Token refresh leases across processes: true when holder now holds the connection's lease (it was free,
    // expired, or already its own) until `until`.
    virtual Result<bool> takeRefreshLease(qint64 connectionId, const QString &holder, const QDateTime &until,
                                          const QDateTime &now) = 0;
    virtual Result<void> releaseRefreshLease(qint64 connectionId, const QString &holder) = 0;

    // Authorisations in progress; adding one drops those that expired unfinished, and taking one removes it (a
    // state is used once).
    virtual Result<void> addPendingAuthorization(const PendingAuthorization &pending) = 0;
    virtual std::optional<PendingAuthorization> takePendingAuthorization(const QString &state) = 0;

    // Connect sessions. Adding one drops those that expired more than a day ago (the callback's page can still say
    // which link it was for a while after its expiry), but for abandoned ones (below), whose connection is left to
    // clean up first.
    virtual Result<void> addConnectSession(const ConnectSession &session) = 0;
    // Marks the session opened, once: the session as it was before, or nullopt when it is unknown or was already
    // opened (a re-used link).
    virtual Result<std::optional<ConnectSession>> openConnectSession(const QString &id) = 0;
    // The connection an opened session created and the authorisation it started.
    virtual Result<void> setConnectSessionAuthorization(const QString &id, qint64 connectionId,
                                                        const QString &state) = 0;
    // The session whose authorisation has this state, if any.
    virtual std::optional<ConnectSession> connectSessionByState(const QString &state) = 0;
    // The provider authorised the session's connection: the session is complete, its connection the tenant's.
    virtual Result<void> completeConnectSession(const QString &id) = 0;
    // Sessions opened before openedBefore whose connection was never authorised (the customer left, or the provider
    // refused): the connections they created wait for nobody. Oldest first. Re-authorisation sessions are never
    // among them (their connection is not theirs); they are dropped a day past their expiry.
    virtual Result<QList<ConnectSession>> abandonedConnectSessions(const QDateTime &openedBefore) = 0;
    virtual Result<void> removeConnectSession(const QString &id) = 0;
};

} // namespace patchbay

#pragma once

#include "store/CredentialStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteCredentialStore final : public CredentialStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<void> saveCredential(qint64 connectionId, const StoredCredential &credential) override;
    Result<StoredCredential> credential(qint64 connectionId) override;
    Result<QList<StoredCredential>> credentials() override;
    Result<bool> takeRefreshLease(qint64 connectionId, const QString &holder, const QDateTime &until,
                                  const QDateTime &now) override;
    Result<void> releaseRefreshLease(qint64 connectionId, const QString &holder) override;
    Result<void> addPendingAuthorization(const PendingAuthorization &pending) override;
    std::optional<PendingAuthorization> takePendingAuthorization(const QString &state) override;
    Result<void> addConnectSession(const ConnectSession &session) override;
    Result<std::optional<ConnectSession>> openConnectSession(const QString &id) override;
    Result<void> setConnectSessionAuthorization(const QString &id, qint64 connectionId, const QString &state) override;
    std::optional<ConnectSession> connectSessionByState(const QString &state) override;
    Result<void> completeConnectSession(const QString &id) override;
    Result<QList<ConnectSession>> abandonedConnectSessions(const QDateTime &openedBefore) override;
    Result<void> removeConnectSession(const QString &id) override;
};

} // namespace patchbay

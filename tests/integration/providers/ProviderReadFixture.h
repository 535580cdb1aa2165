#pragma once

#include "auth/Credential.h"
#include "auth/CredentialVault.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QJsonObject>
#include <QMap>
#include <QSignalSpy>
#include <QSet>
#include <QTemporaryDir>

#include <memory>

namespace patchbay::test {

// A store with one tenant, connections pointed at a provider emulator, and a SyncService over the built-in
// definitions: what every provider's read test needs.
class ProviderReadFixture
{
public:
    ProviderReadFixture();

    Store &store() { return *m_store; }
    const SecretBytes &key() const { return m_key; }
    QString databasePath() const { return m_dbPath; }

    // config holds originOverrides and any connection variables (instance_url, cloud_id, subdomain, ...).
    qint64 connect(const QString &provider, const QJsonObject &config, const Credential &credential);
    std::unique_ptr<SyncService> sync(Clock &clock) const;

    QSet<QString> recordIds(qint64 connectionId, const QString &object);
    // The records an execution wrote (stored or updated), to check what an incremental pass asked for.
    QSet<QString> idsWrittenBy(qint64 executionId);
    QJsonObject record(qint64 connectionId, const QString &object, const QString &id);
    QJsonObject cursor(qint64 connectionId, const QString &object);
    QString eventText(qint64 executionId);
    // The per-record results of a write execution, by the product's key.
    QMap<QString, WriteItem> writeItemsByKey(qint64 executionId);
    // The HTTP status the count-th webhook delivery got (WebhookSender::webhookDelivered), waiting up to 10 s for it;
    // 0 when it did not come.
    static int deliveredStatus(QSignalSpy &delivered, int count);

    static Credential oauth(const QString &clientId, const QString &clientSecret, const QString &accessToken,
                            const QString &refreshToken, const QDateTime &expiresAt);
    static Credential apiKey(const QString &key);

private:
    QTemporaryDir m_dir;
    QString m_dbPath;
    SecretBytes m_key;
    std::unique_ptr<Store> m_store;
    qint64 m_tenant = 0;
};

} // namespace patchbay::test

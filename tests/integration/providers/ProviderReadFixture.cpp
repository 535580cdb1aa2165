#include "ProviderReadFixture.h"

#include "store/sqlite/SqliteStore.h"

#include <QJsonDocument>

namespace patchbay::test {

ProviderReadFixture::ProviderReadFixture()
    : m_dbPath(m_dir.filePath(QStringLiteral("patchbay.db"))), m_key(CredentialVault::generateKey()),
      m_store(SqliteStore::open(m_dbPath).value())
{
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
}

qint64 ProviderReadFixture::connect(const QString &provider, const QJsonObject &config, const Credential &credential)
{
    Connection connection;
    connection.tenantId = m_tenant;
    connection.provider = provider;
    connection.displayName = provider + QStringLiteral(" (acme)");
    connection.config = config;
    const qint64 id = m_store->tenants().createConnection(connection).value();
    const QByteArray sealed = CredentialVault(m_key).seal(id, credential).value();
    if (!m_store->credentials().saveCredential(id, {id, sealed, credential.expiresAt, {}, {}}))
        return 0;
    return id;
}

std::unique_ptr<SyncService> ProviderReadFixture::sync(Clock &clock) const
{
    return std::make_unique<SyncService>(m_dbPath, m_key, ProviderCatalog::builtIn(), clock);
}

namespace {

QSet<QString> idsOf(const Result<QList<StoredRecord>> &records)
{
    QSet<QString> ids;
    for (const StoredRecord &record : records.ok() ? records.value() : QList<StoredRecord>())
        ids.insert(record.recordId);
    return ids;
}

} // namespace

QSet<QString> ProviderReadFixture::recordIds(qint64 connectionId, const QString &object)
{
    return idsOf(m_store->records().storedRecords(connectionId, object));
}

QSet<QString> ProviderReadFixture::idsWrittenBy(qint64 executionId)
{
    const auto execution = m_store->executions().execution(executionId);
    if (!execution)
        return {};
    return idsOf(m_store->records().storedRecords(execution->connectionId, execution->object, executionId));
}

QJsonObject ProviderReadFixture::record(qint64 connectionId, const QString &object, const QString &id)
{
    const auto stored = m_store->records().record(connectionId, object, id);
    return stored ? QJsonDocument::fromJson(stored->data).object() : QJsonObject();
}

QJsonObject ProviderReadFixture::cursor(qint64 connectionId, const QString &object)
{
    const auto text = m_store->records().cursor(connectionId, object);
    return text ? QJsonDocument::fromJson(text->toUtf8()).object() : QJsonObject();
}

QString ProviderReadFixture::eventText(qint64 executionId)
{
    QString text;
    for (const Event &event : m_store->executions().events(executionId).value())
        text += event.message + QLatin1Char('\n');
    return text;
}

Credential ProviderReadFixture::oauth(const QString &clientId, const QString &clientSecret, const QString &accessToken,
                                      const QString &refreshToken, const QDateTime &expiresAt)
{
    Credential credential;
    credential.clientId = clientId;
    credential.clientSecret = SecretBytes(clientSecret.toUtf8());
    credential.accessToken = SecretBytes(accessToken.toUtf8());
    credential.refreshToken = SecretBytes(refreshToken.toUtf8());
    credential.expiresAt = expiresAt;
    return credential;
}

Credential ProviderReadFixture::apiKey(const QString &key)
{
    Credential credential;
    credential.apiKey = SecretBytes(key.toUtf8());
    return credential;
}

QMap<QString, WriteItem> ProviderReadFixture::writeItemsByKey(qint64 executionId)
{
    QMap<QString, WriteItem> byKey;
    for (const WriteItem &item : m_store->writes().writeItems(executionId).value())
        byKey.insert(item.key, item);
    return byKey;
}

int ProviderReadFixture::deliveredStatus(QSignalSpy &delivered, int count)
{
    if (delivered.size() < count && !delivered.wait(10000))
        return 0;
    return delivered.at(count - 1).at(1).toInt();
}

} // namespace patchbay::test

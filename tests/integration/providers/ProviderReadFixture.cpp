#include "ProviderReadFixture.h"

#include "store/SqliteDatabase.h"

#include <QJsonDocument>

namespace patchbay::test {

ProviderReadFixture::ProviderReadFixture()
    : m_dbPath(m_dir.filePath(QStringLiteral("patchbay.db"))), m_key(CredentialVault::generateKey()),
      m_store(SqliteStore::open(m_dbPath).value())
{
    m_tenant = m_store->createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
}

qint64 ProviderReadFixture::connect(const QString &provider, const QJsonObject &config, const Credential &credential)
{
    Connection connection;
    connection.tenantId = m_tenant;
    connection.provider = provider;
    connection.displayName = provider + QStringLiteral(" (acme)");
    connection.config = config;
    const qint64 id = m_store->createConnection(connection).value();
    const QByteArray sealed = CredentialVault(m_key).seal(id, credential).value();
    if (!m_store->saveCredential(id, {id, sealed, credential.expiresAt, {}, {}}))
        return 0;
    return id;
}

std::unique_ptr<SyncService> ProviderReadFixture::sync(Clock &clock) const
{
    return std::make_unique<SyncService>(m_dbPath, m_key, ProviderCatalog::builtIn(), clock);
}

QSet<QString> ProviderReadFixture::recordIds(qint64 connectionId, const QString &object)
{
    auto stmt = m_store->database().prepare(
        QStringLiteral("SELECT record_id FROM records WHERE connection_id = ?1 AND object = ?2"));
    stmt.bind(1, connectionId).bind(2, object);
    QSet<QString> ids;
    while (stmt.next())
        ids.insert(stmt.text(0));
    return ids;
}

QSet<QString> ProviderReadFixture::idsWrittenBy(qint64 executionId)
{
    auto rows = m_store->database().prepare(QStringLiteral("SELECT record_id FROM records WHERE execution_id = ?1"));
    rows.bind(1, executionId);
    QSet<QString> ids;
    while (rows.next())
        ids.insert(rows.text(0));
    return ids;
}

QJsonObject ProviderReadFixture::record(qint64 connectionId, const QString &object, const QString &id)
{
    const auto stored = m_store->record(connectionId, object, id);
    return stored ? QJsonDocument::fromJson(stored->data).object() : QJsonObject();
}

QJsonObject ProviderReadFixture::cursor(qint64 connectionId, const QString &object)
{
    const auto text = m_store->cursor(connectionId, object);
    return text ? QJsonDocument::fromJson(text->toUtf8()).object() : QJsonObject();
}

QString ProviderReadFixture::eventText(qint64 executionId)
{
    QString text;
    for (const Event &event : m_store->events(executionId).value())
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
    for (const WriteItem &item : m_store->writeItems(executionId).value())
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

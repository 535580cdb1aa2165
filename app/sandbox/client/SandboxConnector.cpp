#include "SandboxConnector.h"

#include "auth/CredentialVault.h"
#include "store/Store.h"

namespace patchbay::sandbox {

Result<qint64> SandboxConnector::connect(qint64 tenantId, qint64 connectionId, const QString &provider,
                                         const QString &displayName, const QString &providerOrigin,
                                         const QUrl &emulatorUrl, const PortalCredentials &portal,
                                         const QDateTime &expiresAt)
{
    QJsonObject config;
    if (connectionId != 0) {
        auto existing = m_store.tenants().connection(connectionId);
        if (!existing)
            return existing.error();
        config = existing->config;
    }
    QString target = emulatorUrl.toString();
    while (target.endsWith(QLatin1Char('/')))
        target.chop(1);
    config.insert(QStringLiteral("originOverrides"), QJsonObject{{providerOrigin, target}});
    config.insert(QStringLiteral("sandboxPortal"), portal.portalName);
    // What the OAuth callback learns from HubSpot's token info (hub_id): the account webhooks and budgets go by.
    config.insert(QStringLiteral("portal_id"), QString::number(portal.hubId));
    if (connectionId == 0) {
        Connection connection;
        connection.tenantId = tenantId;
        connection.provider = provider;
        connection.displayName = displayName;
        connection.config = config;
        auto created = m_store.tenants().createConnection(connection);
        if (!created)
            return created.error();
        connectionId = created.value();
    } else if (auto saved = m_store.tenants().setConnectionConfig(connectionId, config); !saved) {
        return saved.error();
    }

    Credential credential;
    credential.accessToken = SecretBytes(portal.accessToken.toUtf8());
    credential.refreshToken = SecretBytes(portal.refreshToken.toUtf8());
    credential.clientId = portal.clientId;
    credential.clientSecret = SecretBytes(portal.clientSecret.toUtf8());
    credential.expiresAt = expiresAt;
    auto sealed = m_vault.seal(connectionId, credential);
    if (!sealed)
        return sealed.error();
    if (auto saved =
            m_store.credentials().saveCredential(connectionId, {connectionId, sealed.value(), expiresAt, {}, {}});
        !saved)
        return saved.error();
    return connectionId;
}

} // namespace patchbay::sandbox

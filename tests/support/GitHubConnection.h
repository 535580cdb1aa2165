#pragma once

#include "auth/CredentialVault.h"
#include "store/Store.h"

#include <QJsonObject>

namespace patchbay::test {

// What the webhook tests (in-process, end to end) and the webhook benchmark connect: a tenant's GitHub repository
// owner/repo, whose credential holds a token and the secret GitHub signs webhooks with, sealed with masterKey as the
// server seals it; with apiOrigin, the definition's https://api.github.com goes there (an emulator). The id, or 0.
inline qint64 addGitHubConnection(Store &store, const SecretBytes &masterKey, qint64 tenantId, const QString &owner,
                                  const QString &repo, const QString &token, const QByteArray &webhookSecret,
                                  const QString &apiOrigin = {})
{
    Connection connection;
    connection.tenantId = tenantId;
    connection.provider = QStringLiteral("github");
    connection.displayName = owner + QStringLiteral(" GitHub");
    connection.config = QJsonObject{{QStringLiteral("owner"), owner}, {QStringLiteral("repo"), repo}};
    if (!apiOrigin.isEmpty()) {
        connection.config.insert(QStringLiteral("originOverrides"),
                                 QJsonObject{{QStringLiteral("https://api.github.com"), apiOrigin}});
    }
    const auto id = store.tenants().createConnection(connection);
    if (!id)
        return 0;
    Credential credential;
    credential.apiKey = SecretBytes(token.toUtf8());
    credential.webhookSecret = SecretBytes(webhookSecret);
    const auto sealed = CredentialVault(masterKey).seal(id.value(), credential);
    if (!sealed || !store.credentials().saveCredential(id.value(), {id.value(), sealed.value(), {}, {}, {}}))
        return 0;
    return id.value();
}

} // namespace patchbay::test

#pragma once

#include "auth/CredentialVault.h"
#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "core/Result.h"
#include "core/Tenancy.h"
#include "server/DaemonConfig.h"

#include <QJsonObject>
#include <QStringList>

namespace patchbay {

class Store;

// The fields a connection of a provider that is not authorised in a browser (api-key, bearer, basic) is created
// with, as the definition implies them: its config fields are the $connection values its templates read (those in
// the base URL, the auth templates and the objects' paths are required; those only in parameters, headers, budget
// and webhook keys are optional; the ones a token response captures are not the product's to give), and its
// credential is the API key (apiKey), or for basic auth whose user name is one config field and password the key,
// username and password; webhookSecret when the definition receives webhooks.
struct ConnectionFields
{
    QStringList requiredConfig;
    QStringList optionalConfig;
    QString usernameConfig; // basic: the config field the user name fills, when {"username","password"} is accepted
    bool webhookSecret = false;

    static ConnectionFields of(const ProviderDefinition &definition);
};

// What a product sends to create a connection with a credential (POST /api/v1/tenants/{tenant}/connections).
struct NewConnection
{
    qint64 tenantId = 0;
    QString provider;
    QString integration;
    QString displayName;     // default: the provider's display name
    QJsonObject credential;  // {"apiKey"} | {"username","password"}, and "webhookSecret"
    QJsonObject config;
};

// Creates the connection and its sealed credential in one transaction; nothing is kept when any field is wrong.
// The server's origin overrides for the provider (DaemonConfig providers:) are added to its config. Errors (all
// changing nothing): connection.unknown_provider, connection.unknown_integration, connection.needs_browser (an
// OAuth provider: open a connect session), connection.unknown_field, connection.missing_field,
// connection.bad_value (a field that is not a non-empty string), each naming the field.
Result<Connection> createConnection(Store &store, const CredentialVault &vault, const ProviderCatalog &providers,
                                    const IntegrationCatalog &integrations,
                                    const QMap<QString, ProviderSettings> &settings, const NewConnection &request);

} // namespace patchbay

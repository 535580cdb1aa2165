#include "NewConnection.h"

#include "store/Store.h"

#include <QRegularExpression>
#include <QSet>

namespace patchbay {

namespace {

// The $connection fields a template reads.
QSet<QString> connectionFieldsIn(const QString &text)
{
    static const QRegularExpression reference(QStringLiteral(R"(\$connection\.([A-Za-z_][A-Za-z0-9_]*))"));
    QSet<QString> fields;
    for (auto it = reference.globalMatch(text); it.hasNext();)
        fields.insert(it.next().captured(1));
    return fields;
}

void addFieldsOf(const QMap<QString, QString> &templates, QSet<QString> &fields)
{
    for (const QString &text : templates)
        fields.unite(connectionFieldsIn(text));
}

void addFieldsOf(const RequestSpec &request, QSet<QString> &required, QSet<QString> &optional)
{
    required.unite(connectionFieldsIn(request.path));
    addFieldsOf(request.params, optional);
    addFieldsOf(request.headers, optional);
    optional.unite(connectionFieldsIn(request.body));
}

void addFieldsOf(const std::optional<WriteRequestSpec> &request, QSet<QString> &required, QSet<QString> &optional)
{
    if (!request)
        return;
    required.unite(connectionFieldsIn(request->path));
    addFieldsOf(request->params, optional);
    addFieldsOf(request->headers, optional);
}

QStringList sorted(const QSet<QString> &set)
{
    QStringList list(set.begin(), set.end());
    list.sort();
    return list;
}

} // namespace

ConnectionFields ConnectionFields::of(const ProviderDefinition &definition)
{
    QSet<QString> required = connectionFieldsIn(definition.baseUrl);
    QSet<QString> optional;
    const AuthSpec &auth = definition.auth;
    required.unite(connectionFieldsIn(auth.basicUsername));
    required.unite(connectionFieldsIn(auth.basicPassword));
    for (const ObjectSpec &object : definition.objects) {
        addFieldsOf(object.list, required, optional);
        if (object.get)
            addFieldsOf(*object.get, required, optional);
        addFieldsOf(object.incremental.request, required, optional);
        if (object.schema)
            addFieldsOf(object.schema->request, required, optional);
        for (const auto *write : {&object.write.create, &object.write.update, &object.write.batchCreate,
                                  &object.write.batchUpdate})
            addFieldsOf(*write, required, optional);
    }
    for (const BudgetSpec &budget : definition.rateLimit.budgets)
        optional.unite(connectionFieldsIn(budget.key));
    for (const RemainingWindow &window : definition.rateLimit.windows)
        optional.unite(connectionFieldsIn(window.key));
    optional.unite(connectionFieldsIn(definition.webhooks.accountKey));
    for (auto it = auth.capture.begin(); it != auth.capture.end(); ++it) {
        required.remove(it.key());
        optional.remove(it.key());
    }
    optional.subtract(required);

    ConnectionFields fields;
    fields.requiredConfig = sorted(required);
    fields.optionalConfig = sorted(optional);
    static const QRegularExpression onlyField(QStringLiteral(R"(^\{\{\s*\$connection\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$)"));
    static const QRegularExpression onlyKey(QStringLiteral(R"(^\{\{\s*\$credential\.api_key\s*\}\}$)"));
    const auto user = onlyField.match(auth.basicUsername);
    if (auth.type == QLatin1String("basic") && user.hasMatch() && onlyKey.match(auth.basicPassword).hasMatch())
        fields.usernameConfig = user.captured(1);
    fields.webhookSecret = definition.webhooks.enabled;
    return fields;
}

Result<Connection> createConnection(Store &store, const CredentialVault &vault, const ProviderCatalog &providers,
                                    const IntegrationCatalog &integrations,
                                    const QMap<QString, ProviderSettings> &settings, const NewConnection &request)
{
    const ProviderDefinition *definition = providers.find(request.provider);
    if (!definition)
        return makeError("connection.unknown_provider",
                          QStringLiteral("There is no provider '%1'.").arg(request.provider));
    if (definition->auth.type == QLatin1String("oauth2"))
        return makeError("connection.needs_browser",
                          QStringLiteral("%1 connections are authorised by the customer in a browser: open a connect "
                                         "session (POST /api/v1/tenants/{tenant}/connect-sessions) instead.")
                              .arg(definition->displayName));
    if (!request.integration.isEmpty()) {
        const IntegrationDefinition *found = integrations.find(request.integration);
        if (!found || found->provider != request.provider)
            return makeError("connection.unknown_integration", QStringLiteral("There is no integration '%1' for %2.")
                                                                    .arg(request.integration, request.provider));
    }
    const ConnectionFields fields = ConnectionFields::of(*definition);

    // Every given value must be a non-empty string.
    const auto text = [](const QJsonObject &object, const QString &where, const QString &key) -> Result<QString> {
        const QJsonValue value = object.value(key);
        if (!value.isString() || value.toString().isEmpty())
            return makeError("connection.bad_value", QStringLiteral("%1.%2 must be a non-empty string.").arg(where, key));
        return value.toString();
    };

    QJsonObject config;
    for (auto it = request.config.begin(); it != request.config.end(); ++it) {
        if (!fields.requiredConfig.contains(it.key()) && !fields.optionalConfig.contains(it.key())) {
            const QStringList known = fields.requiredConfig + fields.optionalConfig;
            return makeError("connection.unknown_field",
                              QStringLiteral("config.%1 is not a setting of %2 connections (they have: %3).")
                                  .arg(it.key(), definition->displayName,
                                       known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
        }
        auto value = text(request.config, QStringLiteral("config"), it.key());
        if (!value)
            return value.error();
        config.insert(it.key(), value.value());
    }

    Credential credential;
    QStringList accepted = {QStringLiteral("apiKey")};
    const bool userAndPassword = request.credential.contains(QStringLiteral("username"))
                                 || request.credential.contains(QStringLiteral("password"));
    if (!fields.usernameConfig.isEmpty())
        accepted << QStringLiteral("username") << QStringLiteral("password");
    if (fields.webhookSecret)
        accepted << QStringLiteral("webhookSecret");
    for (auto it = request.credential.begin(); it != request.credential.end(); ++it) {
        if (!accepted.contains(it.key()))
            return makeError("connection.unknown_field",
                              QStringLiteral("credential.%1 is not part of a %2 credential (it has: %3).")
                                  .arg(it.key(), definition->displayName, accepted.join(QStringLiteral(", "))));
        auto value = text(request.credential, QStringLiteral("credential"), it.key());
        if (!value)
            return value.error();
    }
    if (userAndPassword) {
        if (request.credential.contains(QStringLiteral("apiKey")))
            return makeError("connection.unknown_field",
                              QStringLiteral("Give credential.apiKey or credential.username and password, not both."));
        for (const char *key : {"username", "password"}) {
            if (!request.credential.contains(QLatin1String(key)))
                return makeError("connection.missing_field",
                                  QStringLiteral("credential.%1 is missing.").arg(QLatin1String(key)));
        }
        if (config.contains(fields.usernameConfig))
            return makeError("connection.unknown_field",
                              QStringLiteral("Give config.%1 or credential.username, not both.").arg(fields.usernameConfig));
        config.insert(fields.usernameConfig, request.credential.value(QStringLiteral("username")).toString());
        credential.apiKey = SecretBytes(request.credential.value(QStringLiteral("password")).toString().toUtf8());
    } else if (request.credential.contains(QStringLiteral("apiKey"))) {
        credential.apiKey = SecretBytes(request.credential.value(QStringLiteral("apiKey")).toString().toUtf8());
    } else {
        return makeError("connection.missing_field",
                          QStringLiteral("credential.apiKey is missing: %1 connections need one.").arg(definition->displayName));
    }
    if (request.credential.contains(QStringLiteral("webhookSecret")))
        credential.webhookSecret =
            SecretBytes(request.credential.value(QStringLiteral("webhookSecret")).toString().toUtf8());
    for (const QString &field : fields.requiredConfig) {
        if (!config.contains(field))
            return makeError("connection.missing_field",
                              QStringLiteral("config.%1 is missing: %2 connections need it.").arg(field, definition->displayName));
    }
    const QJsonObject overrides = settings.value(request.provider).originOverrides;
    if (!overrides.isEmpty())
        config.insert(QStringLiteral("originOverrides"), overrides);

    Connection connection;
    connection.tenantId = request.tenantId;
    connection.provider = request.provider;
    connection.integration = request.integration;
    connection.displayName = request.displayName.isEmpty() ? definition->displayName : request.displayName;
    connection.config = config;
    const Result<void> stored = store.inTransaction([&]() -> Result<void> {
        auto created = store.tenants().createConnection(connection);
        if (!created)
            return created.error();
        connection.id = created.value();
        auto sealed = vault.seal(connection.id, credential);
        if (!sealed)
            return sealed.error();
        return store.credentials().saveCredential(connection.id, {connection.id, sealed.value(), {}, {}, {}});
    });
    if (!stored)
        return stored.error();
    return store.tenants().connection(connection.id);
}

} // namespace patchbay

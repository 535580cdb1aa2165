#include "DryrunCommand.h"

#include "auth/CredentialVault.h"
#include "catalog/DefinitionLoader.h"
#include "catalog/IntegrationLoader.h"
#include "core/Clock.h"
#include "core/Timestamps.h"
#include "store/SqliteDatabase.h"
#include "store/SqliteStore.h"
#include "sync/SyncService.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

using namespace patchbay;

namespace {

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int usage(const QString &problem)
{
    err() << "patchbay dryrun: " << problem << "\n"
          << "Usage: patchbay dryrun --provider FILE|NAME --object NAME [--base-url URL] [--credentials FILE] [--schema]\n"
             "                       [--since DATE] [--limit N] [--integration FILE --name INTEGRATION]\n"
             "  --credentials FILE  JSON: access_token, refresh_token, client_id, client_secret, api_key,\n"
             "                      expires_at (ISO 8601), connection (the connection config: instance_url, ...)\n"
             "  --base-url URL      send everything for the definition's base URL origin there (a sandbox)\n";
    err().flush();
    return 2;
}

std::optional<ProviderDefinition> loadDefinition(const QString &provider)
{
    if (QFileInfo::exists(provider)) {
        const DefinitionLoadResult loaded = DefinitionLoader::loadFile(provider);
        for (const DefinitionError &error : loaded.errors)
            err() << error.toString() << '\n';
        return loaded.definition;
    }
    auto builtIn = ProviderCatalog::builtIn().get(provider);
    if (!builtIn) {
        err() << builtIn.error().message << '\n';
        return std::nullopt;
    }
    return builtIn.value();
}

QString originOf(const QString &url)
{
    const QUrl parsed(url);
    return parsed.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

} // namespace

int runDryrunCommand(const QStringList &args)
{
    QCommandLineParser parser;
    const QCommandLineOption provider(QStringLiteral("provider"), QString(), QStringLiteral("file"));
    const QCommandLineOption object(QStringLiteral("object"), QString(), QStringLiteral("name"));
    const QCommandLineOption baseUrl(QStringLiteral("base-url"), QString(), QStringLiteral("url"));
    const QCommandLineOption credentials(QStringLiteral("credentials"), QString(), QStringLiteral("file"));
    const QCommandLineOption since(QStringLiteral("since"), QString(), QStringLiteral("date"));
    const QCommandLineOption limit(QStringLiteral("limit"), QString(), QStringLiteral("n"));
    const QCommandLineOption integration(QStringLiteral("integration"), QString(), QStringLiteral("file"));
    const QCommandLineOption integrationName(QStringLiteral("name"), QString(), QStringLiteral("integration"));
    const QCommandLineOption schema(QStringLiteral("schema"));
    parser.addOptions({provider, object, baseUrl, credentials, since, limit, integration, integrationName, schema});
    if (!parser.parse(QStringList{QStringLiteral("patchbay")} + args))
        return usage(parser.errorText());
    if (!parser.isSet(provider) || !parser.isSet(object))
        return usage(QStringLiteral("--provider and --object are required"));

    const auto definition = loadDefinition(parser.value(provider));
    if (!definition)
        return 2;
    if (!definition->objects.contains(parser.value(object))) {
        return usage(QStringLiteral("%1 has no object '%2'; it has: %3")
                         .arg(definition->displayName, parser.value(object),
                              definition->objects.keys().join(QStringLiteral(", "))));
    }

    QJsonObject given;
    if (parser.isSet(credentials)) {
        QFile file(parser.value(credentials));
        if (!file.open(QIODevice::ReadOnly))
            return usage(QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
        QJsonParseError parseError;
        given = QJsonDocument::fromJson(file.readAll(), &parseError).object();
        if (parseError.error != QJsonParseError::NoError)
            return usage(QStringLiteral("%1 is not JSON: %2").arg(file.fileName(), parseError.errorString()));
    }
    qint64 sinceMs = 0;
    if (parser.isSet(since)) {
        const auto parsed = parseTimestampMs(parser.value(since));
        if (!parsed)
            return usage(QStringLiteral("--since wants a date such as 2026-01-01 or 2026-01-01T00:00:00Z"));
        sinceMs = *parsed;
    }
    bool limitOk = true;
    const qint64 recordLimit = parser.isSet(limit) ? parser.value(limit).toLongLong(&limitOk) : 0;
    if (!limitOk || recordLimit < 0)
        return usage(QStringLiteral("--limit wants a positive number"));

    QTemporaryDir dir;
    const QString database = dir.filePath(QStringLiteral("dryrun.db"));
    const SecretBytes key = CredentialVault::generateKey();
    auto store = SqliteStore::open(database);
    if (!store) {
        err() << store.error().message << '\n';
        return 1;
    }
    Connection connection;
    connection.tenantId = store.value()->createTenant(QStringLiteral("dryrun"), QStringLiteral("Dry run")).value();
    connection.provider = definition->name;
    connection.displayName = QStringLiteral("dry run");
    connection.config = given.value(QStringLiteral("connection")).toObject();
    if (parser.isSet(baseUrl)) {
        QJsonObject overrides = connection.config.value(QStringLiteral("originOverrides")).toObject();
        for (const QString &url : {definition->baseUrl, definition->auth.tokenUrl}) {
            if (!url.isEmpty() && !url.startsWith(QLatin1String("{{")))
                overrides.insert(originOf(url), parser.value(baseUrl));
        }
        connection.config.insert(QStringLiteral("originOverrides"), overrides);
    }
    if (parser.isSet(integration)) {
        if (!parser.isSet(integrationName))
            return usage(QStringLiteral("--integration needs --name, the integration to use from the file"));
        connection.integration = parser.value(integrationName);
    }
    const qint64 connectionId = store.value()->createConnection(connection).value();

    Credential credential;
    credential.accessToken = SecretBytes(given.value(QStringLiteral("access_token")).toString().toUtf8());
    credential.refreshToken = SecretBytes(given.value(QStringLiteral("refresh_token")).toString().toUtf8());
    credential.clientId = given.value(QStringLiteral("client_id")).toString();
    credential.clientSecret = SecretBytes(given.value(QStringLiteral("client_secret")).toString().toUtf8());
    credential.apiKey = SecretBytes(given.value(QStringLiteral("api_key")).toString().toUtf8());
    if (const auto expires = parseTimestampMs(given.value(QStringLiteral("expires_at")).toString()))
        credential.expiresAt = QDateTime::fromMSecsSinceEpoch(*expires, Qt::UTC);
    const QByteArray sealed = CredentialVault(key).seal(connectionId, credential).value();
    if (auto saved = store.value()->saveCredential(connectionId, {connectionId, sealed, credential.expiresAt, {}, {}});
        !saved) {
        err() << saved.error().message << '\n';
        return 1;
    }

    SyncService sync(database, key, ProviderCatalog::builtIn(), SystemClock::instance());
    sync.addDefinition(*definition);
    if (parser.isSet(integration)) {
        IntegrationCatalog integrations;
        QList<DefinitionError> errors;
        ProviderCatalog providers = sync.catalog();
        integrations.addFile(parser.value(integration), providers, &errors);
        for (const DefinitionError &error : std::as_const(errors))
            err() << error.toString() << '\n';
        if (!errors.isEmpty())
            return 2;
        sync.setIntegrations(integrations);
    }
    const auto printEvent = [](const Event &event) {
        err() << event.time.toString(QStringLiteral("HH:mm:ss.zzz")) << ' ' << event.level << ": " << event.message
              << '\n';
        err().flush();
    };
    if (parser.isSet(schema)) {
        // The object's fields as the provider lists them, one JSON object a line, custom ones marked.
        const auto execution = sync.discoverSchema(connectionId, parser.value(object), printEvent);
        if (!execution || execution->status != ExecutionStatus::Succeeded) {
            err() << "schema discovery failed: " << (execution ? execution->errorMessage : execution.error().message)
                  << '\n';
            return 1;
        }
        QTextStream out(stdout);
        const auto fields = store.value()->schema(connectionId, parser.value(object));
        for (const SchemaField &field : fields.value()) {
            out << QJsonDocument(QJsonObject{{QStringLiteral("name"), field.name},
                                             {QStringLiteral("label"), field.label},
                                             {QStringLiteral("type"), field.type},
                                             {QStringLiteral("custom"), field.custom}})
                       .toJson(QJsonDocument::Compact)
                << '\n';
        }
        out.flush();
        err() << fields->size() << " fields\n";
        return 0;
    }
    const auto execution = sync.read(connectionId, parser.value(object), printEvent, {sinceMs, recordLimit});

    QTextStream out(stdout);
    auto rows = store.value()->database().prepare(
        QStringLiteral("SELECT data FROM records WHERE connection_id = ?1 AND object = ?2 ORDER BY stored_at, record_id"));
    rows.bind(1, connectionId).bind(2, parser.value(object));
    qint64 printed = 0;
    while (rows.next() && (recordLimit == 0 || printed < recordLimit)) {
        out << rows.text(0) << '\n';
        ++printed;
    }
    out.flush();
    if (!execution) {
        err() << execution.error().message << '\n';
        return 1;
    }
    if (execution->status != ExecutionStatus::Succeeded) {
        err() << "read failed: " << execution->errorMessage << '\n';
        return 1;
    }
    err() << printed << " records\n";
    return 0;
}

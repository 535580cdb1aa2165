#include "DryrunCommand.h"

#include "CliStreams.h"
#include "CredentialsFile.h"
#include "auth/CredentialVault.h"
#include "catalog/DefinitionLoader.h"
#include "catalog/IntegrationLoader.h"
#include "catalog/OriginOverrides.h"
#include "catalog/TemplateText.h"
#include "core/BoundedFile.h"
#include "core/Clock.h"
#include "core/Timestamps.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>

using namespace patchbay;

namespace {

QString usageText()
{
    return QStringLiteral(
               "Usage: patchbay dryrun --provider FILE|NAME --object NAME [--base-url URL] [--credentials FILE] "
               "[--schema]\n"
               "                       [--since DATE] [--limit N] [--integration FILE --name INTEGRATION]\n"
               "\n"
               "Runs one read of an object without a database: records on standard output as JSON lines, events\n"
               "on standard error.\n"
               "\n"
               "  --provider FILE|NAME  a provider definition file, or the name of a built-in one\n"
               "  --object NAME         the object to read\n"
               "  --credentials FILE    a JSON object (at most %1): %2\n"
               "  --base-url URL        send the definition's requests there instead (a sandbox): its scheme, host\n"
               "                        and port replace the provider's, also for templated base URLs; a path in\n"
               "                        URL is put before the definition's own path (a URL that already ends with\n"
               "                        that path is taken as the whole base URL)\n"
               "  --schema              list the object's fields instead (custom ones marked)\n"
               "  --since DATE          read only what changed since DATE (2026-01-01 or 2026-01-01T00:00:00Z)\n"
               "  --limit N             stop after N records\n"
               "  --integration FILE --name INTEGRATION\n"
               "                        map the records with that integration's mapping\n"
               "\n"
               "Example: patchbay dryrun --provider zendesk --object tickets --credentials creds.json \\\n"
               "           --base-url http://127.0.0.1:8790/_subdomain/acme1\n")
        .arg(describeByteCount(CredentialsFile::kMaxBytes),
             CredentialsFile::fieldHelp().replace(QLatin1Char('\n'), QStringLiteral("\n                        ")));
}

int usage(const QString &problem)
{
    if (problem.isEmpty()) {
        QTextStream out(stdout);
        out << usageText();
        return 0;
    }
    err() << "patchbay dryrun: " << problem << "\n\n" << usageText();
    err().flush();
    return 2;
}

int fail(const QString &problem)
{
    err() << "patchbay dryrun: " << problem << '\n';
    err().flush();
    return 2;
}

// The override for every origin of the definition: the --base-url's origin, and its path when it adds one. A
// --base-url that already ends with the definition's own path (…/api/v2) names the whole base URL, so that
// path is not added twice.
Result<QString> overrideTarget(const QString &given, const ProviderDefinition &definition, const QJsonObject &config)
{
    const QUrl url(given, QUrl::StrictMode);
    if (!url.isValid() || !(url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")) ||
        url.host().isEmpty() || url.hasQuery() || url.hasFragment()) {
        return makeError("cli.base_url",
                         QStringLiteral("--base-url wants an http(s) URL without a query, such as "
                                        "http://127.0.0.1:8787 or http://127.0.0.1:8790/_subdomain/acme"));
    }
    QString prefix = url.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    jsonata::Bindings bindings;
    bindings.set("connection", jsonata::Value::fromQJsonValue(config));
    auto basePath = TemplateText::render(OriginOverrides::pathOf(definition.baseUrl), bindings);
    if (basePath) {
        QString path = basePath.value();
        while (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        if (!path.isEmpty() && prefix.endsWith(path))
            prefix.chop(path.size());
    }
    return url.adjusted(QUrl::RemovePath).toString() + prefix;
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
    const QCommandLineOption help(QStringList{QStringLiteral("h"), QStringLiteral("help")});
    parser.addOptions(
        {provider, object, baseUrl, credentials, since, limit, integration, integrationName, schema, help});
    if (!parser.parse(QStringList{QStringLiteral("patchbay")} + args))
        return usage(parser.errorText());
    if (parser.isSet(help))
        return usage({});
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

    CredentialsFile given;
    if (parser.isSet(credentials)) {
        auto read = CredentialsFile::read(parser.value(credentials));
        if (!read)
            return fail(read.error().message);
        given = std::move(read).value();
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
    auto store = SqliteStore::open(database, SystemClock::instance());
    if (!store) {
        err() << store.error().message << '\n';
        return 1;
    }
    Connection connection;
    connection.tenantId =
        store.value()->tenants().createTenant(QStringLiteral("dryrun"), QStringLiteral("Dry run")).value();
    connection.provider = definition->name;
    connection.displayName = QStringLiteral("dry run");
    connection.config = given.connection;
    if (parser.isSet(baseUrl)) {
        const auto target = overrideTarget(parser.value(baseUrl), *definition, connection.config);
        if (!target)
            return usage(target.error().message);
        // Keys may be templates ("https://{{$connection.subdomain}}.zendesk.com"), rendered when a request is
        // sent, so an origin learnt at run time (an instance URL from the token response) is sent there too.
        for (const QString &url : {definition->baseUrl, definition->auth.tokenUrl, definition->auth.authorizeUrl}) {
            if (const QString origin = OriginOverrides::originOf(url); !origin.isEmpty())
                connection.config = OriginOverrides::withOverride(connection.config, origin, target.value());
        }
    }
    if (parser.isSet(integration)) {
        if (!parser.isSet(integrationName))
            return usage(QStringLiteral("--integration needs --name, the integration to use from the file"));
        connection.integration = parser.value(integrationName);
    }
    const qint64 connectionId = store.value()->tenants().createConnection(connection).value();

    const Credential &credential = given.credential;
    const QByteArray sealed = CredentialVault(key).seal(connectionId, credential).value();
    if (auto saved = store.value()->credentials().saveCredential(connectionId,
                                                                 {connectionId, sealed, credential.expiresAt, {}, {}});
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
    // A refresh during the run spent the file's refresh token; a rotating provider has revoked it, so the new
    // one must reach the file or the next run fails (and some servers then revoke the whole grant).
    const auto keepRefreshedTokens = [&] {
        if (!parser.isSet(credentials))
            return;
        auto stored = store.value()->credentials().credential(connectionId);
        if (!stored || stored->sealed == sealed)
            return;
        auto current = CredentialVault(key).open(connectionId, stored->sealed);
        if (!current)
            return;
        const QString path = parser.value(credentials);
        const bool rotated = !(current->refreshToken == credential.refreshToken) && !current->refreshToken.isEmpty();
        Event event;
        event.time = SystemClock::instance().now();
        if (auto written = CredentialsFile::writeTokens(path, current.value()); !written) {
            event.level = EventLevel::Error;
            event.message = written.error().message;
        } else {
            event.level = EventLevel::Info;
            event.message = rotated ? QStringLiteral("The provider rotated the refresh token; wrote the new "
                                                     "refresh and access tokens to %1")
                                          .arg(path)
                                    : QStringLiteral("Wrote the refreshed access token to %1").arg(path);
        }
        printEvent(event);
    };
    if (parser.isSet(schema)) {
        // The object's fields as the provider lists them, one JSON object a line, custom ones marked.
        const auto execution = sync.discoverSchema(connectionId, parser.value(object), printEvent);
        keepRefreshedTokens();
        if (!execution || execution->status != ExecutionStatus::Succeeded) {
            err() << "schema discovery failed: " << (execution ? execution->errorMessage : execution.error().message)
                  << '\n';
            return 1;
        }
        QTextStream out(stdout);
        const auto fields = store.value()->schemas().schema(connectionId, parser.value(object));
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
    const auto execution = sync.read(connectionId, parser.value(object), printEvent, {sinceMs, recordLimit, {}});
    keepRefreshedTokens();

    QTextStream out(stdout);
    const auto records = store.value()->records().storedRecords(connectionId, parser.value(object), 0, recordLimit);
    if (!records)
        err() << records.error().message << '\n';
    const QList<StoredRecord> printed = records.ok() ? records.value() : QList<StoredRecord>();
    for (const StoredRecord &record : printed)
        out << QString::fromUtf8(record.data) << '\n';
    out.flush();
    if (!execution) {
        err() << execution.error().message << '\n';
        return 1;
    }
    if (execution->status != ExecutionStatus::Succeeded) {
        err() << "read failed: " << execution->errorMessage << '\n';
        return 1;
    }
    err() << printed.size() << " records\n";
    return 0;
}

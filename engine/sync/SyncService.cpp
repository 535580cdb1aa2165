#include "SyncService.h"

#include "ConnectionQueue.h"
#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "ExecutionLeaseKeeper.h"
#include "ReadExecution.h"
#include "SchemaDiscovery.h"
#include "auth/GrantConcerns.h"
#include "auth/TokenRefresher.h"
#include "catalog/OriginOverrides.h"
#include "catalog/TemplateText.h"
#include "core/Clock.h"
#include "http/RequestRunner.h"
#include "mapping/MappingService.h"
#include "mapping/RecordMapper.h"
#include "store/sqlite/SqliteStore.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QUrlQuery>

Q_DECLARE_LOGGING_CATEGORY(lcSync)

namespace patchbay {

namespace {

// scheme://host:port with the default port filled in, for comparing origins.
QString originKey(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    const int port = url.port(scheme == QLatin1String("https") ? 443 : scheme == QLatin1String("http") ? 80 : -1);
    return QStringLiteral("%1://%2:%3").arg(scheme, url.host().toLower()).arg(port);
}

// RFC 9207: a callback's iss names the server that issued the code; a code from another server (a mix-up attack)
// is refused before it is sent anywhere. A declared issuer is compared as a string (RFC 9207 2.4); without one, the
// server is known only by its authorize URL, so iss must name that URL's origin. A sandbox's origin override
// applies to both, so an emulator may name itself.
Result<void> checkCallbackIssuer(const QString &received, const ProviderDefinition &definition,
                                 const ConnectionSession &session)
{
    const AuthSpec &auth = definition.auth;
    const auto refuse = [&](const QString &expected) {
        return makeError("auth.wrong_issuer",
                         QStringLiteral("The authorisation came back from '%1', not from %2's authorization server "
                                        "(%3); the code was not used. Start the authorisation again.")
                             .arg(received.left(200), definition.displayName, expected));
    };
    if (!auth.issuer.isEmpty()) {
        const QString resolved = session.resolve(auth.issuer).toString(QUrl::StripTrailingSlash);
        if (received != auth.issuer && received != resolved)
            return refuse(auth.issuer);
        return {};
    }
    auto authorize = TemplateText::renderUrl(auth.authorizeUrl, session.bindings());
    if (!authorize)
        return authorize.error();
    const QUrl issuer(received, QUrl::StrictMode);
    const QString given = originKey(issuer);
    if (!issuer.isValid() || issuer.host().isEmpty() ||
        (given != originKey(QUrl(authorize.value())) && given != originKey(session.resolve(authorize.value()))))
        return refuse(OriginOverrides::originOf(authorize.value()));
    return {};
}

} // namespace

SyncService::SyncService(QString databasePath, SecretBytes masterKey, ProviderCatalog catalog, Clock &clock,
                         HttpClient::NetworkFactory networkFactory)
    : m_databasePath(std::move(databasePath)), m_vault(std::move(masterKey)), m_catalog(std::move(catalog)),
      m_integrations(IntegrationCatalog::builtIn(m_catalog)), m_clock(clock),
      m_networkFactory(std::move(networkFactory)),
      m_leases(std::make_unique<ExecutionLeaseKeeper>(m_databasePath, clock))
{}

SyncService::~SyncService() = default;

ExecutionLease SyncService::executionLease()
{
    return m_leases->newLease();
}

Result<QList<qint64>> SyncService::interruptAbandonedExecutions()
{
    auto store = SqliteStore::open(m_databasePath, m_clock);
    if (!store)
        return store.error();
    return store.value()->executions().interruptAbandonedExecutions(m_clock.now());
}

Result<std::optional<CompiledMapping>> SyncService::readMapping(Store &store, const Connection &connection,
                                                                const QString &object) const
{
    return mapping(store, connection, object, MappingDirection::Read);
}

Result<std::optional<CompiledMapping>> SyncService::mapping(Store &store, const Connection &connection,
                                                            const QString &object, const QString &direction) const
{
    if (connection.integration.isEmpty())
        return std::optional<CompiledMapping>();
    MappingService mappings(store, m_integrations);
    auto effective = mappings.effective(connection.id, object, direction);
    if (!effective) {
        // An object the integration does not map is stored (or written) as it comes.
        if (effective.error().code == QLatin1String("mapping.unknown_object"))
            return std::optional<CompiledMapping>();
        return effective.error();
    }
    auto compiled = CompiledMapping::compile(effective->tree);
    if (!compiled)
        return compiled.error();
    return std::optional<CompiledMapping>(std::move(compiled).value());
}

template <typename Body>
Result<Execution> SyncService::runExecution(qint64 connectionId, const QString &kind, const QString &object,
                                            const EventListener &listener, Body body)
{
    auto store = SqliteStore::open(m_databasePath, m_clock);
    if (!store)
        return store.error();
    auto connection = store.value()->tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    auto definition = m_catalog.get(connection->provider);
    // Name what is read on the execution row (all objects when none is given), so the list says it.
    QString objectLabel = object;
    if (object.isEmpty() && definition && kind == QLatin1String("read")) {
        QStringList readable;
        for (const ObjectSpec &spec : definition->objects) {
            if (spec.readable)
                readable.append(spec.name);
        }
        objectLabel = readable.join(QStringLiteral(", "));
    }
    // A run of this connection left running by a killed process is closed first; this one goes on from its cursor.
    if (auto swept = store.value()->executions().interruptAbandonedExecutions(m_clock.now()); !swept)
        qCWarning(lcSync) << "cannot close abandoned executions:" << swept.error().toString();
    auto executionId = store.value()->executions().startExecution(connectionId, kind, objectLabel, executionLease());
    if (!executionId)
        return executionId.error();
    ExecutionJournal journal(store.value()->executions(), executionId.value(), listener);
    const ConnectionQueue::Turn turn = ConnectionQueue::take(connectionId, [&] {
        journal.recordEvent(EventLevel::Info, QStringLiteral("Waiting for the connection's running execution to "
                                                             "finish (executions of one connection run in order)"));
    });
    if (!definition)
        return journal.fail(definition.error());

    // What the execution ahead changed (a captured instance URL, a revoked grant) counts.
    connection = store.value()->tenants().connection(connectionId);
    if (!connection)
        return journal.fail(connection.error());
    HttpClient http(m_networkFactory);
    RequestRunner runner(http, m_clock, definition->rateLimit, journal);
    ConnectionSession session(*store.value(), m_vault, definition.value(), connection.value(), runner, journal,
                              m_clock);
    if (connection->status == ConnectionStatus::NeedsReauth && kind != QLatin1String("refresh") && kind != QLatin1String("authorize")) {
        return journal.fail(makeError("auth.needs_reauth",
                                      QStringLiteral("The connection needs re-authorisation: %1")
                                          .arg(connection->statusMessage)));
    }
    Result<QString> outcome = body(*store.value(), definition.value(), session, runner, journal);
    if (!outcome)
        return journal.fail(outcome.error());
    return journal.succeed(outcome.value());
}

Result<Execution> SyncService::read(qint64 connectionId, const QString &object, EventListener listener,
                                    ReadOptions options)
{
    return runExecution(connectionId, QStringLiteral("read"), object, listener,
                        [&](Store &store, const ProviderDefinition &definition, ConnectionSession &session,
                            RequestRunner &runner, ExecutionJournal &journal) -> Result<QString> {
                            QStringList objects{object};
                            if (object.isEmpty()) {
                                objects.clear();
                                for (const ObjectSpec &spec : definition.objects) {
                                    if (spec.readable)
                                        objects.append(spec.name);
                                }
                            }
                            for (const QString &name : objects) {
                                auto spec = definition.objects.constFind(name);
                                if (spec == definition.objects.constEnd()) {
                                    return makeError("sync.unknown_object",
                                                     QStringLiteral("%1 has no object '%2'; it has: %3")
                                                         .arg(definition.displayName, name,
                                                              definition.objects.keys().join(QStringLiteral(", "))));
                                }
                                if (!spec->readable) {
                                    return makeError("sync.not_readable",
                                                     QStringLiteral("%1 '%2' is only written; the definition has no "
                                                                    "list request for it")
                                                         .arg(definition.displayName, name));
                                }
                                auto mapping = readMapping(store, session.connection(), name);
                                if (!mapping)
                                    return mapping.error();
                                ReadExecution read(store, definition, spec.value(), session, runner, journal,
                                                   mapping->has_value() ? &mapping->value() : nullptr);
                                read.setBackfillSinceMs(options.backfillSinceMs);
                                read.setRecordLimit(options.recordLimit);
                                if (auto result = read.run(); !result)
                                    return result.error();
                            }
                            return QStringLiteral("Read finished: %1 records").arg(journal.counts().records);
                        });
}

Result<Execution> SyncService::remapFailedRecords(qint64 connectionId, const QString &object, EventListener listener)
{
    return runExecution(
        connectionId, QStringLiteral("replay"), object, listener,
        [&](Store &store, const ProviderDefinition &, ConnectionSession &session, RequestRunner &,
            ExecutionJournal &journal) -> Result<QString> {
            auto failed = store.records().failedRecords(connectionId, object);
            if (!failed)
                return failed.error();
            journal.recordEvent(EventLevel::Info,
                                QStringLiteral("Re-mapping %1 failed records with the current mapping").arg(failed->size()));
            QMap<QString, QList<FailedRecord>> byObject;
            for (const FailedRecord &record : failed.value())
                byObject[record.object].append(record);
            for (auto it = byObject.begin(); it != byObject.end(); ++it) {
                auto mapping = readMapping(store, session.connection(), it.key());
                if (!mapping)
                    return mapping.error();
                QList<StoredRecord> mapped;
                QList<FailedRecord> stillFailing;
                const RecordMapper mapper(mapping->has_value() ? &mapping->value() : nullptr, it.key());
                for (const FailedRecord &record : it.value())
                    mapper.map(record.recordId, record.updatedAt, record.raw, mapped, stillFailing);
                if (auto committed = store.records().commitPage(connectionId, it.key(), journal.executionId(), mapped,
                                                                std::nullopt, stillFailing);
                    !committed)
                    return committed.error();
                journal.counts().records += mapped.size();
                journal.counts().failedRecords += stillFailing.size();
                journal.recordEvent(stillFailing.isEmpty() ? EventLevel::Info : EventLevel::Warning,
                                    QStringLiteral("%1: %2 records mapped and delivered, %3 still fail")
                                        .arg(it.key())
                                        .arg(mapped.size())
                                        .arg(stillFailing.size()));
            }
            return QStringLiteral("Re-map finished: %1 delivered, %2 still failing")
                .arg(journal.counts().records)
                .arg(journal.counts().failedRecords);
        });
}

Result<Execution> SyncService::refreshToken(qint64 connectionId, EventListener listener)
{
    return runExecution(connectionId, QStringLiteral("refresh"), QString(), listener,
                        [&](Store &, const ProviderDefinition &definition, ConnectionSession &session, RequestRunner &,
                            ExecutionJournal &) -> Result<QString> {
                            if (definition.auth.type != QLatin1String("oauth2")) {
                                return makeError("auth.not_refreshable",
                                                 QStringLiteral("%1 connections use %2 credentials, which have no "
                                                                "token to refresh.")
                                                     .arg(definition.displayName, definition.auth.type));
                            }
                            auto credential = session.credential(true);
                            if (!credential)
                                return credential.error();
                            return QStringLiteral("Token refresh finished");
                        });
}

Result<Execution> SyncService::write(qint64 connectionId, const QString &object, const QList<WriteInput> &records,
                                     EventListener listener)
{
    auto execution = writeExecution(connectionId, object, records, std::move(listener));
    if (execution && execution->status == ExecutionStatus::Failed && !records.isEmpty()) {
        // Failed before any record was tried (the connection needs re-authorisation, an unknown object): the
        // records are kept as failed items all the same, to be written again later.
        auto store = SqliteStore::open(m_databasePath, m_clock);
        const auto existing =
            store ? store.value()->writes().writeItems(execution->id) : Result<QList<WriteItem>>(store.error());
        if (existing && existing->isEmpty()) {
            QList<WriteItem> kept;
            QSet<QString> keys;
            for (const WriteInput &record : records) {
                if (record.key.isEmpty() || keys.contains(record.key))
                    continue;
                keys.insert(record.key);
                WriteItem item;
                item.executionId = execution->id;
                item.object = object;
                item.key = record.key;
                item.providerId =
                    record.providerId.isEmpty()
                        ? store.value()->writes().linkedProviderId(connectionId, object, record.key).value_or(QString())
                        : record.providerId;
                item.operation = item.providerId.isEmpty() ? QStringLiteral("create") : QStringLiteral("update");
                item.status = QStringLiteral("failed");
                item.errorCode = execution->errorCode;
                item.errorMessage = QStringLiteral("Not written: %1").arg(execution->errorMessage);
                item.payload = QJsonDocument(record.record).toJson(QJsonDocument::Compact);
                kept.append(item);
            }
            (void)store.value()->writes().addWriteItems(connectionId, kept);
        }
    }
    return execution;
}

Result<Execution> SyncService::writeExecution(qint64 connectionId, const QString &object,
                                              const QList<WriteInput> &records, EventListener listener)
{
    return runExecution(
        connectionId, QStringLiteral("write"), object, listener,
        [&](Store &store, const ProviderDefinition &definition, ConnectionSession &session, RequestRunner &,
            ExecutionJournal &journal) -> Result<QString> {
            auto spec = definition.objects.constFind(object);
            if (spec == definition.objects.constEnd() || !spec->write.any()) {
                QStringList writable;
                for (const ObjectSpec &candidate : definition.objects) {
                    if (candidate.write.any())
                        writable.append(candidate.name);
                }
                return makeError("sync.unknown_object",
                                 QStringLiteral("%1 cannot write '%2'; it writes: %3")
                                     .arg(definition.displayName, object,
                                          writable.isEmpty() ? QStringLiteral("nothing") : writable.join(QStringLiteral(", "))));
            }
            auto reverse = mapping(store, session.connection(), object, MappingDirection::Write);
            if (!reverse)
                return reverse.error();
            WriteExecution execution(store.writes(), definition, spec.value(), session, journal,
                                     reverse->has_value() ? &reverse->value() : nullptr);
            if (auto result = execution.run(records); !result)
                return result.error();
            return QStringLiteral("Write finished: %1 written, %2 failed")
                .arg(execution.succeeded())
                .arg(execution.failed());
        });
}

Result<Execution> SyncService::retryFailedWrites(qint64 connectionId, const QString &object, EventListener listener)
{
    QList<WriteItem> failed;
    {
        auto store = SqliteStore::open(m_databasePath, m_clock);
        if (!store)
            return store.error();
        auto items = store.value()->writes().failedWriteItems(connectionId, object);
        if (!items)
            return items.error();
        failed = std::move(items).value();
    }
    QMap<QString, QList<WriteInput>> byObject;
    for (const WriteItem &item : failed) {
        byObject[item.object].append(
            WriteInput{item.key, QJsonDocument::fromJson(item.payload).object(),
                       item.operation == QLatin1String("update") ? item.providerId : QString()});
    }
    if (byObject.isEmpty()) {
        return makeError("write.nothing_to_retry",
                         QStringLiteral("No failed writes to retry for connection %1").arg(connectionId));
    }
    Result<Execution> last = makeError("write.nothing_to_retry", QString());
    for (auto it = byObject.begin(); it != byObject.end(); ++it)
        last = write(connectionId, it.key(), it.value(), listener);
    return last;
}

Result<Execution> SyncService::discoverSchema(qint64 connectionId, const QString &object, EventListener listener)
{
    return runExecution(
        connectionId, QStringLiteral("schema"), object, listener,
        [&](Store &store, const ProviderDefinition &definition, ConnectionSession &session, RequestRunner &,
            ExecutionJournal &journal) -> Result<QString> {
            QStringList objects;
            for (const ObjectSpec &spec : definition.objects) {
                if (spec.schema && (object.isEmpty() || spec.name == object))
                    objects.append(spec.name);
            }
            if (objects.isEmpty()) {
                QStringList described;
                for (const ObjectSpec &spec : definition.objects) {
                    if (spec.schema)
                        described.append(spec.name);
                }
                return makeError("sync.no_schema",
                                 QStringLiteral("%1 declares no schema for '%2'; it has one for: %3")
                                     .arg(definition.displayName, object,
                                          described.isEmpty() ? QStringLiteral("no object") : described.join(QStringLiteral(", "))));
            }
            int total = 0;
            int custom = 0;
            for (const QString &name : objects) {
                SchemaDiscovery discovery(definition, definition.objects.value(name), session, journal);
                auto fields = discovery.run();
                if (!fields)
                    return fields.error();
                if (auto saved = store.schemas().saveSchema(connectionId, name, fields.value(), journal.executionId());
                    !saved)
                    return saved.error();
                total += fields->size();
                for (const SchemaField &field : fields.value())
                    custom += field.custom;
            }
            journal.counts().records = total;
            return QStringLiteral("Schema discovered: %1 fields, %2 custom").arg(total).arg(custom);
        });
}

Result<AuthorizationStart> SyncService::beginAuthorization(qint64 connectionId, const QUrl &redirectUri)
{
    if (!redirectUri.isValid() || redirectUri.scheme().isEmpty())
        return makeError("auth.bad_redirect", QStringLiteral("The redirect URI '%1' is not an absolute URL")
                                                  .arg(redirectUri.toString()));
    auto store = SqliteStore::open(m_databasePath, m_clock);
    if (!store)
        return store.error();
    auto connection = store.value()->tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    auto definition = m_catalog.get(connection->provider);
    if (!definition)
        return definition.error();
    const AuthSpec &auth = definition->auth;
    if (auth.type != QLatin1String("oauth2") || auth.grant != QLatin1String("authorization_code")
        || auth.authorizeUrl.isEmpty()) {
        return makeError("auth.no_authorize", QStringLiteral("%1 connections are not authorised in a browser (%2); "
                                                             "enter their credentials instead")
                                                  .arg(definition->displayName, auth.type));
    }
    auto stored = store.value()->credentials().credential(connectionId);
    if (!stored)
        return makeError("auth.no_client", QStringLiteral("The connection has no app client id yet; save the "
                                                          "app's client id and secret first"));
    auto client = m_vault.open(connectionId, stored->sealed);
    if (!client)
        return client.error();
    if (client->clientId.isEmpty())
        return makeError("auth.no_client", QStringLiteral("The connection has no app client id; save it first"));

    jsonata::Bindings bindings;
    bindings.set("connection", jsonata::Value::fromQJsonValue(connection->config));
    auto rendered = TemplateText::renderUrl(auth.authorizeUrl, bindings);
    if (!rendered)
        return rendered.error();
    // The connection's origin overrides (a sandbox) apply to the authorize page too.
    QUrl url = OriginOverrides::apply(connection->config, rendered.value(), bindings);
    const auto random = [](int bytes) {
        QByteArray data(bytes, Qt::Uninitialized);
        for (char &c : data)
            c = static_cast<char>(QRandomGenerator::system()->bounded(256));
        return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    const QString state = QString::fromLatin1(random(24));
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("client_id"), client->clientId);
    query.addQueryItem(QStringLiteral("redirect_uri"), redirectUri.toString());
    if (!auth.scopes.isEmpty())
        query.addQueryItem(QStringLiteral("scope"), auth.scopes.join(auth.scopeSeparator));
    query.addQueryItem(QStringLiteral("state"), state);
    PendingAuthorization pending{state, connectionId, {}, redirectUri.toString(),
                                 QDateTime::currentDateTimeUtc().addSecs(600)};
    if (auth.pkce) {
        // RFC 7636: a 43+ character verifier, its S256 challenge in the URL, the verifier sealed until the callback.
        const QByteArray verifier = random(48);
        query.addQueryItem(QStringLiteral("code_challenge"),
                           QString::fromLatin1(QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
        query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
        auto sealed = m_vault.sealBytes(verifier, QStringLiteral("pkce:%1:%2").arg(connectionId).arg(state).toUtf8());
        if (!sealed)
            return sealed.error();
        pending.sealedVerifier = sealed.value();
    }
    for (auto it = auth.authorizeParams.begin(); it != auth.authorizeParams.end(); ++it) {
        auto value = TemplateText::render(it.value(), bindings);
        if (!value)
            return value.error();
        query.addQueryItem(it.key(), value.value());
    }
    url.setQuery(query);
    if (auto saved = store.value()->credentials().addPendingAuthorization(pending); !saved)
        return saved.error();
    return AuthorizationStart{url, state};
}

Result<Execution> SyncService::completeAuthorization(const QString &state, const QString &code, EventListener listener,
                                                     const QString &issuer)
{
    std::optional<PendingAuthorization> pending;
    {
        auto store = SqliteStore::open(m_databasePath, m_clock);
        if (!store)
            return store.error();
        pending = store.value()->credentials().takePendingAuthorization(state);
    }
    if (!pending || pending->expiresAt < QDateTime::currentDateTimeUtc()) {
        return makeError("auth.unknown_state", QStringLiteral("This authorisation is unknown, already used or older "
                                                              "than 10 minutes; start it again"));
    }
    if (code.isEmpty())
        return makeError("auth.no_code", QStringLiteral("The provider sent no authorisation code (the person may "
                                                        "have refused); start the authorisation again"));
    return runExecution(
        pending->connectionId, QStringLiteral("authorize"), QString(), listener,
        [&](Store &store, const ProviderDefinition &definition, ConnectionSession &session, RequestRunner &runner,
            ExecutionJournal &journal) -> Result<QString> {
            if (!issuer.isEmpty()) {
                if (auto checked = checkCallbackIssuer(issuer, definition, session); !checked)
                    return checked.error();
            }
            auto stored = store.credentials().credential(pending->connectionId);
            if (!stored)
                return stored.error();
            auto client = m_vault.open(pending->connectionId, stored->sealed);
            if (!client)
                return client.error();
            SecretBytes verifier;
            if (!pending->sealedVerifier.isEmpty()) {
                auto opened = m_vault.openBytes(pending->sealedVerifier,
                                                QStringLiteral("pkce:%1:%2").arg(pending->connectionId).arg(state).toUtf8());
                if (!opened)
                    return opened.error();
                verifier = opened.value();
            }
            auto tokenUrl = TemplateText::renderUrl(definition.auth.tokenUrl, session.bindings());
            if (!tokenUrl)
                return tokenUrl.error();
            journal.recordEvent(EventLevel::Info, QStringLiteral("Exchanging the authorisation code for tokens"));
            QJsonObject captured;
            TokenRefresher refresher(definition, runner, m_clock);
            auto credential = refresher.exchangeCode(client.value(), code, QUrl(pending->redirectUri), verifier,
                                                     session.resolve(tokenUrl.value()), &captured);
            if (!credential)
                return credential.error();
            auto sealed = m_vault.seal(pending->connectionId, credential.value());
            if (!sealed)
                return sealed.error();
            if (auto saved = store.credentials().saveCredential(
                    pending->connectionId,
                    {pending->connectionId, sealed.value(), credential->expiresAt, m_clock.now(), {}});
                !saved)
                return saved.error();
            if (!captured.isEmpty()) {
                QJsonObject config = session.connection().config;
                for (auto it = captured.begin(); it != captured.end(); ++it)
                    config.insert(it.key(), it.value());
                if (auto saved = store.tenants().setConnectionConfig(pending->connectionId, config); !saved)
                    return saved.error();
            }
            const QStringList concerns = grantConcerns(definition, credential.value());
            for (const QString &concern : concerns)
                journal.recordEvent(EventLevel::Warning, concern);
            // Still usable until the access token expires, so active, with what will go wrong said on it.
            if (auto active = store.tenants().setConnectionStatus(pending->connectionId, ConnectionStatus::Active,
                                                                  concerns.join(QLatin1Char(' ')));
                !active)
                return active.error();
            return QStringLiteral("Connection authorised%1")
                .arg(credential->expiresAt.isValid()
                         ? QStringLiteral("; access token valid until %1").arg(credential->expiresAt.toString(Qt::ISODate))
                         : QString());
        });
}

} // namespace patchbay

#include "SyncService.h"

#include "ConnectionQueue.h"
#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "ExecutionLeaseKeeper.h"
#include "ExecutionNotifier.h"
#include "ExecutionSession.h"
#include "ProxyExecution.h"
#include "ReadExecution.h"
#include "SchemaDiscovery.h"
#include "WebhookReceipt.h"
#include "core/Clock.h"
#include "core/Logging.h"
#include "http/RequestRunner.h"
#include "mapping/MappingService.h"
#include "mapping/RecordMapper.h"
#include "store/sqlite/SqliteStore.h"

#include <QJsonDocument>
#include <QSet>

namespace patchbay {

namespace {

// The prologue of all work on a connection: a store handle of its own (calls run on any thread), the connection,
// and its provider's definition, whose absence the caller reports where it fits (an execution records it).
struct OpenedConnection
{
    std::unique_ptr<Store> store;
    Connection connection;
    Result<ProviderDefinition> definition;
};

Result<OpenedConnection> openConnection(const QString &databasePath, const Clock &clock,
                                        const ProviderCatalog &catalog, qint64 connectionId)
{
    auto store = SqliteStore::open(databasePath, clock);
    if (!store)
        return store.error();
    auto connection = store.value()->tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    auto definition = catalog.get(connection->provider);
    return OpenedConnection{std::move(store).value(), std::move(connection).value(), std::move(definition)};
}

} // namespace

SyncService::SyncService(QString databasePath, SecretBytes masterKey, ProviderCatalog catalog, Clock &clock,
                         HttpClient::NetworkFactory networkFactory)
    : m_databasePath(std::move(databasePath)), m_vault(std::move(masterKey)), m_catalog(std::move(catalog)),
      m_integrations(IntegrationCatalog::builtIn(m_catalog)), m_clock(clock),
      m_networkFactory(std::move(networkFactory)),
      m_leases(std::make_unique<ExecutionLeaseKeeper>(m_databasePath, clock)),
      m_notifier(std::make_unique<ExecutionNotifier>())
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
    auto opened = openConnection(m_databasePath, m_clock, m_catalog, connectionId);
    if (!opened)
        return opened.error();
    const std::unique_ptr<Store> &store = opened->store;
    Result<Connection> connection = opened->connection;
    const Result<ProviderDefinition> &definition = opened->definition;
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
    if (auto swept = store->executions().interruptAbandonedExecutions(m_clock.now()); !swept)
        qCWarning(lcSync) << "cannot close abandoned executions:" << swept.error().toString();
    auto executionId = store->executions().startExecution(connectionId, kind, objectLabel, executionLease());
    if (!executionId)
        return executionId.error();
    ExecutionJournal journal(*store, executionId.value(), m_clock, listener);
    journal.announceTo(m_notifier.get(), opened->connection);
    const ConnectionQueue::Turn turn = ConnectionQueue::take(connectionId, [&] {
        journal.recordEvent(EventLevel::Info, QStringLiteral("Waiting for the connection's running execution to "
                                                             "finish (executions of one connection run in order)"));
    });
    if (!definition)
        return journal.fail(definition.error());

    // What the execution ahead changed (a captured instance URL, a revoked grant) counts.
    connection = store->tenants().connection(connectionId);
    if (!connection)
        return journal.fail(connection.error());
    ExecutionSession prepared(*store, m_vault, definition.value(), connection.value(), journal, m_clock,
                              m_networkFactory);
    if (connection->status == ConnectionStatus::NeedsReauth && kind != QLatin1String("refresh") && kind != QLatin1String("authorize")) {
        return journal.fail(makeError("auth.needs_reauth",
                                      QStringLiteral("The connection needs re-authorisation: %1")
                                          .arg(connection->statusMessage)));
    }
    Result<QString> outcome = body(*store, definition.value(), prepared.session, prepared.runner, journal);
    if (!outcome && outcome.error().code == QLatin1String("sync.interrupted"))
        return journal.interrupt(outcome.error());
    if (!outcome)
        return journal.fail(outcome.error());
    return journal.succeed(outcome.value());
}

Result<ProxyAnswer> SyncService::proxy(qint64 connectionId, const ProxyCall &call)
{
    auto opened = openConnection(m_databasePath, m_clock, m_catalog, connectionId);
    if (!opened)
        return opened.error();
    if (!opened->definition)
        return opened->definition.error();
    ProxyExecution execution(*opened->store, m_vault, opened->definition.value(), opened->connection, m_clock,
                             m_networkFactory, executionLease());
    return execution.run(call);
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
                                if (options.stopRequested && options.stopRequested())
                                    return ReadExecution::interruptedError(name);
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
                                if (options.startOver) {
                                    if (auto cleared = store.records().clearCursor(connectionId, name); !cleared)
                                        return cleared.error();
                                    journal.recordEvent(EventLevel::Info,
                                                        QStringLiteral("Reading %1 again from the start").arg(name));
                                }
                                ReadExecution read(store, definition, spec.value(), session, runner, journal,
                                                   mapping->has_value() ? &mapping->value() : nullptr);
                                read.setBackfillSinceMs(options.backfillSinceMs);
                                read.setRecordLimit(options.recordLimit);
                                read.setStopRequested(options.stopRequested);
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
                        [&](Store &, const ProviderDefinition &definition, ConnectionSession &session,
                            RequestRunner &, ExecutionJournal &) -> Result<QString> {
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
        const auto existing = store ? store.value()->writes().writeItems(execution->id) : Result<QList<WriteItem>>(store.error());
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
                item.providerId = record.providerId.isEmpty()
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
    return writeAgain(connectionId, failed, listener);
}

Result<Execution> SyncService::replayFailedWrites(qint64 executionId, EventListener listener)
{
    qint64 connectionId = 0;
    QList<WriteItem> failed;
    {
        auto store = SqliteStore::open(m_databasePath, m_clock);
        if (!store)
            return store.error();
        auto execution = store.value()->executions().execution(executionId);
        if (!execution)
            return execution.error();
        connectionId = execution->connectionId;
        auto items = store.value()->writes().writeItems(executionId);
        if (!items)
            return items.error();
        // Those written since (by a retry, or a later write of the same record) are done with.
        auto stillFailing = store.value()->writes().failedWriteItems(connectionId, QString());
        if (!stillFailing)
            return stillFailing.error();
        QSet<std::pair<QString, QString>> failing;
        for (const WriteItem &item : stillFailing.value())
            failing.insert({item.object, item.key});
        for (const WriteItem &item : items.value()) {
            if (item.status != QLatin1String("succeeded") && failing.contains({item.object, item.key}))
                failed.append(item);
        }
    }
    return writeAgain(connectionId, failed, listener);
}

Result<Execution> SyncService::writeAgain(qint64 connectionId, const QList<WriteItem> &failed,
                                          EventListener listener)
{
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
                if (auto saved = store.schemas().saveSchema(connectionId, name, fields.value(), journal.executionId()); !saved)
                    return saved.error();
                total += fields->size();
                for (const SchemaField &field : fields.value())
                    custom += field.custom;
            }
            journal.counts().records = total;
            return QStringLiteral("Schema discovered: %1 fields, %2 custom").arg(total).arg(custom);
        });
}

template <typename Answer, typename Run>
Answer SyncService::withWebhookReceipt(const QString &provider, const WebhookCall &call, EventListener listener,
                                       Run run)
{
    auto definition = m_catalog.get(provider);
    if (!definition) {
        WebhookOutcome refused = WebhookReceipt::answer(404, definition.error().message);
        refused.refusal = QStringLiteral("unknown_provider");
        return refused;
    }
    WebhookReceipt::Services services{m_databasePath, m_vault, m_clock, m_networkFactory, *m_leases,
                                      [this](Store &store, const Connection &connection, const QString &object) {
                                          return readMapping(store, connection, object);
                                      },
                                      m_notifier.get()};
    WebhookReceipt receipt(definition.value(), std::move(services), call, std::move(listener));
    return run(receipt);
}

WebhookOutcome SyncService::receiveWebhook(const QString &provider, qint64 connectionId, const WebhookCall &call,
                                           EventListener listener)
{
    return withWebhookReceipt<WebhookOutcome>(provider, call, std::move(listener), [&](WebhookReceipt &receipt) {
        return receipt.receive(connectionId);
    });
}

std::variant<AcceptedWebhook, WebhookOutcome> SyncService::acceptWebhook(const QString &provider,
                                                                         qint64 connectionId, const WebhookCall &call,
                                                                         Store &store)
{
    return withWebhookReceipt<std::variant<AcceptedWebhook, WebhookOutcome>>(
        provider, call, {}, [&](WebhookReceipt &receipt) { return receipt.accept(store, connectionId); });
}

WebhookOutcome SyncService::applyWebhook(const WebhookInboxEntry &entry, EventListener listener)
{
    WebhookCall call;
    call.url = QUrl(entry.url);
    call.headers = entry.headers;
    call.body = entry.body;
    call.source = entry.source;
    return withWebhookReceipt<WebhookOutcome>(entry.provider, call, std::move(listener), [&](WebhookReceipt &receipt) {
        return receipt.applyAccepted(entry.connectionId, entry.replayOf != 0);
    });
}

Result<AuthorizationStart> SyncService::beginAuthorization(qint64 connectionId, const QUrl &redirectUri)
{
    if (!redirectUri.isValid() || redirectUri.scheme().isEmpty())
        return makeError("auth.bad_redirect", QStringLiteral("The redirect URI '%1' is not an absolute URL")
                                                  .arg(redirectUri.toString()));
    auto opened = openConnection(m_databasePath, m_clock, m_catalog, connectionId);
    if (!opened)
        return opened.error();
    if (!opened->definition)
        return opened->definition.error();
    return AuthorizationFlow(*opened->store, m_vault, m_clock)
        .begin(opened->connection, opened->definition.value(), redirectUri);
}

Result<Execution> SyncService::completeAuthorization(const QString &state, const QString &code, EventListener listener,
                                                     const QString &issuer)
{
    Result<PendingAuthorization> pending = makeError("auth.unknown_state", QString());
    {
        auto store = SqliteStore::open(m_databasePath, m_clock);
        if (!store)
            return store.error();
        pending = AuthorizationFlow(*store.value(), m_vault, m_clock).takePending(state, code);
    }
    if (!pending)
        return pending.error();
    return runExecution(
        pending->connectionId, QStringLiteral("authorize"), QString(), listener,
        [&](Store &store, const ProviderDefinition &definition, ConnectionSession &session, RequestRunner &runner,
            ExecutionJournal &journal) -> Result<QString> {
            return AuthorizationFlow(store, m_vault, m_clock)
                .complete(pending.value(), code, issuer, definition, session.connection(), session.bindings(), runner,
                          journal);
        });
}

} // namespace patchbay

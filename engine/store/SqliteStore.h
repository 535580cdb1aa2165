#pragma once

#include "core/Tenancy.h"
#include "core/Executions.h"
#include "core/Exchange.h"
#include "core/Records.h"
#include "core/Authorization.h"
#include "core/WebhookRejection.h"
#include "core/MappingVersion.h"
#include "core/Result.h"

#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace patchbay {

class SqliteDatabase;

// The persistence of tenants, connections, credentials, executions, events, exchanges, cursors and
// records in one SQLite file. Not thread-safe: each thread opens its own SqliteStore on the file.
class SqliteStore
{
public:
    ~SqliteStore();

    static Result<std::unique_ptr<SqliteStore>> open(const QString &path);

    SqliteDatabase &database() { return *m_db; }
    QString path() const;

    // Settings of the database itself (the master key's check value), by name.
    std::optional<QByteArray> setting(const QString &name);
    // Stores the value unless the name has one already (another process was first); true when it was stored.
    Result<bool> addSetting(const QString &name, const QByteArray &value);

    // Tenants and connections
    Result<qint64> createTenant(const QString &name, const QString &displayName);
    Result<QList<Tenant>> tenants();
    std::optional<Tenant> tenantByName(const QString &name);
    Result<qint64> createConnection(const Connection &connection);
    Result<QList<Connection>> connections(std::optional<qint64> tenantId = std::nullopt);
    Result<Connection> connection(qint64 id);
    Result<void> setConnectionStatus(qint64 id, const QString &status, const QString &message);
    Result<void> setConnectionConfig(qint64 id, const QJsonObject &config);

    // Credentials (already sealed by the vault)
    Result<void> saveCredential(qint64 connectionId, const StoredCredential &credential);
    Result<StoredCredential> credential(qint64 connectionId);
    Result<QList<StoredCredential>> credentials();

    // Token refresh leases across processes: true when holder now holds the connection's lease (it was free,
    // expired, or already its own) until `until`.
    Result<bool> takeRefreshLease(qint64 connectionId, const QString &holder, const QDateTime &until,
                                  const QDateTime &now);
    Result<void> releaseRefreshLease(qint64 connectionId, const QString &holder);

    // Authorisations in progress; taking one removes it (a state is used once).
    Result<void> addPendingAuthorization(const PendingAuthorization &pending);
    std::optional<PendingAuthorization> takePendingAuthorization(const QString &state);

    // Executions and their log
    Result<qint64> startExecution(qint64 connectionId, const QString &kind, const QString &object,
                                  const ExecutionLease &lease = {});
    // The owner is alive: its running executions' leases last until `until`.
    Result<void> renewExecutionLeases(const QString &owner, const QDateTime &until);
    // Closes the running executions whose owner's lease ran out before `now` as interrupted, each with an event
    // saying so, in one transaction; returns their ids. A live owner's executions are left alone.
    Result<QList<qint64>> interruptAbandonedExecutions(const QDateTime &now);
    Result<void> updateExecutionCounts(qint64 executionId, const ExecutionCounts &counts);
    Result<void> finishExecution(qint64 executionId, const QString &status, const ExecutionCounts &counts,
                                 const std::optional<Error> &error);
    Result<Execution> execution(qint64 id);
    // Whether the connection ever finished (succeeded or failed, not interrupted) an execution of this kind.
    Result<bool> hasFinishedExecution(qint64 connectionId, const QString &kind);
    // Newest first; pass the last seen id as beforeId for the next page (keyset paging).
    Result<QList<Execution>> executions(qint64 connectionId, int limit, std::optional<qint64> beforeId = {});
    Result<qint64> addEvent(const Event &event);
    Result<QList<Event>> events(qint64 executionId);
    Result<qint64> addExchange(const Exchange &exchange);
    Result<QList<Exchange>> exchanges(qint64 executionId);

    // Sync state. commitPage writes the mapped records and the failed ones and advances the cursor, all in one
    // transaction; a record that maps now resolves its earlier failure. Without a cursor value the cursor
    // stays where it is (a re-map of failed records). With removeUnseenSince (the end of a complete full pass), the
    // object's records not stored since then are removed: the provider no longer has them.
    std::optional<QString> cursor(qint64 connectionId, const QString &object);
    Result<void> commitPage(qint64 connectionId, const QString &object, qint64 executionId,
                            const QList<StoredRecord> &records, const std::optional<QString> &cursorValue,
                            const QList<FailedRecord> &failed = {}, const QStringList &deletedIds = {},
                            const std::optional<QDateTime> &removeUnseenSince = std::nullopt);
    Result<QList<FailedRecord>> failedRecords(qint64 connectionId, const QString &object, bool openOnly = true);

    // Mapping overrides, versioned: saving never replaces a version, it adds the next one.
    Result<MappingVersion> saveMappingVersion(const MappingVersion &version);
    std::optional<MappingVersion> currentMapping(const QString &level, const QString &scope, const QString &integration,
                                                 const QString &object, const QString &direction);
    Result<QList<MappingVersion>> mappingHistory(const QString &level, const QString &scope,
                                                 const QString &integration, const QString &object,
                                                 const QString &direction);
    Result<void> setConnectionIntegration(qint64 id, const QString &integration, const QString &environment);
    Result<void> clearCursor(qint64 connectionId, const QString &object);
    qint64 recordCount(qint64 connectionId, const QString &object);
    std::optional<StoredRecord> record(qint64 connectionId, const QString &object, const QString &recordId);

    // Writes: per-item results, and the provider id each product record was written to.
    Result<void> addWriteItems(qint64 connectionId, const QList<WriteItem> &items);
    Result<QList<WriteItem>> writeItems(qint64 executionId);
    // The latest result of each key that failed and has not succeeded since, for a retry.
    Result<QList<WriteItem>> failedWriteItems(qint64 connectionId, const QString &object);
    std::optional<QString> linkedProviderId(qint64 connectionId, const QString &object, const QString &key);

    // Webhooks: whether an event was applied to the connection before; recordWebhookEvent marks it once it is (true
    // when it was new). Event ids are scoped to the connection: another tenant's event with the same id is its own.
    bool webhookEventSeen(qint64 connectionId, const QString &provider, const QString &eventId);
    Result<bool> recordWebhookEvent(const QString &provider, const QString &eventId, qint64 connectionId,
                                    qint64 executionId);

    // Refused webhook calls: one summary row per (provider, source), its count incremented; count is ignored in call.
    // Only the most recently seen sources are kept (kMaxRejectionSources), so forgeries cannot grow the database.
    static constexpr int kMaxRejectionSources = 1000;
    Result<void> recordWebhookRejection(const WebhookRejection &call);
    Result<QList<WebhookRejection>> webhookRejections(const QString &provider = {});

    // Discovered schemas (the latest per connection and object).
    Result<void> saveSchema(qint64 connectionId, const QString &object, const QList<SchemaField> &fields,
                            qint64 executionId);
    Result<QList<SchemaField>> schema(qint64 connectionId, const QString &object);

private:
    explicit SqliteStore(std::unique_ptr<SqliteDatabase> db);
    Result<qint64> tenantOfConnection(qint64 connectionId);
    Result<qint64> tenantOfExecution(qint64 executionId);

    std::unique_ptr<SqliteDatabase> m_db;
};

} // namespace patchbay

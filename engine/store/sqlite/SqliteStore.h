#pragma once

#include "core/Clock.h"
#include "store/Store.h"

#include <QString>

#include <memory>

namespace patchbay {

class SqliteDatabase;
class SqliteApiKeyStore;
class SqliteAuditStore;
class SqliteCredentialStore;
class SqliteExecutionStore;
class SqliteJobStore;
class SqliteMappingStore;
class SqliteNotificationStore;
class SqliteRecordStore;
class SqliteSchemaStore;
class SqliteSettingsStore;
class SqliteTenantStore;
class SqliteWebhookStore;
class SqliteWriteStore;

// The store in one SQLite file: every concern on one connection, so a transaction spans them. Not thread-safe: each
// thread opens its own SqliteStore on the file.
class SqliteStore final : public Store
{
public:
    ~SqliteStore() override;

    // Opens (creating it when missing) and migrates the database; the store takes "now" from clock, which must
    // outlive it.
    static Result<std::unique_ptr<SqliteStore>> open(const QString &path, const Clock &clock = SystemClock::instance());

    QString path() const override;

    TenantStore &tenants() override;
    CredentialStore &credentials() override;
    ExecutionStore &executions() override;
    RecordStore &records() override;
    MappingStore &mappings() override;
    WriteStore &writes() override;
    WebhookStore &webhooks() override;
    SchemaStore &schemas() override;
    SettingsStore &settings() override;
    JobStore &jobs() override;
    ApiKeyStore &apiKeys() override;
    AuditStore &audit() override;
    NotificationStore &notifications() override;

    Result<void> inTransaction(const std::function<Result<void>()> &work) override;

    // Fails with store.schema_outdated when the database is not at Migrations::latestVersion() (another process
    // rolled it back or forward since open), so a server reports itself not ready instead of failing requests.
    Result<void> checkSchemaCurrent();

    // Test hook: called before each statement executes; a returned Error makes that statement fail.
    using FailureHook = std::function<std::optional<Error>(const QString &sql)>;
    void setFailureHook(FailureHook hook);

private:
    SqliteStore(std::unique_ptr<SqliteDatabase> db, const Clock &clock);

    std::unique_ptr<SqliteDatabase> m_db;
    std::unique_ptr<SqliteTenantStore> m_tenants;
    std::unique_ptr<SqliteCredentialStore> m_credentials;
    std::unique_ptr<SqliteExecutionStore> m_executions;
    std::unique_ptr<SqliteRecordStore> m_records;
    std::unique_ptr<SqliteMappingStore> m_mappings;
    std::unique_ptr<SqliteWriteStore> m_writes;
    std::unique_ptr<SqliteWebhookStore> m_webhooks;
    std::unique_ptr<SqliteSchemaStore> m_schemas;
    std::unique_ptr<SqliteSettingsStore> m_settings;
    std::unique_ptr<SqliteJobStore> m_jobs;
    std::unique_ptr<SqliteApiKeyStore> m_apiKeys;
    std::unique_ptr<SqliteAuditStore> m_audit;
    std::unique_ptr<SqliteNotificationStore> m_notifications;
};

} // namespace patchbay

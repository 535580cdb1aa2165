#include "SqliteStore.h"

#include "Migrations.h"
#include "SqliteApiKeyStore.h"
#include "SqliteAuditStore.h"
#include "SqliteCredentialStore.h"
#include "SqliteDatabase.h"
#include "SqliteExecutionStore.h"
#include "SqliteJobStore.h"
#include "SqliteMappingStore.h"
#include "SqliteNotificationStore.h"
#include "SqliteRecordStore.h"
#include "SqliteSchemaStore.h"
#include "SqliteSettingsStore.h"
#include "SqliteTenantStore.h"
#include "SqliteWebhookStore.h"
#include "SqliteWriteStore.h"

namespace patchbay {

SqliteStore::SqliteStore(std::unique_ptr<SqliteDatabase> db, const Clock &clock)
    : m_db(std::move(db)), m_tenants(std::make_unique<SqliteTenantStore>(*m_db, clock)),
      m_credentials(std::make_unique<SqliteCredentialStore>(*m_db, clock)),
      m_executions(std::make_unique<SqliteExecutionStore>(*m_db, clock)),
      m_records(std::make_unique<SqliteRecordStore>(*m_db, clock)),
      m_mappings(std::make_unique<SqliteMappingStore>(*m_db, clock)),
      m_writes(std::make_unique<SqliteWriteStore>(*m_db, clock)),
      m_webhooks(std::make_unique<SqliteWebhookStore>(*m_db, clock)),
      m_schemas(std::make_unique<SqliteSchemaStore>(*m_db, clock)),
      m_settings(std::make_unique<SqliteSettingsStore>(*m_db, clock)),
      m_jobs(std::make_unique<SqliteJobStore>(*m_db, clock)),
      m_apiKeys(std::make_unique<SqliteApiKeyStore>(*m_db, clock)),
      m_audit(std::make_unique<SqliteAuditStore>(*m_db, clock)),
      m_notifications(std::make_unique<SqliteNotificationStore>(*m_db, clock))
{}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const QString &path, const Clock &clock)
{
    auto db = SqliteDatabase::open(path);
    if (!db)
        return db.error();
    if (auto migrated = Migrations::apply(*db.value()); !migrated)
        return migrated.error();
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db).value(), clock));
}

QString SqliteStore::path() const
{
    return m_db->path();
}

TenantStore &SqliteStore::tenants()
{
    return *m_tenants;
}

CredentialStore &SqliteStore::credentials()
{
    return *m_credentials;
}

ExecutionStore &SqliteStore::executions()
{
    return *m_executions;
}

RecordStore &SqliteStore::records()
{
    return *m_records;
}

MappingStore &SqliteStore::mappings()
{
    return *m_mappings;
}

WriteStore &SqliteStore::writes()
{
    return *m_writes;
}

WebhookStore &SqliteStore::webhooks()
{
    return *m_webhooks;
}

SchemaStore &SqliteStore::schemas()
{
    return *m_schemas;
}

JobStore &SqliteStore::jobs()
{
    return *m_jobs;
}

SettingsStore &SqliteStore::settings()
{
    return *m_settings;
}

ApiKeyStore &SqliteStore::apiKeys()
{
    return *m_apiKeys;
}

AuditStore &SqliteStore::audit()
{
    return *m_audit;
}

NotificationStore &SqliteStore::notifications()
{
    return *m_notifications;
}

Result<void> SqliteStore::checkSchemaCurrent()
{
    const int version = m_db->userVersion();
    if (version != Migrations::latestVersion())
        return makeError("store.schema_outdated", QStringLiteral("The database %1 is at schema version %2; this program "
                                                                 "needs version %3.")
                                                      .arg(path())
                                                      .arg(version)
                                                      .arg(Migrations::latestVersion()));
    return {};
}

Result<void> SqliteStore::inTransaction(const std::function<Result<void>()> &work)
{
    return sqlite::inTransaction(*m_db, work);
}

void SqliteStore::setFailureHook(FailureHook hook)
{
    m_db->setFailureHook(std::move(hook));
}

} // namespace patchbay

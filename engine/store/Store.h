#pragma once

#include "store/ApiKeyStore.h"
#include "store/AuditStore.h"
#include "store/CredentialStore.h"
#include "store/ExecutionStore.h"
#include "store/JobStore.h"
#include "store/MappingStore.h"
#include "store/NotificationStore.h"
#include "store/RecordStore.h"
#include "store/SchemaStore.h"
#include "store/SettingsStore.h"
#include "store/TenantStore.h"
#include "store/WebhookStore.h"
#include "store/WriteStore.h"

#include <functional>

namespace patchbay {

// The persistence of the engine, one interface per concern, all on one connection to one database (SqliteStore
// today). Every time a concern writes as "now" comes from the store's Clock. Not thread-safe: each thread opens its
// own store on the database.
class Store
{
public:
    virtual ~Store() = default;

    // Where the data lives, to name it in messages (for SQLite, the database file).
    virtual QString path() const = 0;

    virtual TenantStore &tenants() = 0;
    virtual CredentialStore &credentials() = 0;
    virtual ExecutionStore &executions() = 0;
    virtual RecordStore &records() = 0;
    virtual MappingStore &mappings() = 0;
    virtual WriteStore &writes() = 0;
    virtual WebhookStore &webhooks() = 0;
    virtual SchemaStore &schemas() = 0;
    virtual SettingsStore &settings() = 0;
    virtual JobStore &jobs() = 0;
    virtual ApiKeyStore &apiKeys() = 0;
    virtual AuditStore &audit() = 0;
    virtual NotificationStore &notifications() = 0;

    // Runs work as one transaction across concerns: all of its writes are kept when it succeeds, none when it fails.
    // Transactions nest: a failed inner one undoes only its own part.
    virtual Result<void> inTransaction(const std::function<Result<void>()> &work) = 0;
};

} // namespace patchbay

#pragma once

#include "auth/CredentialVault.h"
#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "core/Result.h"
#include "http/HttpClient.h"
#include "mapping/CompiledMapping.h"
#include "store/StoreTypes.h"

#include <functional>

namespace patchbay {

class Clock;
class CompiledMapping;
class SqliteStore;

struct ReadOptions
{
    qint64 backfillSinceMs = 0; // a first read starts from this time instead of the full history
    qint64 recordLimit = 0;     // stop after about this many records (dry runs)
};

// Runs executions for connections. Thread-safe: each call opens its own store connection and HTTP
// client, so calls may run on any worker thread at once.
class SyncService
{
public:
    using EventListener = std::function<void(const Event &)>;

    SyncService(QString databasePath, SecretBytes masterKey, ProviderCatalog catalog, Clock &clock,
                HttpClient::NetworkFactory networkFactory = {});

    // Reads one object of a connection (every object of the definition when object is empty).
    Result<Execution> read(qint64 connectionId, const QString &object = {}, EventListener listener = {},
                           ReadOptions options = {});
    // Refreshes the connection's access token now, as an execution of kind "refresh".
    Result<Execution> refreshToken(qint64 connectionId, EventListener listener = {});
    // Maps the connection's failed records again with the current mapping and delivers those that map now,
    // as an execution of kind "replay". Records that still fail stay failed, with their new errors.
    Result<Execution> remapFailedRecords(qint64 connectionId, const QString &object = {},
                                         EventListener listener = {});

    // The integrations whose mappings apply (the built-in manifests unless replaced). Set before use.
    void setIntegrations(IntegrationCatalog integrations) { m_integrations = std::move(integrations); }
    const IntegrationCatalog &integrations() const { return m_integrations; }

    const ProviderCatalog &catalog() const { return m_catalog; }
    // Adds or replaces a definition (a file being developed). Set before use.
    void addDefinition(const ProviderDefinition &definition) { m_catalog.add(definition); }
    const CredentialVault &vault() const { return m_vault; }

private:
    Result<std::optional<CompiledMapping>> readMapping(SqliteStore &store, const Connection &connection,
                                                       const QString &object) const;

    template <typename Body>
    Result<Execution> runExecution(qint64 connectionId, const QString &kind, const QString &object,
                                   const EventListener &listener, Body body);

    QString m_databasePath;
    CredentialVault m_vault;
    ProviderCatalog m_catalog;
    IntegrationCatalog m_integrations;
    Clock &m_clock;
    HttpClient::NetworkFactory m_networkFactory;
};

} // namespace patchbay

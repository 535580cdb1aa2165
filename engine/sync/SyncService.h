#pragma once

#include "auth/AuthorizationFlow.h"
#include "auth/CredentialVault.h"
#include "catalog/IntegrationCatalog.h"
#include "catalog/ProviderCatalog.h"
#include "core/Result.h"
#include "http/HttpClient.h"
#include "mapping/CompiledMapping.h"
#include "core/Tenancy.h"
#include "core/Executions.h"
#include "core/Exchange.h"
#include "core/WebhookInbox.h"
#include "sync/WebhookReceipt.h"
#include "sync/WriteExecution.h"

#include <functional>
#include <memory>

namespace patchbay {

class Clock;
class CompiledMapping;
class ExecutionLeaseKeeper;
class ExecutionNotifier;
class Store;
struct ProxyAnswer;
struct ProxyCall;

struct ReadOptions
{
    qint64 backfillSinceMs = 0; // a first read starts from this time instead of the full history
    qint64 recordLimit = 0;     // stop after about this many records (dry runs)
    // Asked between pages (from the worker's thread): true stops the read after the page it committed, closing the
    // execution as interrupted (error sync.interrupted); the next read goes on from the stored cursor.
    std::function<bool()> stopRequested;
    bool startOver = false; // a full resync: each object's cursor is cleared before it is read
};

// Runs executions for connections. Thread-safe: each call opens its own store connection and HTTP
// client, so calls may run on any worker thread at once.
class SyncService
{
public:
    using EventListener = std::function<void(const Event &)>;

    SyncService(QString databasePath, SecretBytes masterKey, ProviderCatalog catalog, Clock &clock,
                HttpClient::NetworkFactory networkFactory = {});
    ~SyncService();

    // Closes as interrupted the executions whose process died (their lease ran out); a live process's runs, in
    // this process or another, are left alone. Runs before every execution, and at start.
    Result<QList<qint64>> interruptAbandonedExecutions();

    // Reads one object of a connection (every object of the definition when object is empty).
    Result<Execution> read(qint64 connectionId, const QString &object = {}, EventListener listener = {},
                           ReadOptions options = {});
    // Refreshes the connection's access token now, as an execution of kind "refresh".
    Result<Execution> refreshToken(qint64 connectionId, EventListener listener = {});
    // Maps the connection's failed records again with the current mapping and delivers those that map now,
    // as an execution of kind "replay". Records that still fail stay failed, with their new errors.
    Result<Execution> remapFailedRecords(qint64 connectionId, const QString &object = {},
                                         EventListener listener = {});

    // Writes product records to one object through the integration's reverse mapping (as they are without an
    // integration), as an execution of kind "write" with a result per record (SqliteStore::writeItems).
    Result<Execution> write(qint64 connectionId, const QString &object, const QList<WriteInput> &records,
                            EventListener listener = {});
    // Writes again the records whose latest write failed (after the mapping or the data was fixed), as an
    // execution of kind "write".
    Result<Execution> retryFailedWrites(qint64 connectionId, const QString &object = {}, EventListener listener = {});
    // Writes again the items of one write execution that failed there and have not been written since (a replay
    // of that execution, not of the connection's other failures), as an execution of kind "write";
    // "write.nothing_to_retry" when there are none.
    Result<Execution> replayFailedWrites(qint64 executionId, EventListener listener = {});
    // Lists the fields of one object (every object with a schema when empty), custom fields included, and keeps
    // them as the connection's schema (SqliteStore::schema), as an execution of kind "schema".
    Result<Execution> discoverSchema(qint64 connectionId, const QString &object = {}, EventListener listener = {});

    // Sends a product's own request to the connection's provider with the connection's credentials (ProxyExecution):
    // recorded as an execution of kind "proxy" when anything is sent. Runs beside the connection's other executions,
    // never queued behind them, and never waits for a rate limit: a limit without room answers Refused at once.
    Result<ProxyAnswer> proxy(qint64 connectionId, const ProxyCall &call);

    // Receives an incoming webhook call of a provider (WebhookReceipt): verifies it (signature, timestamp,
    // handshake), finds its connection
    // (connectionId, or by the account the events name when 0), skips events already received and applies the
    // rest: a deleted record leaves the store, a record the event carries or the definition can fetch is mapped
    // and stored. Every call that reaches a connection is an execution of kind "webhook", rejected ones too.
    WebhookOutcome receiveWebhook(const QString &provider, qint64 connectionId, const WebhookCall &call,
                                  EventListener listener = {});
    // The same call in two steps, for a server that stores a call before it answers (WebhookReceipt::accept and
    // applyAccepted): acceptWebhook verifies and routes it on the caller's store, with no execution, provider call or
    // mapping; applyWebhook applies a stored call later, in an execution of kind "webhook" (a replay, entry.replayOf
    // set, applies its events again even though they were applied before).
    std::variant<AcceptedWebhook, WebhookOutcome> acceptWebhook(const QString &provider, qint64 connectionId,
                                                                const WebhookCall &call, Store &store);
    WebhookOutcome applyWebhook(const WebhookInboxEntry &entry, EventListener listener = {});

    // The OAuth authorization-code flow of a connection (first connect, or re-auth after a revoked grant; see
    // AuthorizationFlow): the authorize URL with the definition's scopes, extra parameters and PKCE challenge, and a
    // state kept in the store for 10 minutes. The connection's credential must hold the app's client id (and secret).
    Result<AuthorizationStart> beginAuthorization(qint64 connectionId, const QUrl &redirectUri);
    // The callback: exchanges the code for the connection's tokens as an execution of kind "authorize", saves
    // them sealed, captures config fields and makes the connection active again. A state is used once. issuer is
    // the callback's iss parameter (RFC 9207), empty when the provider sent none: one that does not name the
    // definition's issuer (or, without one, the authorize URL's origin) is refused before the code is exchanged.
    Result<Execution> completeAuthorization(const QString &state, const QString &code, EventListener listener = {},
                                            const QString &issuer = QString());

    // The integrations whose mappings apply (the built-in manifests unless replaced). Set before use.
    void setIntegrations(IntegrationCatalog integrations) { m_integrations = std::move(integrations); }
    const IntegrationCatalog &integrations() const { return m_integrations; }

    const ProviderCatalog &catalog() const { return m_catalog; }
    // The SQLite file every execution opens its own connection to.
    const QString &databasePath() const { return m_databasePath; }
    // Adds or replaces a definition (a file being developed). Set before use.
    void addDefinition(const ProviderDefinition &definition) { m_catalog.add(definition); }
    const CredentialVault &vault() const { return m_vault; }

    // Reports every execution this service runs, from any thread (see ExecutionNotifier). It lives on the thread
    // that made the service.
    ExecutionNotifier *notifier() const { return m_notifier.get(); }

private:
    Result<std::optional<CompiledMapping>> readMapping(Store &store, const Connection &connection,
                                                       const QString &object) const;
    Result<Execution> writeExecution(qint64 connectionId, const QString &object, const QList<WriteInput> &records,
                                     EventListener listener);
    Result<std::optional<CompiledMapping>> mapping(Store &store, const Connection &connection, const QString &object,
                                                   const QString &direction) const;
    // Writes the failed items again, one execution per object (the last one's answer).
    Result<Execution> writeAgain(qint64 connectionId, const QList<WriteItem> &failed, EventListener listener);

    // Runs run(WebhookReceipt &) on the receipt of call by provider's definition; the answer when there is no such
    // provider.
    template <typename Answer, typename Run>
    Answer withWebhookReceipt(const QString &provider, const WebhookCall &call, EventListener listener, Run run);

    // The lease of an execution this process starts now (kept alive by m_leases while the process runs).
    ExecutionLease executionLease();

    template <typename Body>
    Result<Execution> runExecution(qint64 connectionId, const QString &kind, const QString &object,
                                   const EventListener &listener, Body body);

    QString m_databasePath;
    CredentialVault m_vault;
    ProviderCatalog m_catalog;
    IntegrationCatalog m_integrations;
    Clock &m_clock;
    HttpClient::NetworkFactory m_networkFactory;
    std::unique_ptr<ExecutionLeaseKeeper> m_leases;
    std::unique_ptr<ExecutionNotifier> m_notifier;
};

} // namespace patchbay

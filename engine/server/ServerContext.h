#pragma once

#include "core/Access.h"
#include "core/Result.h"
#include "metrics/Metrics.h"
#include "server/DaemonConfig.h"
#include "server/WebhookRejectionLimiter.h"
#include "store/Store.h"

#include <QFuture>
#include <QObject>
#include <QThreadPool>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>
#include <memory>
#include <type_traits>

namespace patchbay {

class Clock;
class LocalOps;
class SyncService;
class WebhookInboxWorker;
struct ApiCaller;

// What every route of patchbayd shares; routes get it in add<Feature>Routes(ApiRouter &, ServerContext &) and keep a
// reference (it outlives the router). All of it is used on the server's thread unless said otherwise.
//
// - store(): this thread's connection to the database, for short queries and writes a handler does at once
//   (SQLite answers those in well under a millisecond; the busy timeout covers a sync's commit).
// - inStoreThread(work): runs work(Store &) on one dedicated thread with its own connection, for anything that
//   reads or writes a lot (a cascade delete, a long page). The future finishes on that thread: to go on on the
//   server's thread, continue with future.then(context.receiver(), ...).
// - openStore(): a new connection for a thread of one's own (each thread needs its own; Store is not thread-safe).
// - sync(): the SyncService (thread-safe, blocking: call it from a pool, never on the server's thread); ops(): the
//   LocalOps the ops API serves (asynchronous; answers on the server's thread). Both null when not configured
//   (tests of routes that need neither).
// - metrics(): the process's counters for /metrics (thread-safe); the SyncService's executions, rate-limit waits and
//   token refresh failures are counted into it. webhookRejections(): the per-source limit on refused webhook calls.
//   webhookInbox(): the worker applying stored webhook calls (null without sync()); started by startWebhookInbox(),
//   which patchbayd and the tests call once the server runs.
// - audit(): appends an audit entry for a state-changing call, on store(). Every route that changes state calls
//   it (or appends caller.auditEntry(...) to its own store's audit() inside its transaction).
class ServerContext
{
public:
    using StoreOpener = std::function<Result<std::unique_ptr<Store>>()>;

    // Opens the server thread's store and the store thread's through openStore (the SQLite file of config unless
    // given), and a LocalOps over sync when sync is given.
    static Result<std::unique_ptr<ServerContext>> create(DaemonConfig config, Clock &clock,
                                                         std::shared_ptr<SyncService> sync = {},
                                                         StoreOpener openStore = {});
    ~ServerContext();
    ServerContext(const ServerContext &) = delete;
    ServerContext &operator=(const ServerContext &) = delete;

    const DaemonConfig &config() const { return m_config; }
    Clock &clock() const { return m_clock; }
    // The URL clients reach the server at: config().publicBaseUrl, else the listening address (set by DaemonServer
    // once it listens). Connect-session links and OAuth redirect URIs are built from it.
    QUrl publicBaseUrl() const;
    void setListeningUrl(const QUrl &url) { m_listeningUrl = url; }

    Store &store() { return *m_store; }
    Result<std::unique_ptr<Store>> openStore() const { return m_openStore(); }
    template <typename Work> auto inStoreThread(Work work) -> QFuture<std::invoke_result_t<Work, Store &>>
    {
        Store *store = m_threadStore.get();
        return QtConcurrent::run(&m_storePool, [store, work = std::move(work)]() mutable { return work(*store); });
    }

    // An object living on the server's thread, for continuations that must run there.
    QObject *receiver() { return &m_receiver; }

    SyncService *sync() const { return m_sync.get(); }
    std::shared_ptr<SyncService> sharedSync() const { return m_sync; }
    LocalOps *ops() const { return m_ops.get(); }

    Metrics &metrics() { return m_metrics; }
    // When the process started, for /metrics (process_start_time_seconds).
    QDateTime startedAt() const { return m_startedAt; }
    WebhookRejectionLimiter &webhookRejections() { return m_webhookRejections; }
    WebhookInboxWorker *webhookInbox() const { return m_webhookInbox.get(); }
    void startWebhookInbox();

    Result<void> audit(const ApiCaller &caller, const QString &action, const QString &target,
                       std::optional<qint64> tenantId, const QJsonValue &before = {}, const QJsonValue &after = {});

    // Waits for the store thread's work (shutdown, tests).
    void waitForStoreThread() { m_storePool.waitForDone(); }

private:
    ServerContext(DaemonConfig config, Clock &clock, std::shared_ptr<SyncService> sync, StoreOpener openStore);
    void countExecutions();

    DaemonConfig m_config;
    Clock &m_clock;
    std::shared_ptr<SyncService> m_sync;
    StoreOpener m_openStore;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Store> m_threadStore; // used on m_storePool's one thread only
    QThreadPool m_storePool;
    std::unique_ptr<LocalOps> m_ops;
    Metrics m_metrics; // before m_receiver: the counting connections end before it does
    QDateTime m_startedAt;
    WebhookRejectionLimiter m_webhookRejections;
    std::unique_ptr<WebhookInboxWorker> m_webhookInbox;
    QUrl m_listeningUrl;
    QObject m_receiver;
};

} // namespace patchbay

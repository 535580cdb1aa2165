#pragma once

#include "core/Result.h"
#include "core/WebhookInbox.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace patchbay {

class Clock;
class Store;
class SyncService;

struct WebhookInboxOptions
{
    int workers = 2;     // entries applied at once (never two of one connection)
    int maxAttempts = 5; // then the entry is failed for good, with the last attempt's reason
    std::chrono::milliseconds firstRetry{2000}; // doubled after each failed attempt, up to maxRetry
    std::chrono::milliseconds maxRetry{5 * 60 * 1000};
    std::chrono::milliseconds poll{1000};       // how often due retries and other processes' entries are looked for
    std::chrono::seconds claim{300};            // a worker that died gives its entry back after this
};

// Applies the provider webhook calls stored in the inbox (WebhookStore::enqueueWebhook) through
// SyncService::applyWebhook, on a bounded pool of its own: an applied entry is marked applied; a failed attempt is
// tried again after a backoff (a 4xx answer, a call that can never apply, fails at once), and after maxAttempts the
// entry is failed with the reason. Entries left pending by a stopped process are applied once start() is called.
// Lives on the thread that creates it (its timer runs there); wake() may be called from any thread.
class WebhookInboxWorker : public QObject
{
    Q_OBJECT
public:
    using StoreOpener = std::function<Result<std::unique_ptr<Store>>()>;

    WebhookInboxWorker(SyncService &sync, StoreOpener openStore, const Clock &clock, WebhookInboxOptions options = {},
                       QObject *parent = nullptr);
    ~WebhookInboxWorker() override;

    void start();
    // Something was stored: apply it now rather than at the next poll (once started; until then nothing is applied).
    void wake();
    // Claims nothing more and waits for the entries being applied.
    void stop();

private:
    void drain(); // one pool thread: claims and applies until nothing is due
    void finish(Store &store, const WebhookInboxEntry &entry, int status, const QString &message, qint64 executionId);

    SyncService &m_sync;
    StoreOpener m_openStore;
    const Clock &m_clock;
    WebhookInboxOptions m_options;
    QThreadPool m_pool;
    QTimer m_poll;
    std::atomic<int> m_running{0};
    std::atomic<bool> m_wanted{false};
    std::atomic<bool> m_stopping{true}; // nothing is applied before start()
};

} // namespace patchbay

#pragma once

#include "core/Notifications.h"
#include "core/Result.h"
#include "http/HttpClient.h"
#include "notify/NotificationSettings.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>

namespace patchbay {

class Clock;
class Metrics;
class Store;

// Notifications to the product: every batchSeconds, off the server's thread, a pass finds new events
// (NotificationScanner), queues one delivery per event and endpoint in the store, and sends the deliveries that are
// due, each signed (NotificationSigner) and bounded by timeoutSeconds. A delivery that fails is tried again after
// retrySeconds, doubling each time (at most an hour apart), until maxAttempts; then it is failed, to be replayed.
// Because the queue is in the store, deliveries pending when the process stops are sent by the next one (a claimed
// delivery is due again after its lease if its sender died). Deliveries are sent one at a time per process.
//
// Each attempt is a POST of the payload (application/json) with the headers
//   Patchbay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//   Patchbay-Delivery: <this delivery's id, the same on every retry; a replay has its own>
//   Patchbay-Event: <the event's id, the same for every retry and replay: de-duplicate on it>
//   Patchbay-Event-Type: <type>
// and any 2xx answer delivers it. The delivery log never holds a secret or the endpoint's answer body.
class Notifier : public QObject
{
    Q_OBJECT
public:
    using StoreOpener = std::function<Result<std::unique_ptr<Store>>()>;

    // openStore opens the store the passes use (on the thread they run on); clock and metrics must outlive this.
    // Counted into metrics: deliveries queued, attempts by outcome, deliveries given up.
    Notifier(NotificationSettings settings, StoreOpener openStore, const Clock &clock, Metrics &metrics,
             HttpClient::NetworkFactory networkFactory = {});
    ~Notifier() override;

    // Scans once on the calling thread (the first scan of a database marks where things stand: call this before the
    // server takes requests), then runs a pass every batchSeconds on a thread of its own (a pass still running skips
    // the next tick).
    void start();
    // No new pass; waits for the one running (its attempts are bounded by timeoutSeconds).
    void stop();

    // One pass on the calling thread (tests; never mix with start()): scan, then send what is due now.
    struct Pass
    {
        int queued = 0;
        int delivered = 0;
        int failed = 0;
    };
    Result<Pass> runOnce();

    const NotificationSettings &settings() const { return m_settings; }

    // Queues the delivery with id again as a new delivery (its own delivery id, due now, replayOf = id) to the same
    // endpoint with the same event and payload; answers it. store.not_found when there is no such delivery.
    static Result<NotificationDelivery> queueReplay(Store &store, qint64 id, const QDateTime &now);

Q_SIGNALS:
    void passFinished();

private:
    Result<Store *> store();
    DeliveryAttempt send(HttpClient &client, const NotificationDelivery &delivery);

    NotificationSettings m_settings;
    StoreOpener m_openStore;
    const Clock &m_clock;
    Metrics &m_metrics;
    HttpClient::NetworkFactory m_networkFactory;
    std::unique_ptr<Store> m_store; // used by passes only, on their thread
    QThreadPool m_pool;
    QTimer m_timer;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_running{false};
};

} // namespace patchbay

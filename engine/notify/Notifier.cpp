#include "Notifier.h"

#include "core/Clock.h"
#include "metrics/Metrics.h"
#include "notify/NotificationScanner.h"
#include "notify/NotificationSigner.h"
#include "store/Store.h"

#include <QLoggingCategory>
#include <QUuid>

namespace patchbay {

namespace {

Q_LOGGING_CATEGORY(lcNotify, "patchbay.notify")

constexpr int kClaimBatch = 10;
constexpr int kMaxSendsPerPass = 200;
constexpr qint64 kMaxRetrySeconds = 3600;

// The wait before the next try after `attempts` failed ones: retrySeconds, doubled each time, at most an hour.
qint64 retryDelaySeconds(const NotificationSettings &settings, int attempts)
{
    qint64 delay = settings.retrySeconds;
    for (int i = 1; i < attempts && delay < kMaxRetrySeconds; ++i)
        delay *= 2;
    return std::min(delay, kMaxRetrySeconds);
}

const NotificationEndpoint *endpointNamed(const NotificationSettings &settings, const QString &name)
{
    for (const NotificationEndpoint &endpoint : settings.endpoints) {
        if (endpoint.name == name)
            return &endpoint;
    }
    return nullptr;
}

} // namespace

Notifier::Notifier(NotificationSettings settings, StoreOpener openStore, const Clock &clock,
                   Metrics &metrics, HttpClient::NetworkFactory networkFactory)
    : m_settings(std::move(settings)), m_openStore(std::move(openStore)), m_clock(clock), m_metrics(metrics),
      m_networkFactory(std::move(networkFactory))
{
    m_pool.setMaxThreadCount(1);
    m_timer.setInterval(m_settings.batchSeconds * 1000);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (m_running.exchange(true))
            return;
        m_pool.start([this] {
            if (!m_stopping) {
                if (auto pass = runOnce(); !pass)
                    qCWarning(lcNotify).noquote() << "Notification pass failed:" << pass.error().message;
            }
            m_running = false;
            Q_EMIT passFinished();
        });
    });
}

Notifier::~Notifier()
{
    stop();
    // The store was opened on the pool's thread; it is closed here after that thread is done with it.
}

void Notifier::start()
{
    // The first scan of a database marks where things stand; done here, before the server takes requests, so that
    // nothing made through it is taken for history.
    auto opened = m_openStore();
    auto scanned = opened ? NotificationScanner(m_settings, m_clock).scan(*opened.value()) : Result<int>(opened.error());
    if (!scanned)
        qCWarning(lcNotify).noquote() << "Notification scan failed:" << scanned.error().message;
    m_stopping = false;
    m_timer.start();
}

void Notifier::stop()
{
    m_stopping = true;
    m_timer.stop();
    m_pool.waitForDone();
}

Result<Store *> Notifier::store()
{
    if (!m_store) {
        auto opened = m_openStore();
        if (!opened)
            return opened.error();
        m_store = std::move(opened).value();
    }
    return m_store.get();
}

Result<Notifier::Pass> Notifier::runOnce()
{
    auto opened = store();
    if (!opened)
        return opened.error();
    Store &store = *opened.value();
    Pass pass;
    auto queued = NotificationScanner(m_settings, m_clock).scan(store);
    if (!queued)
        return queued.error();
    pass.queued = queued.value();
    m_metrics.add(Metrics::Counter::NotificationEventsQueued, {}, pass.queued);

    HttpClient client(m_networkFactory, m_settings.timeoutSeconds * 1000);
    int sent = 0;
    while (sent < kMaxSendsPerPass && !m_stopping) {
        const QDateTime now = m_clock.now();
        // Long enough for the batch to be sent one by one before another process may take them.
        const QDateTime leaseUntil = now.addSecs(qint64(kClaimBatch) * (m_settings.timeoutSeconds + 5));
        auto due = store.notifications().claimDueDeliveries(now, leaseUntil, kClaimBatch);
        if (!due)
            return due.error();
        if (due.value().isEmpty())
            break;
        for (const NotificationDelivery &delivery : due.value()) {
            const DeliveryAttempt attempt = send(client, delivery);
            if (auto recorded = store.notifications().recordAttempt(delivery.id, attempt); !recorded)
                return recorded.error();
            ++sent;
            if (attempt.state == DeliveryState::Delivered) {
                ++pass.delivered;
                m_metrics.add(Metrics::Counter::NotificationAttempts, {QStringLiteral("delivered")});
                continue;
            }
            ++pass.failed;
            m_metrics.add(Metrics::Counter::NotificationAttempts, {QStringLiteral("failed")});
            if (attempt.state == DeliveryState::Failed)
                m_metrics.add(Metrics::Counter::NotificationDeliveriesFailed);
            qCInfo(lcNotify).noquote() << "Notification" << delivery.deliveryId << delivery.eventType << "to"
                                       << delivery.endpoint << "failed:" << attempt.error;
        }
    }
    return pass;
}

DeliveryAttempt Notifier::send(HttpClient &client, const NotificationDelivery &delivery)
{
    DeliveryAttempt attempt;
    const int attempts = delivery.attempts + 1;
    const NotificationEndpoint *endpoint = endpointNamed(m_settings, delivery.endpoint);
    if (!endpoint) {
        attempt.state = DeliveryState::Failed;
        attempt.error = QStringLiteral("The endpoint %1 is no longer configured.").arg(delivery.endpoint);
        return attempt;
    }
    HttpRequest request;
    request.method = "POST";
    request.url = endpoint->url;
    request.body = delivery.payload;
    request.setHeader("Content-Type", "application/json");
    request.setHeader("User-Agent", "patchbayd/" PATCHBAY_VERSION);
    request.setHeader(NotificationSigner::kHeader,
                      NotificationSigner::sign(endpoint->secret, m_clock.now().toSecsSinceEpoch(), delivery.payload));
    request.setHeader("Patchbay-Delivery", delivery.deliveryId.toUtf8());
    request.setHeader("Patchbay-Event", delivery.eventId.toUtf8());
    request.setHeader("Patchbay-Event-Type", delivery.eventType.toUtf8());
    const HttpResponse response = client.send(request);
    attempt.status = response.status;
    if (response.isSuccess()) {
        attempt.state = DeliveryState::Delivered;
        return attempt;
    }
    // Qt's transport errors name the URL, whose query may hold a token: only the displayed form is kept.
    QString transportError = response.transportError;
    transportError.replace(endpoint->url.toString(), endpoint->displayUrl());
    transportError.replace(QString::fromUtf8(endpoint->url.toEncoded()), endpoint->displayUrl());
    attempt.error = response.status == 0 ? QStringLiteral("No answer: %1").arg(transportError)
                                         : QStringLiteral("The endpoint answered HTTP %1.").arg(response.status);
    if (attempts >= m_settings.maxAttempts) {
        attempt.state = DeliveryState::Failed;
        return attempt;
    }
    attempt.state = DeliveryState::Pending;
    attempt.nextAttemptAt = m_clock.now().addSecs(retryDelaySeconds(m_settings, attempts));
    return attempt;
}

Result<NotificationDelivery> Notifier::queueReplay(Store &store, qint64 id, const QDateTime &now)
{
    auto original = store.notifications().delivery(id);
    if (!original)
        return original.error();
    NotificationDelivery replay = original.value();
    replay.deliveryId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    replay.state = DeliveryState::Pending;
    replay.attempts = 0;
    replay.lastStatus = 0;
    replay.lastError.clear();
    replay.createdAt = now;
    replay.lastAttemptAt = QDateTime();
    replay.nextAttemptAt = now;
    replay.replayOf = id;
    auto added = store.notifications().addDelivery(replay);
    if (!added)
        return added.error();
    return store.notifications().delivery(added.value());
}

} // namespace patchbay

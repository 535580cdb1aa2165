// Notifications to the product, end to end in-process: real scenarios against the HubSpot emulator (a connection
// made, its grant revoked and authorised again, records read, a mapping saved, webhooks gone quiet) produce each
// event kind, which a real HTTP receiver on loopback gets signed (checked with OpenSSL's HMAC, independently of the
// signer); a failing endpoint is retried with growing waits until it answers; a failed delivery is replayed; and
// what was pending when a notifier stopped is sent by the next one.
#include "ManualClock.h"
#include "NotificationReceiver.h"
#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "catalog/OriginOverrides.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "metrics/Metrics.h"
#include "notify/Notifier.h"
#include "server/RecordFeedJson.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestNotifications : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void firstScanSendsNoHistory();
    void connectionLifeIsNotifiedSigned();
    void connectionWaitingForItsFirstAuthorisationIsAnnouncedOnceItWorks();
    void recordChangesAreBatchedWithTheFeedCursor();
    void savedMappingIsNotified();
    void quietWebhooksAreReportedOnceWhileReadsFindChanges();
    void failedDeliveryIsRetriedWithGrowingWaitsUntilDelivered();
    void givenUpDeliveryIsReplayedAsANewDelivery();
    void pendingDeliveriesAreSentAfterARestart();

private:
    std::unique_ptr<Notifier> makeNotifier(const std::function<void(NotificationSettings &)> &adjust = {});
    Notifier::Pass pass(Notifier &notifier);
    qint64 connect(const QDateTime &tokenExpiry = QDateTime::currentDateTimeUtc().addSecs(1800));
    QList<NotificationDelivery> deliveries(const QString &type = {});
    QUrl followAuthorize(const QUrl &url);

    const QByteArray m_secret = QByteArrayLiteral("whsec_test_3f9a1c");
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    SecretBytes m_key;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    PortalCredentials m_portal;
    std::unique_ptr<Store> m_store;
    std::shared_ptr<SyncService> m_sync;
    std::unique_ptr<NotificationReceiver> m_receiver;
    std::unique_ptr<Metrics> m_metrics;
    qint64 m_tenant = 0;
};

void TestNotifications::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_key = CredentialVault::generateKey();
    m_clock = std::make_unique<ManualClock>(QDateTime::currentDateTimeUtc());
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_portal = m_emulator->addPortal(QStringLiteral("acme"), 20, 7);
    m_store = SqliteStore::open(m_path).value();
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    m_sync = std::make_shared<SyncService>(m_path, m_key, ProviderCatalog::builtIn(), SystemClock::instance());
    m_receiver = std::make_unique<NotificationReceiver>(m_secret);
    QVERIFY(m_receiver->listen() != 0);
    m_metrics = std::make_unique<Metrics>();
}

void TestNotifications::cleanup()
{
    m_receiver.reset();
    m_sync.reset();
    m_store.reset();
    m_emulator.reset();
    m_clock.reset();
    m_dir.reset();
}

std::unique_ptr<Notifier> TestNotifications::makeNotifier(const std::function<void(NotificationSettings &)> &adjust)
{
    NotificationSettings settings;
    NotificationEndpoint endpoint;
    endpoint.name = QStringLiteral("product");
    endpoint.url = m_receiver->url();
    endpoint.secret = SecretBytes(m_secret);
    settings.endpoints.append(endpoint);
    settings.timeoutSeconds = 5;
    settings.webhookSilenceMinutes = 1;
    if (adjust)
        adjust(settings);
    const QString path = m_path;
    const Clock &clock = *m_clock;
    return std::make_unique<Notifier>(
        settings,
        [path, &clock]() -> Result<std::unique_ptr<Store>> {
            auto opened = SqliteStore::open(path, clock);
            if (!opened)
                return opened.error();
            return std::unique_ptr<Store>(std::move(opened).value());
        },
        clock, *m_metrics);
}

Notifier::Pass TestNotifications::pass(Notifier &notifier)
{
    auto done = notifier.runOnce();
    if (!done) {
        qWarning() << done.error().message;
        return {-1, -1, -1};
    }
    return done.value();
}

qint64 TestNotifications::connect(const QDateTime &tokenExpiry)
{
    CredentialVault vault(m_key);
    auto connection = SandboxConnector(*m_store, vault)
                          .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                   QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), m_portal,
                                   tokenExpiry);
    return connection ? connection.value() : 0;
}

QList<NotificationDelivery> TestNotifications::deliveries(const QString &type)
{
    DeliveryFilter filter;
    filter.eventType = type;
    filter.limit = 500;
    return m_store->notifications().deliveries(filter).value();
}

QUrl TestNotifications::followAuthorize(const QUrl &url)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 5000))
        return {};
    return QUrl::fromEncoded(reply->rawHeader("Location"));
}

void TestNotifications::firstScanSendsNoHistory()
{
    const qint64 before = connect();
    QVERIFY(before);
    QVERIFY(m_sync->read(before, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    auto notifier = makeNotifier();
    QCOMPARE(pass(*notifier).queued, 0); // the first scan only marks where things stand
    QVERIFY(m_receiver->received().isEmpty());

    const qint64 after = connect();
    QVERIFY(after);
    const Notifier::Pass second = pass(*notifier);
    QCOMPARE(second.queued, 1);
    QCOMPARE(second.delivered, 1);
    QCOMPARE(m_receiver->received().size(), 1);
    QCOMPARE(m_receiver->received().first().event.value("connectionId").toInteger(), after);
}

void TestNotifications::connectionLifeIsNotifiedSigned()
{
    auto notifier = makeNotifier();
    QCOMPARE(pass(*notifier).queued, 0);

    // Made: connection.created, signed with the endpoint's secret.
    const qint64 connection = connect(QDateTime::currentDateTimeUtc().addSecs(-10));
    QVERIFY(connection);
    QCOMPARE(pass(*notifier).delivered, 1);
    const auto created = m_receiver->ofType(NotificationType::ConnectionCreated);
    QCOMPARE(created.size(), 1);
    QVERIFY2(created.first().signatureValid, created.first().signature.constData());
    QVERIFY(!NotificationReceiver::verify(created.first().signature, created.first().body, "another-secret",
                                          QDateTime::currentSecsSinceEpoch()));
    const QJsonObject event = created.first().event;
    QCOMPARE(event.value("type").toString(), NotificationType::ConnectionCreated);
    QCOMPARE(event.value("tenantId").toInteger(), m_tenant);
    QCOMPARE(event.value("connectionId").toInteger(), connection);
    QCOMPARE(event.value("id").toString().toUtf8(), created.first().eventId);
    QCOMPARE(event.value("data").toObject().value("connection").toObject().value("provider").toString(),
             QStringLiteral("hubspot"));
    QVERIFY(!created.first().deliveryId.isEmpty());
    QVERIFY(!created.first().body.contains(m_secret));

    // The customer uninstalls the app: the next read cannot refresh the token. The product hears that the sync failed
    // and that the connection needs re-authorisation.
    const QJsonObject config = OriginOverrides::withOverride(m_store->tenants().connection(connection)->config,
                                                             QStringLiteral("https://app.hubspot.com"),
                                                             m_emulator->baseUrl().toString());
    QVERIFY(m_store->tenants().setConnectionConfig(connection, config).ok());
    QVERIFY(m_emulator->revokeRefreshToken(QStringLiteral("acme")));
    const auto failedRead = m_sync->read(connection, QStringLiteral("contacts"));
    QCOMPARE(failedRead->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(pass(*notifier).delivered, 2);
    const auto reauth = m_receiver->ofType(NotificationType::ConnectionNeedsReauth);
    QCOMPARE(reauth.size(), 1);
    QVERIFY(reauth.first().signatureValid);
    QCOMPARE(reauth.first().event.value("data").toObject().value("previousStatus").toString(),
             ConnectionStatus::Active);
    const auto failed = m_receiver->ofType(NotificationType::SyncFailed);
    QCOMPARE(failed.size(), 1);
    const QJsonObject failure = failed.first().event.value("data").toObject();
    QCOMPARE(failure.value("execution").toObject().value("id").toInteger(), failedRead->id);
    QCOMPARE(failure.value("error").toObject().value("code").toString(), QStringLiteral("auth.revoked"));

    // Authorised again: connection.recovered.
    const QUrl redirect(QStringLiteral("http://127.0.0.1:9/oauth/callback"));
    const auto start = m_sync->beginAuthorization(connection, redirect);
    QVERIFY2(start.ok(), qPrintable(start.ok() ? QString() : start.error().message));
    const QString code = QUrlQuery(followAuthorize(start->url)).queryItemValue(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());
    QVERIFY(m_sync->completeAuthorization(start->state, code)->status == ExecutionStatus::Succeeded);
    QCOMPARE(pass(*notifier).delivered, 1);
    const auto recovered = m_receiver->ofType(NotificationType::ConnectionRecovered);
    QCOMPARE(recovered.size(), 1);
    QCOMPARE(recovered.first().event.value("data").toObject().value("previousStatus").toString(),
             ConnectionStatus::NeedsReauth);
    QCOMPARE(pass(*notifier).queued, 0); // nothing happened since
    QCOMPARE(m_metrics->value(Metrics::Counter::NotificationAttempts, {QStringLiteral("delivered")}), 4.0);
}

void TestNotifications::connectionWaitingForItsFirstAuthorisationIsAnnouncedOnceItWorks()
{
    auto notifier = makeNotifier();
    pass(*notifier);
    // What a connect session makes: a connection that waits for the customer's consent.
    Connection pending;
    pending.tenantId = m_tenant;
    pending.provider = QStringLiteral("hubspot");
    pending.displayName = QStringLiteral("Acme HubSpot");
    pending.status = ConnectionStatus::NeedsReauth;
    pending.statusMessage = QStringLiteral("Waiting for the customer to authorise the connection");
    const qint64 connection = m_store->tenants().createConnection(pending).value();
    QVERIFY(m_store->tenants().setConnectionStatus(connection, ConnectionStatus::NeedsReauth, pending.statusMessage)
                .ok());
    QCOMPARE(pass(*notifier).queued, 0);
    QCOMPARE(pass(*notifier).queued, 0);
    QVERIFY(m_store->tenants().setConnectionStatus(connection, ConnectionStatus::Active, QString()).ok());
    QCOMPARE(pass(*notifier).delivered, 1);
    QCOMPARE(m_receiver->received().size(), 1);
    QCOMPARE(m_receiver->received().first().eventType, NotificationType::ConnectionCreated.toUtf8());
}

void TestNotifications::recordChangesAreBatchedWithTheFeedCursor()
{
    auto notifier = makeNotifier();
    pass(*notifier);
    const qint64 connection = connect();
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    pass(*notifier);
    auto changed = m_receiver->ofType(NotificationType::RecordsChanged);
    QCOMPARE(changed.size(), 1); // twenty records, one event
    QJsonObject data = changed.first().event.value("data").toObject();
    QCOMPARE(data.value("object").toString(), QStringLiteral("contacts"));
    QCOMPARE(data.value("created").toInteger(), 20);
    QCOMPARE(data.value("updated").toInteger(), 0);
    // The cursor reads exactly these changes from the feed.
    auto cursor = RecordFeedJson::decodeCursor(data.value("cursor").toString());
    QVERIFY(cursor);
    QCOMPARE(cursor->connectionId, connection);
    auto page = m_store->records().changes(connection, QStringLiteral("contacts"), cursor->sequence, 100).value();
    QCOMPARE(page.changes.size(), 20);
    QVERIFY(data.value("recordsUrl").toString().endsWith(QStringLiteral("?since=") + data.value("cursor").toString()));

    // Two reads within one window: one event counting both.
    m_emulator->touch(QStringLiteral("acme"), QStringLiteral("contacts"), 2);
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    m_emulator->touch(QStringLiteral("acme"), QStringLiteral("contacts"), 3);
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    pass(*notifier);
    changed = m_receiver->ofType(NotificationType::RecordsChanged);
    QCOMPARE(changed.size(), 2);
    data = changed.last().event.value("data").toObject();
    QVERIFY(data.value("updated").toInteger() >= 3);
    QVERIFY(data.value("updated").toInteger() <= 5);
    QCOMPARE(data.value("created").toInteger(), 0);
    cursor = RecordFeedJson::decodeCursor(data.value("cursor").toString());
    page = m_store->records().changes(connection, QStringLiteral("contacts"), cursor->sequence, 100).value();
    QCOMPARE(page.changes.size(), data.value("updated").toInteger());
    QVERIFY(changed.last().signatureValid);
}

void TestNotifications::savedMappingIsNotified()
{
    auto notifier = makeNotifier();
    pass(*notifier);
    const qint64 connection = connect();
    pass(*notifier);
    MappingVersion version;
    version.level = MappingLevel::Connection;
    version.scope = QString::number(connection);
    version.integration = QStringLiteral("crm-contacts");
    version.object = QStringLiteral("contacts");
    version.direction = QStringLiteral("read");
    version.overrides = QJsonObject{{QStringLiteral("name"), QStringLiteral("properties.firstname")}};
    version.author = QStringLiteral("support@example.com");
    version.reason = QStringLiteral("first names only");
    QVERIFY(m_store->mappings().saveMappingVersion(version).ok());
    QCOMPARE(pass(*notifier).delivered, 1);
    const auto changed = m_receiver->ofType(NotificationType::MappingChanged);
    QCOMPARE(changed.size(), 1);
    const QJsonObject data = changed.first().event.value("data").toObject();
    QCOMPARE(data.value("level").toString(), MappingLevel::Connection);
    QCOMPARE(data.value("version").toInt(), 1);
    QCOMPARE(data.value("reason").toString(), QStringLiteral("first names only"));
    QCOMPARE(changed.first().event.value("tenantId").toInteger(), m_tenant);
}

void TestNotifications::quietWebhooksAreReportedOnceWhileReadsFindChanges()
{
    auto notifier = makeNotifier(); // silence after one minute
    pass(*notifier);
    const qint64 connection = connect();
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    pass(*notifier);
    // Reads finding changes of a connection without webhooks: nothing to say about webhooks.
    QVERIFY(m_receiver->ofType(NotificationType::WebhooksSilent).isEmpty());

    // The provider called two minutes ago, and not since; a read still finds changes. Silence is counted from when
    // the call arrived (was stored in the inbox), not from when it was applied (just now, after a backlog), and a
    // support engineer's replay of it is no call of the provider's.
    const auto arrival = [connection](const QString &key) {
        WebhookInboxEntry entry;
        entry.connectionId = connection;
        entry.provider = QStringLiteral("hubspot");
        entry.dedupeKey = key;
        entry.url = QStringLiteral("https://patchbay.example/webhooks/hubspot");
        entry.source = QStringLiteral("203.0.113.9");
        entry.body = QByteArrayLiteral("[]");
        return entry;
    };
    ManualClock earlier(QDateTime::currentDateTimeUtc().addSecs(-120));
    qint64 arrived = 0;
    {
        auto past = SqliteStore::open(m_path, earlier).value();
        arrived = past->webhooks().enqueueWebhook(arrival(QStringLiteral("evt-1"))).value().id;
    }
    QVERIFY(m_store->webhooks().recordWebhookEvent(QStringLiteral("hubspot"), QStringLiteral("evt-1"), connection, 0)
                .ok());
    QVERIFY(m_store->webhooks().finishWebhook(arrived, WebhookInboxState::Applied, {}, 0).ok());
    QVERIFY(m_store->webhooks().replayWebhook(arrived).ok());
    m_emulator->touch(QStringLiteral("acme"), QStringLiteral("contacts"), 2);
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    pass(*notifier);
    auto silent = m_receiver->ofType(NotificationType::WebhooksSilent);
    QCOMPARE(silent.size(), 1);
    const QJsonObject data = silent.first().event.value("data").toObject();
    QCOMPARE(data.value("provider").toString(), QStringLiteral("hubspot"));
    QCOMPARE(data.value("changesFoundByReads").toInteger(), 2);
    QVERIFY(silent.first().signatureValid);

    // Still quiet: told once.
    m_emulator->touch(QStringLiteral("acme"), QStringLiteral("contacts"), 1);
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    pass(*notifier);
    QCOMPARE(m_receiver->ofType(NotificationType::WebhooksSilent).size(), 1);
    QCOMPARE(m_receiver->ofType(NotificationType::RecordsChanged).size(), 3);

    // The provider calls again; the call fails to apply, but the provider is not silent: nothing more to say.
    const qint64 again = m_store->webhooks().enqueueWebhook(arrival(QStringLiteral("evt-2"))).value().id;
    QVERIFY(m_store->webhooks().finishWebhook(again, WebhookInboxState::Failed, QStringLiteral("mapping failed"), 0).ok());
    m_clock->advance(std::chrono::seconds(30));
    m_emulator->touch(QStringLiteral("acme"), QStringLiteral("contacts"), 1);
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
    pass(*notifier);
    QCOMPARE(m_receiver->ofType(NotificationType::WebhooksSilent).size(), 1);
    QCOMPARE(m_receiver->ofType(NotificationType::RecordsChanged).size(), 4);
}

void TestNotifications::failedDeliveryIsRetriedWithGrowingWaitsUntilDelivered()
{
    auto notifier = makeNotifier([](NotificationSettings &settings) { settings.retrySeconds = 10; });
    pass(*notifier);
    connect();
    m_receiver->answerNext({500, 503});
    const Notifier::Pass first = pass(*notifier);
    QCOMPARE(first.failed, 1);
    NotificationDelivery delivery = deliveries().first();
    QCOMPARE(delivery.state, DeliveryState::Pending);
    QCOMPARE(delivery.attempts, 1);
    QCOMPARE(delivery.lastStatus, 500);
    QCOMPARE(delivery.lastAttemptAt.secsTo(delivery.nextAttemptAt), 10);

    // Not due yet: nothing is sent.
    m_clock->advance(std::chrono::seconds(9));
    QCOMPARE(pass(*notifier).failed + pass(*notifier).delivered, 0);
    QCOMPARE(m_receiver->received().size(), 1);

    m_clock->advance(std::chrono::seconds(1));
    QCOMPARE(pass(*notifier).failed, 1);
    delivery = deliveries().first();
    QCOMPARE(delivery.attempts, 2);
    QCOMPARE(delivery.lastStatus, 503);
    QCOMPARE(delivery.lastAttemptAt.secsTo(delivery.nextAttemptAt), 20); // twice as long

    m_clock->advance(std::chrono::seconds(20));
    QCOMPARE(pass(*notifier).delivered, 1);
    delivery = deliveries().first();
    QCOMPARE(delivery.state, DeliveryState::Delivered);
    QCOMPARE(delivery.attempts, 3);
    QVERIFY(delivery.lastError.isEmpty());
    QCOMPARE(m_receiver->received().size(), 3);
    for (const auto &received : m_receiver->received()) {
        QVERIFY(received.signatureValid); // each attempt signed anew
        QCOMPARE(received.deliveryId, delivery.deliveryId.toUtf8()); // the same delivery every time
    }
    QCOMPARE(m_metrics->value(Metrics::Counter::NotificationAttempts, {QStringLiteral("failed")}), 2.0);
    QCOMPARE(m_metrics->value(Metrics::Counter::NotificationAttempts, {QStringLiteral("delivered")}), 1.0);
    QCOMPARE(m_store->notifications().pendingDeliveryCount().value(), 0);
}

void TestNotifications::givenUpDeliveryIsReplayedAsANewDelivery()
{
    auto notifier = makeNotifier([](NotificationSettings &settings) {
        settings.retrySeconds = 1;
        settings.maxAttempts = 2;
    });
    pass(*notifier);
    connect();
    m_receiver->answerNext({500, 500});
    pass(*notifier);
    m_clock->advance(std::chrono::seconds(1));
    pass(*notifier);
    const NotificationDelivery original = deliveries().first();
    QCOMPARE(original.state, DeliveryState::Failed);
    QCOMPARE(original.attempts, 2);
    QVERIFY(!original.nextAttemptAt.isValid());
    QCOMPARE(m_metrics->value(Metrics::Counter::NotificationDeliveriesFailed), 1.0);
    m_clock->advance(std::chrono::seconds(60));
    QCOMPARE(pass(*notifier).failed, 0); // given up: not tried again

    const auto replay = Notifier::queueReplay(*m_store, original.id, m_clock->now());
    QVERIFY(replay.ok());
    QCOMPARE(replay->replayOf, std::optional<qint64>(original.id));
    QVERIFY(replay->deliveryId != original.deliveryId);
    QCOMPARE(pass(*notifier).delivered, 1);
    const auto last = m_receiver->received().last();
    QCOMPARE(last.deliveryId, replay->deliveryId.toUtf8());
    QCOMPARE(last.eventId, original.eventId.toUtf8()); // the same event: the product de-duplicates on it
    QCOMPARE(last.body, original.payload);
    QCOMPARE(m_store->notifications().delivery(replay->id)->state, DeliveryState::Delivered);
    QCOMPARE(m_store->notifications().delivery(original.id)->state, DeliveryState::Failed);
    QCOMPARE(Notifier::queueReplay(*m_store, 999999, m_clock->now()).error().code, QStringLiteral("store.not_found"));
}

void TestNotifications::pendingDeliveriesAreSentAfterARestart()
{
    {
        auto notifier = makeNotifier([](NotificationSettings &settings) { settings.retrySeconds = 10; });
        pass(*notifier);
        connect();
        connect();
        m_receiver->answerNext({503, 503});
        QCOMPARE(pass(*notifier).failed, 2);
        // When they were due again, a sender took them and died before it answered (its lease keeps others off them
        // for a minute).
        m_clock->advance(std::chrono::seconds(10));
        auto other = SqliteStore::open(m_path, *m_clock).value();
        QCOMPARE(other->notifications().claimDueDeliveries(m_clock->now(), m_clock->now().addSecs(60), 10)->size(), 2);
    }
    QCOMPARE(m_store->notifications().pendingDeliveryCount().value(), 2);
    QCOMPARE(m_receiver->received().size(), 2);

    auto restarted = makeNotifier();
    QCOMPARE(pass(*restarted).delivered, 0); // still leased
    m_clock->advance(std::chrono::seconds(61));
    QCOMPARE(pass(*restarted).delivered, 2);
    QCOMPARE(m_store->notifications().pendingDeliveryCount().value(), 0);
    const auto received = m_receiver->ofType(NotificationType::ConnectionCreated);
    QCOMPARE(received.size(), 4);
    QVERIFY(received.at(2).signatureValid);
    QCOMPARE(QSet<QByteArray>({received.at(0).deliveryId, received.at(1).deliveryId}),
             QSet<QByteArray>({received.at(2).deliveryId, received.at(3).deliveryId}));
}

QTEST_GUILESS_MAIN(TestNotifications)
#include "TestNotifications.moc"

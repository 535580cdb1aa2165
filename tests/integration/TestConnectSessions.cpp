// Connect sessions end to end, in-process over real HTTP: a product's link on patchbayd, the customer's browser
// following it to the HubSpot emulator's consent page and back to patchbayd's /oauth/callback, the connection
// active with a sealed credential; and the links and callbacks that must be refused (expired, tampered, re-used,
// unknown state, the provider's access_denied).
#include "auth/CredentialVault.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "server/ApiRouter.h"
#include "server/ConnectFlow.h"
#include "server/HttpService.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"
#include "ManualClock.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;

namespace {

struct Answer
{
    int status = 0;
    QUrl location;
    QByteArray contentType;
    QByteArray body;
};

} // namespace

class TestConnectSessions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void customerConnectsThroughTheConsentPage();
    void expiredLinkSaysWhatToDo();
    void tamperedOrForgedLinkIsRefused();
    void linkWorksOnce();
    void callbackWithABadStateIsRefused();
    void providerRefusalRemovesThePendingConnection();
    void sessionsForProvidersWithoutAnAppAreRefused();
    void reauthorizationLinkAuthorizesTheSameConnectionAgain();
    void refusedReauthorizationKeepsTheConnection();

private:
    Answer get(const QUrl &url, bool json = false);
    // Opens the link and lets the emulator consent: the callback URL the provider sends the browser to.
    QUrl consent(const QUrl &link);
    // A connection made through a connect session, then revoked at the provider: it needs re-authorising.
    qint64 revokedConnection();
    // The callback of a customer who clicked "Deny" on the authorize page the link sent them to (location).
    QUrl denied(const QUrl &location, const QString &description = {}) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dbPath;
    SecretBytes m_key;
    test::ManualClock m_clock;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    PortalCredentials m_portal;
    std::unique_ptr<SyncService> m_sync;
    std::unique_ptr<ConnectFlow> m_flow;
    std::unique_ptr<HttpService> m_http;
    std::unique_ptr<Store> m_store;
    qint64 m_tenant = 0;
    QList<qint64> m_reauthorized; // what the flow said was authorised again
};

void TestConnectSessions::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_dbPath = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_key = CredentialVault::generateKey();
    m_clock.setNow(QDateTime::currentDateTimeUtc());
    m_store = SqliteStore::open(m_dbPath).value();
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_portal = m_emulator->addPortal(QStringLiteral("acme"), 12, 3);
    m_sync = std::make_unique<SyncService>(m_dbPath, m_key, ProviderCatalog::builtIn(), m_clock);
    m_sync->setIntegrations(IntegrationCatalog::builtIn(m_sync->catalog()));

    m_http = std::make_unique<HttpService>();
    const quint16 port = m_http->listen();
    QVERIFY(port != 0);
    ConnectFlow::Settings settings;
    settings.publicBaseUrl = m_http->baseUrl();
    ProviderSettings hubspot;
    hubspot.clientId = m_portal.clientId;
    hubspot.clientSecret = SecretBytes(m_portal.clientSecret.toUtf8());
    const QString emulator = m_emulator->baseUrl().toString(QUrl::StripTrailingSlash);
    hubspot.originOverrides = QJsonObject{{QStringLiteral("https://api.hubapi.com"), emulator},
                                          {QStringLiteral("https://app.hubspot.com"), emulator}};
    settings.providers.insert(QStringLiteral("hubspot"), hubspot);
    m_reauthorized.clear();
    settings.reauthorized = [this](qint64 connectionId) { m_reauthorized.append(connectionId); };
    m_flow = std::make_unique<ConnectFlow>(m_dbPath, *m_sync, ConnectFlow::signingKeyFrom(m_sync->vault()), settings, m_clock);
    m_http->setHandler([this](const HttpServerRequest &request) {
        if (request.path().startsWith(QLatin1String("/connect/")))
            return m_flow->openLink(request.path().mid(9), ConnectFlow::wantsJson(request));
        if (request.path() == QLatin1String("/oauth/callback"))
            return m_flow->callback(request.query(), ConnectFlow::wantsJson(request));
        return HttpServerResponse::text("not here", 404);
    });
}

void TestConnectSessions::cleanup()
{
    m_http.reset();
    m_flow.reset();
    m_sync.reset();
    m_emulator.reset();
    m_store.reset();
    m_dir.reset();
}

Answer TestConnectSessions::get(const QUrl &url, bool json)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (json)
        request.setRawHeader("Accept", "application/json");
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QUrl::fromEncoded(reply->rawHeader("Location")), reply->rawHeader("Content-Type"), reply->readAll()};
}

QUrl TestConnectSessions::consent(const QUrl &link)
{
    const Answer opened = get(link);
    if (opened.status != 302)
        return {};
    const Answer consented = get(opened.location);
    return consented.status == 302 ? consented.location : QUrl();
}

void TestConnectSessions::customerConnectsThroughTheConsentPage()
{
    const auto link = m_flow->createSession(m_tenant, QStringLiteral("hubspot"), QStringLiteral("crm-contacts"),
                                            QStringLiteral("https://app.example.com/connected?x=1"));
    QVERIFY2(link.ok(), qPrintable(link.ok() ? QString() : link.error().message));
    QVERIFY(link->url.toString().startsWith(m_http->baseUrl().toString(QUrl::StripTrailingSlash) + "/connect/"));
    QCOMPARE(link->expiresAt.secsTo(m_clock.now().addSecs(15 * 60)) <= 1, true);

    // The browser opens the link: patchbayd sends it to HubSpot's authorize page with our app, state and redirect.
    const Answer opened = get(link->url);
    QCOMPARE(opened.status, 302);
    const QUrlQuery asked(opened.location);
    QCOMPARE(opened.location.path(), QStringLiteral("/oauth/authorize"));
    QCOMPARE(asked.queryItemValue(QStringLiteral("client_id")), m_portal.clientId);
    QCOMPARE(QUrl(asked.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded)),
             m_http->baseUrl().resolved(QUrl(QStringLiteral("/oauth/callback"))));
    QVERIFY(!asked.queryItemValue(QStringLiteral("state")).isEmpty());
    // A pending connection that nothing schedules yet.
    const QList<Connection> pending = m_store->tenants().connections(m_tenant).value();
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending.first().status, ConnectionStatus::NeedsReauth);
    QCOMPARE(pending.first().integration, QStringLiteral("crm-contacts"));

    // The customer consents; the emulator sends the browser back to patchbayd's callback.
    const Answer consented = get(opened.location);
    QCOMPARE(consented.status, 302);
    const Answer done = get(consented.location);
    QCOMPARE(done.status, 200);
    QVERIFY(done.contentType.startsWith("text/html"));
    QVERIFY2(done.body.contains("<h1>Connected to HubSpot</h1>"), done.body.constData());
    // It forwards to the product's page, saying which connection, escaped in the page.
    const QString forward = QStringLiteral("https://app.example.com/connected?x=1&amp;connectSession=%1&amp;status="
                                           "connected&amp;connection=%2")
                                .arg(link->id)
                                .arg(pending.first().id);
    QVERIFY2(done.body.contains(forward.toUtf8()), done.body.constData());
    QVERIFY(done.body.contains("http-equiv=\"refresh\""));

    const Connection connection = m_store->tenants().connection(pending.first().id).value();
    QCOMPARE(connection.status, ConnectionStatus::Active);
    const Credential stored =
        m_sync->vault().open(connection.id, m_store->credentials().credential(connection.id)->sealed).value();
    QVERIFY(!stored.accessToken.isEmpty());
    QCOMPARE(stored.clientId, m_portal.clientId);
    // The token does not appear in what the browser saw.
    QVERIFY(!done.body.contains(stored.accessToken.reveal()));
    QCOMPARE(m_store->executions().executions(connection.id, 5)->first().kind, QStringLiteral("authorize"));
    // And the connection reads.
    const auto read = m_sync->read(connection.id, QStringLiteral("contacts"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(read->recordCount, 12);
}

void TestConnectSessions::expiredLinkSaysWhatToDo()
{
    const auto link = m_flow->createSession(m_tenant, QStringLiteral("hubspot"), {}, {});
    QVERIFY(link.ok());
    m_clock.advance(std::chrono::minutes(15) + std::chrono::seconds(2));
    const Answer page = get(link->url);
    QCOMPARE(page.status, 410);
    QVERIFY(page.contentType.startsWith("text/html"));
    QVERIFY2(page.body.contains("expired") && page.body.contains("start connecting again"), page.body.constData());
    const Answer json = get(link->url, true);
    QCOMPARE(json.status, 410);
    QCOMPARE(QJsonDocument::fromJson(json.body)["error"]["code"].toString(), QStringLiteral("connect.link_expired"));
    QVERIFY(m_store->tenants().connections(m_tenant)->isEmpty());
}

void TestConnectSessions::tamperedOrForgedLinkIsRefused()
{
    const auto link = m_flow->createSession(m_tenant, QStringLiteral("hubspot"), {}, {});
    QVERIFY(link.ok());
    const QString token = link->url.path().section(QLatin1Char('/'), -1);
    const QString payload = token.section(QLatin1Char('.'), 0, 0);
    const QString signature = token.section(QLatin1Char('.'), 1);
    // A later expiry in the payload, the old signature.
    const QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromBase64(payload.toLatin1(),
                                                                              QByteArray::Base64UrlEncoding))
                                   .object();
    QJsonObject longer = claims;
    longer.insert(QStringLiteral("e"), claims.value(QStringLiteral("e")).toInteger() + 86400);
    const QString stretched = QString::fromLatin1(QJsonDocument(longer).toJson(QJsonDocument::Compact).toBase64(
                                  QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))
                              + QLatin1Char('.') + signature;
    const QStringList forged = {stretched, payload + QStringLiteral(".AAAA"), payload, QStringLiteral("x.y.z"),
                                QStringLiteral("nonsense")};
    for (const QString &bad : forged) {
        const Answer json = get(m_http->baseUrl().resolved(QUrl(QStringLiteral("/connect/") + bad)), true);
        QCOMPARE(json.status, 404);
        QCOMPARE(QJsonDocument::fromJson(json.body)["error"]["code"].toString(), QStringLiteral("connect.bad_link"));
    }
    const Answer page = get(m_http->baseUrl().resolved(QUrl(QStringLiteral("/connect/") + stretched)));
    QCOMPARE(page.status, 404);
    QVERIFY(page.body.contains("<h1>This link is not valid</h1>"));
    QVERIFY(m_store->tenants().connections(m_tenant)->isEmpty());
    // The genuine link still works after all that.
    QCOMPARE(get(link->url).status, 302);
}

void TestConnectSessions::linkWorksOnce()
{
    const auto link = m_flow->createSession(m_tenant, QStringLiteral("hubspot"), {}, {});
    QVERIFY(link.ok());
    QCOMPARE(get(link->url).status, 302);
    const Answer again = get(link->url, true);
    QCOMPARE(again.status, 409);
    QCOMPARE(QJsonDocument::fromJson(again.body)["error"]["code"].toString(), QStringLiteral("connect.link_used"));
    QCOMPARE(m_store->tenants().connections(m_tenant)->size(), 1);
}

void TestConnectSessions::callbackWithABadStateIsRefused()
{
    const auto link = m_flow->createSession(m_tenant, QStringLiteral("hubspot"), {}, QStringLiteral("https://app.example.com/x"));
    QVERIFY(link.ok());
    const QUrl back = consent(link->url);
    QVERIFY(back.isValid());
    QUrl forged = back;
    QUrlQuery query(back);
    query.removeAllQueryItems(QStringLiteral("state"));
    query.addQueryItem(QStringLiteral("state"), QStringLiteral("made-up"));
    forged.setQuery(query);
    const Answer refused = get(forged);
    QCOMPARE(refused.status, 400);
    QVERIFY(refused.body.contains("<h1>This authorisation is not valid</h1>"));
    QVERIFY(!refused.body.contains("app.example.com")); // a made-up state names no session to forward to
    QCOMPARE(get(back.adjusted(QUrl::RemoveQuery), true).status, 400); // no state at all
    // The real callback still completes, once.
    QCOMPARE(get(back).status, 200);
    const Answer replayed = get(back, true);
    QCOMPARE(replayed.status, 400);
    QCOMPARE(QJsonDocument::fromJson(replayed.body)["error"]["code"].toString(), QStringLiteral("connect.bad_callback"));
    QCOMPARE(m_store->tenants().connections(m_tenant)->first().status, ConnectionStatus::Active);
}

void TestConnectSessions::providerRefusalRemovesThePendingConnection()
{
    const auto link = m_flow->createSession(m_tenant, QStringLiteral("hubspot"), {}, QStringLiteral("https://app.example.com/x"));
    QVERIFY(link.ok());
    const Answer opened = get(link->url);
    QCOMPARE(opened.status, 302);
    // The customer clicks "Deny": the provider sends error=access_denied with our state, and no code.
    const QUrl back = denied(opened.location, QStringLiteral("The user <b>denied</b> access"));
    const Answer page = get(back);
    QCOMPARE(page.status, 400);
    QVERIFY2(page.body.contains("<h1>HubSpot did not connect</h1>"), page.body.constData());
    QVERIFY(page.body.contains("access_denied: The user &lt;b&gt;denied&lt;/b&gt; access"));
    QVERIFY(page.body.contains("status=refused"));
    QVERIFY(m_store->tenants().connections(m_tenant)->isEmpty());
    // The state is spent: the same callback again is unknown.
    QCOMPARE(get(back).status, 400);
}

void TestConnectSessions::sessionsForProvidersWithoutAnAppAreRefused()
{
    QCOMPARE(m_flow->createSession(m_tenant, QStringLiteral("stripe"), {}, {}).error().code,
             QStringLiteral("connect.not_oauth"));
    QCOMPARE(m_flow->createSession(m_tenant, QStringLiteral("salesforce"), {}, {}).error().code,
             QStringLiteral("connect.no_app"));
    QCOMPARE(m_flow->createSession(m_tenant, QStringLiteral("nope"), {}, {}).error().code,
             QStringLiteral("connect.unknown_provider"));
    QCOMPARE(m_flow->createSession(m_tenant, QStringLiteral("hubspot"), QStringLiteral("nope"), {})
                 .error()
                 .code,
             QStringLiteral("connect.unknown_integration"));
    for (const char *bad : {"javascript:alert(1)", "/relative", "ftp://x.example/"}) {
        QCOMPARE(m_flow->createSession(m_tenant, QStringLiteral("hubspot"), {}, QString::fromLatin1(bad)).error().code,
                 QStringLiteral("connect.bad_redirect"));
    }
}

QTEST_GUILESS_MAIN(TestConnectSessions)
QUrl TestConnectSessions::denied(const QUrl &location, const QString &description) const
{
    QUrl back = m_http->baseUrl().resolved(QUrl(QStringLiteral("/oauth/callback")));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("error"), QStringLiteral("access_denied"));
    if (!description.isEmpty())
        query.addQueryItem(QStringLiteral("error_description"), description);
    query.addQueryItem(QStringLiteral("state"), QUrlQuery(location).queryItemValue(QStringLiteral("state")));
    back.setQuery(query);
    return back;
}

qint64 TestConnectSessions::revokedConnection()
{
    const auto link = m_flow->createSession(m_tenant, QStringLiteral("hubspot"), QStringLiteral("crm-contacts"), {});
    if (!link)
        return 0;
    const Answer done = get(consent(link->url));
    if (done.status != 200)
        return 0;
    const qint64 connection = m_store->tenants().connections(m_tenant)->first().id;
    m_emulator->revokeRefreshToken(QStringLiteral("acme"));
    m_emulator->expireAccessTokens(QStringLiteral("acme"));
    const auto refused = m_sync->refreshToken(connection);
    if (!refused || refused->status != ExecutionStatus::Failed
        || m_store->tenants().connection(connection)->status != ConnectionStatus::NeedsReauth)
        return 0;
    return connection;
}

void TestConnectSessions::reauthorizationLinkAuthorizesTheSameConnectionAgain()
{
    const qint64 connection = revokedConnection();
    QVERIFY(connection != 0);
    const int executionsBefore = int(m_store->executions().executions(connection, 50)->size());
    QVERIFY(m_reauthorized.isEmpty()); // a new connection is not one authorised again

    ApiCaller support;
    support.keyId = 42;
    support.keyName = QStringLiteral("sam@support");
    support.role = ApiRole::Support;
    const auto link = m_flow->createReauthorizationSession(connection, &support);
    QVERIFY2(link.ok(), qPrintable(link.ok() ? QString() : link.error().message));
    QCOMPARE(link->expiresAt.secsTo(m_clock.now().addSecs(15 * 60)) <= 1, true);

    // The customer opens it: no connection is created, the existing one's authorisation starts.
    const Answer opened = get(link->url);
    QCOMPARE(opened.status, 302);
    QCOMPARE(opened.location.path(), QStringLiteral("/oauth/authorize"));
    QCOMPARE(m_store->tenants().connections(m_tenant)->size(), 1);
    const Answer done = get(get(opened.location).location);
    QCOMPARE(done.status, 200);
    QVERIFY2(done.body.contains("<h1>Connected to HubSpot</h1>"), done.body.constData());

    // The same connection, active again, its history kept and one authorisation longer; then it catches up.
    const QList<Connection> connections = m_store->tenants().connections(m_tenant).value();
    QCOMPARE(connections.size(), 1);
    QCOMPARE(connections.first().id, connection);
    QCOMPARE(connections.first().status, ConnectionStatus::Active);
    QCOMPARE(connections.first().integration, QStringLiteral("crm-contacts"));
    const QList<Execution> executions = m_store->executions().executions(connection, 50).value();
    QCOMPARE(executions.size(), executionsBefore + 1);
    QCOMPARE(executions.first().kind, QStringLiteral("authorize"));
    QCOMPARE(m_reauthorized, QList<qint64>{connection});
    // Audited as a re-authorisation by the key that asked for the link.
    AuditFilter filter;
    filter.action = QStringLiteral("connection.reauthorize");
    const QList<AuditEntry> audit = m_store->audit().auditEntries(filter).value();
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().target, QStringLiteral("connection:%1").arg(connection));
    QCOMPARE(audit.first().keyName, QStringLiteral("sam@support"));
    QCOMPARE(audit.first().tenantId, std::optional<qint64>(m_tenant));
    // The link works once.
    QCOMPARE(get(link->url).status, 409);
    const auto read = m_sync->read(connection, QStringLiteral("contacts"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));

    // A connection that does not exist, or a provider authorised without a browser, gets no link.
    QCOMPARE(m_flow->createReauthorizationSession(987654).error().code, QStringLiteral("store.not_found"));
}

void TestConnectSessions::refusedReauthorizationKeepsTheConnection()
{
    const qint64 connection = revokedConnection();
    QVERIFY(connection != 0);
    const auto link = m_flow->createReauthorizationSession(connection);
    QVERIFY(link.ok());
    const Answer opened = get(link->url);
    QCOMPARE(opened.status, 302);
    QCOMPARE(get(denied(opened.location)).status, 400);
    // Still there, still waiting for its customer; nothing synced.
    const auto kept = m_store->tenants().connection(connection);
    QVERIFY(kept.ok());
    QCOMPARE(kept->status, ConnectionStatus::NeedsReauth);
    QVERIFY(m_reauthorized.isEmpty());
    // Nor does housekeeping take it for an abandoned new connection's, however long the customer waits.
    m_clock.advance(std::chrono::hours(2));
    QVERIFY(m_store->credentials().abandonedConnectSessions(m_clock.now())->isEmpty());
}

#include "TestConnectSessions.moc"

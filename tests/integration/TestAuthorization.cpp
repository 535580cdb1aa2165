// Connecting and re-connecting: the OAuth authorization-code flow (authorize URL with scopes, state and PKCE, the
// provider's redirect, the code exchange in the callback, single-use states) against the HubSpot emulator, and the
// client-credentials grant (app-only tokens, no refresh token) against the ServiceNow emulator.
#include "auth/CredentialVault.h"
#include "catalog/DefinitionLoader.h"
#include "catalog/OriginOverrides.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "ops/LocalOps.h"
#include "servicenow/ServiceNowEmulator.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"
#include "SandboxConnector.h"
#include "ManualClock.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;

class TestAuthorization : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void revokedConnectionIsAuthorisedAgain();
    void pkceChallengeIsVerifiedByTheProvider();
    void authorisationOlderThanTenMinutesIsRefused();
    void clientCredentialsGetAppOnlyTokens();
    void consoleReauthorisesThroughALoopbackRedirect();
    void authorisationWithoutARefreshTokenOrAllScopesIsFlagged();
    void callbackFromAnotherIssuerIsRefused_data();
    void callbackFromAnotherIssuerIsRefused();

private:
    QUrl followAuthorize(const QUrl &url); // what the provider redirects the browser to
    // Points the connection's HubSpot consent page (app.hubspot.com) at the emulator.
    bool serveConsentPageFrom(qint64 connection, const QUrl &emulator);
    // Acme's HubSpot connection to the emulator's portal, its token valid for half an hour and its consent page
    // served by the emulator too (0 when that fails).
    qint64 connectWithConsentPage(HubSpotEmulator &emulator, const PortalCredentials &portal);
    ProviderDefinition variant(const QString &file, const QList<QPair<QByteArray, QByteArray>> &replacements);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dbPath;
    SecretBytes m_key;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<SyncService> m_sync;
    qint64 m_tenant = 0;
};

void TestAuthorization::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_dbPath = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_key = CredentialVault::generateKey();
    m_store = SqliteStore::open(m_dbPath).value();
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    m_sync = std::make_unique<SyncService>(m_dbPath, m_key, ProviderCatalog::builtIn(), SystemClock::instance());
}

void TestAuthorization::cleanup()
{
    m_sync.reset();
    m_store.reset();
    m_dir.reset();
}

QUrl TestAuthorization::followAuthorize(const QUrl &url)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 5000))
        return {};
    if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 302)
        return {};
    return QUrl::fromEncoded(reply->rawHeader("Location"));
}

bool TestAuthorization::serveConsentPageFrom(qint64 connection, const QUrl &emulator)
{
    const QJsonObject config = OriginOverrides::withOverride(m_store->tenants().connection(connection)->config,
                                                             QStringLiteral("https://app.hubspot.com"),
                                                             emulator.toString());
    return m_store->tenants().setConnectionConfig(connection, config).ok();
}

qint64 TestAuthorization::connectWithConsentPage(HubSpotEmulator &emulator, const PortalCredentials &portal)
{
    CredentialVault vault(m_key);
    const qint64 connection = SandboxConnector(*m_store, vault)
                                  .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                           QStringLiteral("https://api.hubapi.com"), emulator.baseUrl(), portal,
                                           QDateTime::currentDateTimeUtc().addSecs(1800))
                                  .value();
    return serveConsentPageFrom(connection, emulator.baseUrl()) ? connection : 0;
}

ProviderDefinition TestAuthorization::variant(const QString &file, const QList<QPair<QByteArray, QByteArray>> &replacements)
{
    QFile source(QStringLiteral(":/patchbay/providers/%1").arg(file));
    if (!source.open(QIODevice::ReadOnly))
        return {};
    QByteArray yaml = source.readAll();
    for (const auto &[from, to] : replacements) {
        if (!yaml.contains(from))
            qWarning() << "not in" << file << from;
        yaml.replace(from, to);
    }
    const DefinitionLoadResult loaded = DefinitionLoader::loadText(yaml, file);
    for (const DefinitionError &error : loaded.errors)
        qWarning() << error.toString();
    return loaded.definition.value_or(ProviderDefinition());
}

void TestAuthorization::revokedConnectionIsAuthorisedAgain()
{
    HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    const PortalCredentials portal = emulator.addPortal(QStringLiteral("acme"), 30, 5);
    CredentialVault vault(m_key);
    const qint64 connection = SandboxConnector(*m_store, vault)
                                  .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                           QStringLiteral("https://api.hubapi.com"), emulator.baseUrl(), portal,
                                           QDateTime::currentDateTimeUtc().addSecs(-10))
                                  .value();
    // Connection with this customer's origin overrides for the app pages too (the sandbox serves /oauth/authorize).
    QVERIFY(serveConsentPageFrom(connection, emulator.baseUrl()));
    QVERIFY(emulator.revokeRefreshToken(QStringLiteral("acme")));
    QCOMPARE(m_sync->read(connection, QStringLiteral("contacts"))->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_store->tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);

    const QUrl redirect(QStringLiteral("http://127.0.0.1:9/oauth/callback"));
    const auto start = m_sync->beginAuthorization(connection, redirect);
    QVERIFY2(start.ok(), qPrintable(start.ok() ? QString() : start.error().message));
    const QUrlQuery asked(start->url);
    QCOMPARE(start->url.path(), QStringLiteral("/oauth/authorize"));
    QCOMPARE(asked.queryItemValue(QStringLiteral("response_type")), QStringLiteral("code"));
    QCOMPARE(asked.queryItemValue(QStringLiteral("client_id")), portal.clientId);
    QCOMPARE(asked.queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded), redirect.toString());
    QCOMPARE(asked.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
             QStringLiteral("crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.read "
                            "crm.objects.companies.read crm.schemas.companies.read"));
    QCOMPARE(asked.queryItemValue(QStringLiteral("state")), start->state);
    QVERIFY(start->state.size() >= 32);
    QVERIFY(!asked.hasQueryItem(QStringLiteral("code_challenge"))); // HubSpot's definition does not use PKCE

    // The person consents; the provider sends the browser back with the code and our state.
    const QUrl back = followAuthorize(start->url);
    QVERIFY2(back.isValid(), "the authorize page did not redirect");
    QCOMPARE(back.adjusted(QUrl::RemoveQuery), redirect);
    QCOMPARE(QUrlQuery(back).queryItemValue(QStringLiteral("state")), start->state);
    const QString code = QUrlQuery(back).queryItemValue(QStringLiteral("code"));

    const auto authorised = m_sync->completeAuthorization(start->state, code);
    QVERIFY(authorised.ok());
    QVERIFY2(authorised->status == ExecutionStatus::Succeeded, qPrintable(authorised->errorMessage));
    QCOMPARE(authorised->kind, QStringLiteral("authorize"));
    QCOMPARE(m_store->tenants().connection(connection)->status, ConnectionStatus::Active);
    const auto read = m_sync->read(connection, QStringLiteral("contacts"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(read->recordCount, 30);
    // No token is in the execution's log.
    const Credential stored = vault.open(connection, m_store->credentials().credential(connection)->sealed).value();
    for (const Exchange &exchange : m_store->executions().exchanges(authorised->id).value()) {
        QVERIFY(!exchange.responseBody.contains(stored.accessToken.reveal()));
        QVERIFY(!exchange.responseBody.contains(stored.refreshToken.reveal()));
        QVERIFY(!exchange.requestBody.contains(code.toUtf8()) || exchange.requestBody.contains("redacted"));
    }

    // A state works once; a made-up one not at all.
    QCOMPARE(m_sync->completeAuthorization(start->state, code).error().code, QStringLiteral("auth.unknown_state"));
    QCOMPARE(m_sync->completeAuthorization(QStringLiteral("forged"), code).error().code, QStringLiteral("auth.unknown_state"));
    // A code the provider does not know is refused with the provider's words, and changes nothing.
    const auto again = m_sync->beginAuthorization(connection, redirect);
    const auto refused = m_sync->completeAuthorization(again->state, QStringLiteral("not-a-code"));
    QCOMPARE(refused->status, ExecutionStatus::Failed);
    QCOMPARE(refused->errorCode, QStringLiteral("auth.code_refused"));
    QCOMPARE(m_store->tenants().connection(connection)->status, ConnectionStatus::Active);
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);
}

void TestAuthorization::pkceChallengeIsVerifiedByTheProvider()
{
    HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    const PortalCredentials portal = emulator.addPortal(QStringLiteral("acme"), 5, 6);
    m_sync->addDefinition(variant(QStringLiteral("hubspot.yaml"), {{"  clientAuth: body\n", "  clientAuth: body\n  pkce: true\n"}}));
    QVERIFY(m_sync->catalog().find(QStringLiteral("hubspot"))->auth.pkce);
    const qint64 connection = connectWithConsentPage(emulator, portal);
    QVERIFY(connection != 0);

    const auto start = m_sync->beginAuthorization(connection, QUrl(QStringLiteral("http://127.0.0.1:9/cb")));
    QVERIFY(start.ok());
    const QUrlQuery asked(start->url);
    QCOMPARE(asked.queryItemValue(QStringLiteral("code_challenge_method")), QStringLiteral("S256"));
    QCOMPARE(asked.queryItemValue(QStringLiteral("code_challenge")).size(), 43); // base64url of 32 bytes
    const QString code = QUrlQuery(followAuthorize(start->url)).queryItemValue(QStringLiteral("code"));
    QVERIFY(!code.isEmpty());
    // The emulator refuses the code unless the verifier sealed with the state hashes to the challenge.
    const auto authorised = m_sync->completeAuthorization(start->state, code);
    QVERIFY2(authorised->status == ExecutionStatus::Succeeded, qPrintable(authorised->errorMessage));
    // The verifier never left the database in the clear.
    QFile file(m_dbPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(asked.queryItemValue(QStringLiteral("code_challenge")).toUtf8()));
}

// The state of a started authorisation lives 10 minutes by the engine's clock: a callback after that is refused
// without spending the code, one just inside the window goes through.
void TestAuthorization::authorisationOlderThanTenMinutesIsRefused()
{
    HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    const PortalCredentials portal = emulator.addPortal(QStringLiteral("acme"), 5, 6);
    const qint64 connection = connectWithConsentPage(emulator, portal);
    QVERIFY(connection != 0);
    test::ManualClock clock;
    SyncService sync(m_dbPath, m_key, ProviderCatalog::builtIn(), clock);
    const QUrl redirect(QStringLiteral("http://127.0.0.1:9/cb"));

    const auto late = sync.beginAuthorization(connection, redirect);
    QVERIFY(late.ok());
    const QString lateCode = QUrlQuery(followAuthorize(late->url)).queryItemValue(QStringLiteral("code"));
    QVERIFY(!lateCode.isEmpty());
    clock.advance(std::chrono::minutes(10) + std::chrono::seconds(1));
    const auto refused = sync.completeAuthorization(late->state, lateCode);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("auth.unknown_state"));

    const auto inTime = sync.beginAuthorization(connection, redirect);
    QVERIFY(inTime.ok());
    const QString code = QUrlQuery(followAuthorize(inTime->url)).queryItemValue(QStringLiteral("code"));
    clock.advance(std::chrono::minutes(9));
    const auto authorised = sync.completeAuthorization(inTime->state, code);
    QVERIFY2(authorised.ok(), qPrintable(authorised.ok() ? QString() : authorised.error().message));
    QVERIFY2(authorised->status == ExecutionStatus::Succeeded, qPrintable(authorised->errorMessage));
}

void TestAuthorization::clientCredentialsGetAppOnlyTokens()
{
    ServiceNowEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    emulator.setClientCredentialsGrantEnabled(true);
    const SandboxAccountCredentials instance = emulator.addInstance(QStringLiteral("acme"), 40, 7);
    // ServiceNow's OAuth with the client-credentials grant (an integration user behind an OAuth application); its
    // token endpoint refuses bad client credentials with 401 server_error / access_denied.
    m_sync->addDefinition(variant(QStringLiteral("servicenow.yaml"),
                                  {{"auth:\n  type: basic\n  basic:\n    username: \"{{$connection.username}}\"\n"
                                    "    password: \"{{$credential.api_key}}\"\n",
                                    "auth:\n  type: oauth2\n  grant: client_credentials\n"
                                    "  tokenUrl: \"https://{{$connection.instance}}.service-now.com/oauth_token.do\"\n"
                                    "  revokedErrors: [invalid_client, server_error]\n"}}));
    QCOMPARE(m_sync->catalog().find(QStringLiteral("servicenow"))->auth.grant, QStringLiteral("client_credentials"));
    Connection connection;
    connection.tenantId = m_tenant;
    connection.provider = QStringLiteral("servicenow");
    connection.displayName = QStringLiteral("Acme ServiceNow");
    connection.config = QJsonObject{{QStringLiteral("instance"), instance.tenant},
                                    {QStringLiteral("originOverrides"),
                                     QJsonObject{{QStringLiteral("https://acme.service-now.com"), emulator.tenantUrl(instance.tenant)}}}};
    const qint64 id = m_store->tenants().createConnection(connection).value();
    Credential app;
    app.clientId = instance.clientId;
    app.clientSecret = SecretBytes(instance.clientSecret.toUtf8());
    CredentialVault vault(m_key);
    QVERIFY(m_store->credentials().saveCredential(id, {id, vault.seal(id, app).value(), {}, {}, {}}).ok());

    const auto read = m_sync->read(id, QStringLiteral("incidents"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QVERIFY(read->recordCount > 0);
    const Credential stored = vault.open(id, m_store->credentials().credential(id)->sealed).value();
    QVERIFY(!stored.accessToken.isEmpty());
    QVERIFY(stored.refreshToken.isEmpty()); // the grant gives none: the next token is asked for the same way
    QVERIFY(stored.expiresAt > QDateTime::currentDateTimeUtc());
    // The first token has no expiry to report; the event says what happens instead.
    const auto eventsOf = [this](qint64 execution) {
        QStringList messages;
        for (const Event &event : m_store->executions().events(execution).value())
            messages.append(event.message);
        return messages;
    };
    const QStringList firstEvents = eventsOf(read->id);
    QVERIFY2(firstEvents.contains(QStringLiteral("No access token yet; asking for one with the client credentials")),
             qPrintable(firstEvents.join(QLatin1Char('\n'))));
    QVERIFY(!firstEvents.join(QLatin1Char('\n')).contains(QStringLiteral(" at ;")));
    // An expired token names its expiry time (UTC, ISO 8601).
    Credential expired = vault.open(id, m_store->credentials().credential(id)->sealed).value();
    expired.expiresAt = QDateTime(QDate(2020, 1, 2), QTime(3, 4, 5), Qt::UTC);
    QVERIFY(m_store->credentials().saveCredential(id, {id, vault.seal(id, expired).value(), expired.expiresAt, {}, {}}).ok());
    const auto afterExpiry = m_sync->read(id, QStringLiteral("incidents"));
    QVERIFY2(afterExpiry->status == ExecutionStatus::Succeeded, qPrintable(afterExpiry->errorMessage));
    const QStringList expiryEvents = eventsOf(afterExpiry->id);
    QVERIFY2(expiryEvents.contains(QStringLiteral("Access token expired at 2020-01-02T03:04:05Z; refreshing it first")),
             qPrintable(expiryEvents.join(QLatin1Char('\n'))));
    // Near expiry, a new app token is asked for with the client id and secret.
    QVERIFY(m_sync->refreshToken(id)->status == ExecutionStatus::Succeeded);
    QVERIFY(!(vault.open(id, m_store->credentials().credential(id)->sealed)->accessToken == stored.accessToken));

    // A rotated client secret: the connection needs new app credentials; nothing stored is lost.
    Credential wrong = app;
    wrong.clientSecret = SecretBytes("rotated");
    QVERIFY(m_store->credentials().saveCredential(id, {id, vault.seal(id, wrong).value(), {}, {}, {}}).ok());
    const auto refused = m_sync->read(id, QStringLiteral("incidents"));
    QVERIFY2(refused->errorCode == QStringLiteral("auth.revoked"), qPrintable(refused->errorMessage));
    QVERIFY(refused->errorMessage.contains(QLatin1String("client credentials")));
    QCOMPARE(m_store->tenants().connection(id)->status, ConnectionStatus::NeedsReauth);
    QCOMPARE(m_store->records().recordCount(id, QStringLiteral("incidents")), read->recordCount);
}

void TestAuthorization::consoleReauthorisesThroughALoopbackRedirect()
{
    HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    const PortalCredentials portal = emulator.addPortal(QStringLiteral("umbrella"), 12, 8);
    CredentialVault vault(m_key);
    const qint64 connection = SandboxConnector(*m_store, vault)
                                  .connect(m_tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Umbrella HubSpot"),
                                           QStringLiteral("https://api.hubapi.com"), emulator.baseUrl(), portal,
                                           QDateTime::currentDateTimeUtc().addSecs(-10))
                                  .value();
    QVERIFY(serveConsentPageFrom(connection, emulator.baseUrl()));
    QVERIFY(emulator.revokeRefreshToken(QStringLiteral("umbrella")));
    QCOMPARE(m_sync->read(connection, QStringLiteral("contacts"))->errorCode, QStringLiteral("auth.revoked"));

    // What the console's Re-authorise button does: the URL for the browser, with a redirect back to a loopback
    // listener of the console (RFC 8252), which finishes the authorisation in the background.
    LocalOps ops(SqliteStore::open(m_dbPath).value(),
                 std::make_shared<SyncService>(m_dbPath, m_key, ProviderCatalog::builtIn(), SystemClock::instance()),
                 SystemClock::instance());
    QSignalSpy finished(&ops, &OpsApi::executionFinished);
    const QFuture<Result<QUrl>> asked = ops.beginReauthorization(connection);
    QTRY_VERIFY(asked.isFinished());
    const Result<QUrl> url = asked.result();
    QVERIFY2(url.ok(), qPrintable(url.ok() ? QString() : url.error().message));
    const QUrl redirect(QUrlQuery(url.value()).queryItemValue(QStringLiteral("redirect_uri"), QUrl::FullyDecoded));
    QCOMPARE(redirect.host(), QStringLiteral("127.0.0.1"));
    QCOMPARE(redirect.path(), QStringLiteral("/oauth/callback"));

    // The browser: the consent page redirects to the console, which answers with a page to close.
    QNetworkAccessManager browser;
    std::unique_ptr<QNetworkReply> page(browser.get(QNetworkRequest(url.value())));
    QVERIFY(QTest::qWaitFor([&] { return page->isFinished(); }, 5000));
    QCOMPARE(page->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QVERIFY(page->readAll().contains("Authorised"));
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().at(0).toLongLong(), connection);
    QVERIFY2(finished.first().at(2).toBool(), qPrintable(finished.first().at(3).toString()));
    QCOMPARE(m_store->tenants().connection(connection)->status, ConnectionStatus::Active);
    QCOMPARE(m_store->executions().execution(finished.first().at(1).toLongLong())->kind, QStringLiteral("authorize"));
    // Authorised again, the connection catches up on what it missed: a sync starts by itself.
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 15000);
    QCOMPARE(finished.at(1).at(0).toLongLong(), connection);
    QCOMPARE(m_store->executions().execution(finished.at(1).at(1).toLongLong())->kind, QStringLiteral("read"));

    // The same link again (a reload) changes nothing and says so.
    std::unique_ptr<QNetworkReply> again(browser.get(QNetworkRequest(page->url())));
    QVERIFY(QTest::qWaitFor([&] { return again->isFinished(); }, 5000));
    QVERIFY(again->readAll().contains("Unknown authorisation"));
    ops.waitForIdle();
}

void TestAuthorization::authorisationWithoutARefreshTokenOrAllScopesIsFlagged()
{
    HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    const PortalCredentials portal = emulator.addPortal(QStringLiteral("acme"), 5, 7);
    const qint64 connection = connectWithConsentPage(emulator, portal);
    QVERIFY(connection != 0);
    // A server that dropped offline access, and granted only the contacts scopes.
    emulator.setCodeGrantReturnsRefreshToken(false);
    emulator.setGrantedScope(
        QStringLiteral("crm.objects.contacts.read crm.objects.contacts.write crm.schemas.contacts.read"));

    const auto start = m_sync->beginAuthorization(connection, QUrl(QStringLiteral("http://127.0.0.1:9/cb")));
    QVERIFY(start.ok());
    const QString code = QUrlQuery(followAuthorize(start->url)).queryItemValue(QStringLiteral("code"));
    const auto authorised = m_sync->completeAuthorization(start->state, code);
    QVERIFY2(authorised->status == ExecutionStatus::Succeeded, qPrintable(authorised->errorMessage));
    QStringList warnings;
    for (const Event &event : m_store->executions().events(authorised->id).value()) {
        if (event.level == EventLevel::Warning)
            warnings.append(event.message);
    }
    QCOMPARE(warnings.size(), 2);
    QVERIFY2(warnings.at(0).startsWith(QStringLiteral("HubSpot granted no refresh token: the connection works until "
                                                      "its access token expires at 20")),
             qPrintable(warnings.at(0)));
    QCOMPARE(warnings.at(1), QStringLiteral("HubSpot granted fewer scopes than asked for; missing: "
                                            "crm.objects.companies.read, crm.schemas.companies.read. Requests that "
                                            "need them will be refused until the connection is authorised with them."));
    // Usable until the access token expires, with the reason it will stop on the connection.
    const Connection flagged = m_store->tenants().connection(connection).value();
    QCOMPARE(flagged.status, ConnectionStatus::Active);
    QVERIFY(flagged.statusMessage.contains(QStringLiteral("granted no refresh token")));
    QVERIFY(flagged.statusMessage.contains(QStringLiteral("missing: crm.objects.companies.read")));
    QVERIFY(m_sync->read(connection, QStringLiteral("contacts"))->status == ExecutionStatus::Succeeded);

    // A full grant says nothing and clears the message.
    emulator.setCodeGrantReturnsRefreshToken(true);
    emulator.setGrantedScope(QString());
    const auto again = m_sync->beginAuthorization(connection, QUrl(QStringLiteral("http://127.0.0.1:9/cb")));
    const QString secondCode = QUrlQuery(followAuthorize(again->url)).queryItemValue(QStringLiteral("code"));
    const auto full = m_sync->completeAuthorization(again->state, secondCode);
    QVERIFY2(full->status == ExecutionStatus::Succeeded, qPrintable(full->errorMessage));
    for (const Event &event : m_store->executions().events(full->id).value())
        QVERIFY2(event.level != EventLevel::Warning, qPrintable(event.message));
    QVERIFY(m_store->tenants().connection(connection)->statusMessage.isEmpty());
}

void TestAuthorization::callbackFromAnotherIssuerIsRefused_data()
{
    QTest::addColumn<QString>("declared"); // the definition's auth.issuer, or none
    QTest::addColumn<QString>("sent");     // the iss the server puts on the redirect ("emulator": its own origin)
    QTest::addColumn<bool>("accepted");
    QTest::newRow("declared, same") << "https://auth.hubspot.example"
                                    << "https://auth.hubspot.example" << true;
    QTest::newRow("declared, other") << "https://auth.hubspot.example"
                                     << "https://attacker.example" << false;
    QTest::newRow("declared, authorize origin is not enough") << "https://auth.hubspot.example"
                                                              << "https://app.hubspot.com" << false;
    QTest::newRow("undeclared, authorize origin") << ""
                                                  << "https://app.hubspot.com" << true;
    QTest::newRow("undeclared, the sandbox's origin") << ""
                                                      << "emulator" << true;
    QTest::newRow("undeclared, other") << ""
                                       << "https://attacker.example" << false;
    QTest::newRow("undeclared, other port") << ""
                                            << "https://app.hubspot.com:8443" << false;
}

void TestAuthorization::callbackFromAnotherIssuerIsRefused()
{
    QFETCH(QString, declared);
    QFETCH(QString, sent);
    QFETCH(bool, accepted);
    HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    const PortalCredentials portal = emulator.addPortal(QStringLiteral("acme"), 5, 8);
    if (!declared.isEmpty()) {
        m_sync->addDefinition(
            variant(QStringLiteral("hubspot.yaml"),
                    {{"  clientAuth: body\n", "  clientAuth: body\n  issuer: " + declared.toUtf8() + '\n'}}));
        QCOMPARE(m_sync->catalog().find(QStringLiteral("hubspot"))->auth.issuer, declared);
    }
    const qint64 connection = connectWithConsentPage(emulator, portal);
    QVERIFY(connection != 0);
    CredentialVault vault(m_key);
    emulator.setAuthorizationIssuer(
        sent == QLatin1String("emulator") ? emulator.baseUrl().toString(QUrl::StripTrailingSlash) : sent);
    const Credential before = vault.open(connection, m_store->credentials().credential(connection)->sealed).value();

    const auto start = m_sync->beginAuthorization(connection, QUrl(QStringLiteral("http://127.0.0.1:9/cb")));
    QVERIFY(start.ok());
    const QUrlQuery back(followAuthorize(start->url));
    QCOMPARE(back.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded), emulator.authorizationIssuer());
    const auto result = m_sync->completeAuthorization(start->state, back.queryItemValue(QStringLiteral("code")), {},
                                                      back.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded));
    QVERIFY(result.ok());
    const Credential after = vault.open(connection, m_store->credentials().credential(connection)->sealed).value();
    if (accepted) {
        QVERIFY2(result->status == ExecutionStatus::Succeeded, qPrintable(result->errorMessage));
        QVERIFY(!(after.accessToken == before.accessToken));
    } else {
        QCOMPARE(result->status, ExecutionStatus::Failed);
        QCOMPARE(result->errorCode, QStringLiteral("auth.wrong_issuer"));
        QVERIFY2(result->errorMessage.contains(emulator.authorizationIssuer()), qPrintable(result->errorMessage));
        // The code was never sent to a token endpoint, and nothing stored changed.
        QVERIFY(m_store->executions().exchanges(result->id).value().isEmpty());
        QVERIFY(after.accessToken == before.accessToken);
    }
}

QTEST_GUILESS_MAIN(TestAuthorization)
#include "TestAuthorization.moc"

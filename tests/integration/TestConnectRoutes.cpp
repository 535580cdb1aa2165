// The connection routes of patchbayd over real HTTP on loopback: a product creates an API-key connection and opens a
// connect session whose link the customer's browser follows through the HubSpot emulator's consent page; reading
// connections never shows a secret; roles and tenant-bound keys are held to; disconnect removes everything; each
// change leaves an audit entry.
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "server/DaemonServer.h"
#include "server/ServerContext.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QJsonArray>
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
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString code() const { return json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(); }
};

} // namespace

class TestConnectRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void productCreatesAnApiKeyConnectionAndReadsItWithoutSecrets();
    void badConnectionRequestsChangeNothing();
    void connectSessionConnectsThroughTheBrowser();
    void rolesAndTenantScopeAreHeldTo();
    void disconnectRemovesTheConnection();

private:
    Answer call(const QByteArray &method, const QString &pathOrUrl, const QString &key,
                const QJsonObject &body = {});
    QString key(ApiRole role, std::optional<qint64> tenant = std::nullopt);
    qint64 stripeConnection();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    PortalCredentials m_portal;
    std::unique_ptr<ServerContext> m_context;
    std::unique_ptr<DaemonServer> m_server;
    std::unique_ptr<Store> m_store;
    qint64 m_acme = 0;
    qint64 m_globex = 0;
    QString m_product;
};

void TestConnectRoutes::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    DaemonConfig config;
    config.databasePath = m_dir->filePath(QStringLiteral("patchbay.db"));
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_portal = m_emulator->addPortal(QStringLiteral("acme"), 8, 5);
    ProviderSettings hubspot;
    hubspot.clientId = m_portal.clientId;
    hubspot.clientSecret = SecretBytes(m_portal.clientSecret.toUtf8());
    const QString emulator = m_emulator->baseUrl().toString(QUrl::StripTrailingSlash);
    hubspot.originOverrides = QJsonObject{{QStringLiteral("https://api.hubapi.com"), emulator},
                                          {QStringLiteral("https://app.hubspot.com"), emulator}};
    config.providers.insert(QStringLiteral("hubspot"), hubspot);

    m_store = SqliteStore::open(config.databasePath).value();
    m_acme = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    m_globex = m_store->tenants().createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).value();
    auto sync = std::make_shared<SyncService>(config.databasePath, CredentialVault::generateKey(),
                                              ProviderCatalog::builtIn(), SystemClock::instance());
    sync->setIntegrations(IntegrationCatalog::builtIn(sync->catalog()));
    auto context = ServerContext::create(config, SystemClock::instance(), sync);
    QVERIFY2(context.ok(), qPrintable(context.ok() ? QString() : context.error().message));
    m_context = std::move(context).value();
    m_server = std::make_unique<DaemonServer>([] { return Result<void>(); }, m_context.get());
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0) != 0);
    m_product = key(ApiRole::Product);
}

void TestConnectRoutes::cleanup()
{
    m_server.reset();
    if (m_context)
        m_context->waitForStoreThread();
    m_context.reset();
    m_store.reset();
    m_emulator.reset();
    m_dir.reset();
}

QString TestConnectRoutes::key(ApiRole role, std::optional<qint64> tenant)
{
    return m_store->apiKeys().createApiKey(apiRoleName(role), role, tenant).value().secret;
}

Answer TestConnectRoutes::call(const QByteArray &method, const QString &pathOrUrl, const QString &key,
                               const QJsonObject &body)
{
    QNetworkAccessManager network;
    const QUrl url = pathOrUrl.startsWith(QLatin1Char('/')) ? m_server->baseUrl().resolved(QUrl(pathOrUrl))
                                                              : QUrl(pathOrUrl);
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (!key.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + key.toUtf8());
    request.setRawHeader("Content-Type", "application/json");
    const QByteArray payload = body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    std::unique_ptr<QNetworkReply> reply(network.sendCustomRequest(request, method, payload));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 10000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QUrl::fromEncoded(reply->rawHeader("Location")), reply->readAll()};
}

qint64 TestConnectRoutes::stripeConnection()
{
    const Answer created = call("POST", QStringLiteral("/api/v1/tenants/acme/connections"), m_product,
                                QJsonObject{{QStringLiteral("provider"), QStringLiteral("stripe")},
                                            {QStringLiteral("displayName"), QStringLiteral("Acme Stripe")},
                                            {QStringLiteral("credential"),
                                             QJsonObject{{QStringLiteral("apiKey"), QStringLiteral("sk_test_s3cret")}}},
                                            {QStringLiteral("config"),
                                             QJsonObject{{QStringLiteral("account_id"), QStringLiteral("acct_1")}}}});
    if (created.status != 201)
        qWarning() << created.status << created.body;
    return created.json().value(QStringLiteral("id")).toInteger();
}

void TestConnectRoutes::productCreatesAnApiKeyConnectionAndReadsItWithoutSecrets()
{
    const qint64 id = stripeConnection();
    QVERIFY(id > 0);
    const Answer got = call("GET", QStringLiteral("/api/v1/connections/%1").arg(id), key(ApiRole::Support));
    QCOMPARE(got.status, 200);
    QCOMPARE(got.json().value(QStringLiteral("provider")).toString(), QStringLiteral("stripe"));
    QCOMPARE(got.json().value(QStringLiteral("tenantId")).toInteger(), m_acme);
    QCOMPARE(got.json().value(QStringLiteral("status")).toString(), QStringLiteral("active"));
    const Answer listed = call("GET", QStringLiteral("/api/v1/tenants/acme/connections"), key(ApiRole::Viewer));
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.json().value(QStringLiteral("connections")).toArray().size(), 1);
    for (const Answer &answer : {got, listed})
        QVERIFY(!answer.body.contains("sk_test_s3cret"));
    const auto audit = m_store->audit().auditEntries({});
    QVERIFY(audit.ok() && !audit->isEmpty());
    QCOMPARE(audit->first().action, QStringLiteral("connection.create"));
    QCOMPARE(audit->first().target, QStringLiteral("connection:%1").arg(id));
    QVERIFY(!QJsonDocument(audit->first().after.toObject()).toJson().contains("sk_test_s3cret"));
}

void TestConnectRoutes::badConnectionRequestsChangeNothing()
{
    const QString path = QStringLiteral("/api/v1/tenants/acme/connections");
    const QJsonObject key{{QStringLiteral("apiKey"), QStringLiteral("k")}};
    struct Case
    {
        QJsonObject body;
        int status;
        const char *code;
    };
    const QList<Case> cases = {
        {{{QStringLiteral("provider"), QStringLiteral("stripe")}}, 400, "request.missing_field"},
        {{{QStringLiteral("provider"), QStringLiteral("stripe")}, {QStringLiteral("credential"), key},
          {QStringLiteral("secret"), QStringLiteral("x")}},
         400, "request.unknown_field"},
        {{{QStringLiteral("provider"), QStringLiteral("stripe")},
          {QStringLiteral("credential"), QJsonObject{{QStringLiteral("token"), QStringLiteral("k")}}}},
         400, "connection.unknown_field"},
        {{{QStringLiteral("provider"), QStringLiteral("zendesk")}, {QStringLiteral("credential"), key}},
         400, "connection.missing_field"},
        {{{QStringLiteral("provider"), QStringLiteral("hubspot")}, {QStringLiteral("credential"), key}},
         400, "connection.needs_browser"},
    };
    for (const Case &bad : cases) {
        const Answer answer = call("POST", path, m_product, bad.body);
        QCOMPARE(answer.status, bad.status);
        QCOMPARE(answer.code(), QString::fromLatin1(bad.code));
    }
    QCOMPARE(call("POST", QStringLiteral("/api/v1/tenants/nope/connections"), m_product,
                  {{QStringLiteral("provider"), QStringLiteral("stripe")}, {QStringLiteral("credential"), key}})
                 .status,
             404);
    QVERIFY(m_store->tenants().connections()->isEmpty());
    QVERIFY(m_store->audit().auditEntries({})->isEmpty());
}

void TestConnectRoutes::connectSessionConnectsThroughTheBrowser()
{
    const Answer session = call("POST", QStringLiteral("/api/v1/tenants/%1/connect-sessions").arg(m_acme), m_product,
                                {{QStringLiteral("provider"), QStringLiteral("hubspot")},
                                 {QStringLiteral("integration"), QStringLiteral("crm-contacts")},
                                 {QStringLiteral("redirectUrl"), QStringLiteral("https://app.example.com/done")}});
    QCOMPARE(session.status, 201);
    const QUrl link(session.json().value(QStringLiteral("url")).toString());
    QVERIFY(link.toString().startsWith(m_server->baseUrl().toString(QUrl::StripTrailingSlash) + "/connect/"));
    QVERIFY(QDateTime::fromString(session.json().value(QStringLiteral("expiresAt")).toString(), Qt::ISODateWithMs)
                .isValid());
    // The customer's browser: no API key.
    const Answer opened = call("GET", link.toString(), {});
    QCOMPARE(opened.status, 302);
    const Answer consented = call("GET", opened.location.toString(), {});
    QCOMPARE(consented.status, 302);
    const Answer done = call("GET", consented.location.toString(), {});
    QCOMPARE(done.status, 200);
    QVERIFY2(done.body.contains("Connected to HubSpot"), done.body.constData());

    const Answer listed = call("GET", QStringLiteral("/api/v1/tenants/acme/connections"), m_product);
    const QJsonArray connections = listed.json().value(QStringLiteral("connections")).toArray();
    QCOMPARE(connections.size(), 1);
    QCOMPARE(connections.first()[QStringLiteral("status")].toString(), QStringLiteral("active"));
    QCOMPARE(connections.first()[QStringLiteral("integration")].toString(), QStringLiteral("crm-contacts"));
    QVERIFY(connections.first()[QStringLiteral("tokenExpiresAt")].isString());
    QVERIFY(!listed.body.contains(m_portal.clientSecret.toUtf8()));
    // The link is spent.
    QCOMPARE(call("GET", link.toString(), {}).status, 409);
    // The connection the browser made is audited, by the product's key that asked for the link.
    const auto audit = m_store->audit().auditEntries({});
    QCOMPARE(audit->size(), 2);
    QCOMPARE(audit->last().action, QStringLiteral("connect_session.create"));
    const AuditEntry &created = audit->first();
    QCOMPARE(created.action, QStringLiteral("connection.create"));
    QCOMPARE(created.target,
             QStringLiteral("connection:%1").arg(connections.first()[QStringLiteral("id")].toInteger()));
    QCOMPARE(created.tenantId, m_acme);
    QCOMPARE(created.keyId, audit->last().keyId);
    QVERIFY(created.keyId > 0);
    QCOMPARE(created.keyName, audit->last().keyName);
    QCOMPARE(created.role, QStringLiteral("product"));
    QCOMPARE(created.after.toObject().value(QStringLiteral("connectSession")).toString(),
             session.json().value(QStringLiteral("id")).toString());
}

void TestConnectRoutes::rolesAndTenantScopeAreHeldTo()
{
    const QJsonObject body{{QStringLiteral("provider"), QStringLiteral("stripe")},
                           {QStringLiteral("credential"), QJsonObject{{QStringLiteral("apiKey"), QStringLiteral("k")}}}};
    for (const ApiRole role : {ApiRole::Support, ApiRole::Viewer}) {
        QCOMPARE(call("POST", QStringLiteral("/api/v1/tenants/acme/connections"), key(role), body).status, 403);
        QCOMPARE(call("POST", QStringLiteral("/api/v1/tenants/acme/connect-sessions"), key(role),
                      {{QStringLiteral("provider"), QStringLiteral("hubspot")}})
                     .status,
                 403);
    }
    QCOMPARE(call("POST", QStringLiteral("/api/v1/tenants/acme/connections"), key(ApiRole::Admin), body).status, 201);
    const qint64 id = stripeConnection();
    // A key bound to another tenant sees none of acme's.
    const QString globex = key(ApiRole::Product, m_globex);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/connections/%1").arg(id), globex).status, 404);
    QCOMPARE(call("DELETE", QStringLiteral("/api/v1/connections/%1").arg(id), globex).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/tenants/acme/connections"), globex).status, 404);
    QCOMPARE(call("POST", QStringLiteral("/api/v1/tenants/acme/connections"), globex, body).status, 404);
    QCOMPARE(call("POST", QStringLiteral("/api/v1/tenants/acme/connect-sessions"), globex,
                  {{QStringLiteral("provider"), QStringLiteral("hubspot")}})
                 .status,
             404);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/tenants/globex/connections"), globex).status, 200);
    QCOMPARE(m_store->tenants().connections(m_acme)->size(), 2);
}

void TestConnectRoutes::disconnectRemovesTheConnection()
{
    const qint64 id = stripeConnection();
    QVERIFY(id > 0);
    QCOMPARE(call("DELETE", QStringLiteral("/api/v1/connections/%1").arg(id), key(ApiRole::Support)).status, 403);
    QCOMPARE(call("DELETE", QStringLiteral("/api/v1/connections/%1").arg(id), m_product).status, 204);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/connections/%1").arg(id), m_product).status, 404);
    QCOMPARE(call("DELETE", QStringLiteral("/api/v1/connections/%1").arg(id), m_product).status, 404);
    QCOMPARE(m_store->credentials().credential(id).error().code, QStringLiteral("auth.no_credential"));
    const auto audit = m_store->audit().auditEntries({});
    QCOMPARE(audit->first().action, QStringLiteral("connection.delete"));
    QCOMPARE(audit->first().before.toObject().value(QStringLiteral("provider")).toString(), QStringLiteral("stripe"));
}

QTEST_GUILESS_MAIN(TestConnectRoutes)
#include "TestConnectRoutes.moc"

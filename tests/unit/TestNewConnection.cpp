#include "auth/CredentialVault.h"
#include "server/NewConnection.h"
#include "store/sqlite/SqliteStore.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;

// Creating a connection with an API key or a user name and password: the fields each provider's definition implies,
// sealed credentials, and requests refused whole.
class TestNewConnection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void fieldsComeFromTheDefinition();
    void basicUserAndPasswordFillConfigAndKey();
    void apiKeyConnectionIsSealed();
    void badRequestsChangeNothing_data();
    void badRequestsChangeNothing();

private:
    Result<Connection> create(const QJsonObject &body);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<CredentialVault> m_vault;
    ProviderCatalog m_providers = ProviderCatalog::builtIn();
    qint64 m_tenant = 0;
};

void TestNewConnection::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = SqliteStore::open(m_dir->filePath(QStringLiteral("patchbay.db"))).value();
    m_vault = std::make_unique<CredentialVault>(CredentialVault::generateKey());
    m_tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
}

Result<Connection> TestNewConnection::create(const QJsonObject &body)
{
    NewConnection request;
    request.tenantId = m_tenant;
    request.provider = body.value(QStringLiteral("provider")).toString();
    request.integration = body.value(QStringLiteral("integration")).toString();
    request.displayName = body.value(QStringLiteral("displayName")).toString();
    request.credential = body.value(QStringLiteral("credential")).toObject();
    request.config = body.value(QStringLiteral("config")).toObject();
    QMap<QString, ProviderSettings> settings;
    settings[QStringLiteral("zendesk")].originOverrides =
        QJsonObject{{QStringLiteral("https://{{$connection.subdomain}}.zendesk.com"), QStringLiteral("http://127.0.0.1:9")}};
    return createConnection(*m_store, *m_vault, m_providers, IntegrationCatalog::builtIn(m_providers), settings,
                            request);
}

void TestNewConnection::fieldsComeFromTheDefinition()
{
    const auto zendesk = ConnectionFields::of(*m_providers.find(QStringLiteral("zendesk")));
    QCOMPARE(zendesk.requiredConfig, (QStringList{QStringLiteral("email"), QStringLiteral("subdomain")}));
    QVERIFY(zendesk.usernameConfig.isEmpty()); // the user name is "{email}/token", not one field
    QVERIFY(zendesk.webhookSecret);
    const auto servicenow = ConnectionFields::of(*m_providers.find(QStringLiteral("servicenow")));
    QCOMPARE(servicenow.requiredConfig, (QStringList{QStringLiteral("instance"), QStringLiteral("username")}));
    QCOMPARE(servicenow.usernameConfig, QStringLiteral("username"));
    const auto stripe = ConnectionFields::of(*m_providers.find(QStringLiteral("stripe")));
    QVERIFY(stripe.requiredConfig.isEmpty());
    QVERIFY(stripe.optionalConfig.contains(QStringLiteral("account_id"))); // only a budget key
    const auto github = ConnectionFields::of(*m_providers.find(QStringLiteral("github")));
    QVERIFY(github.requiredConfig.contains(QStringLiteral("repo"))); // in every object's path
    // A value a token response captures is not the product's to give.
    const auto pipedrive = ConnectionFields::of(*m_providers.find(QStringLiteral("pipedrive")));
    QVERIFY(!pipedrive.requiredConfig.contains(QStringLiteral("api_domain")));
}

void TestNewConnection::basicUserAndPasswordFillConfigAndKey()
{
    const auto created = create(QJsonDocument::fromJson(R"({"provider": "servicenow", "displayName": "Acme SN",
        "credential": {"username": "integration.user", "password": "pa55word"},
        "config": {"instance": "acme"}})").object());
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));
    QCOMPARE(created->displayName, QStringLiteral("Acme SN"));
    QCOMPARE(created->config.value(QStringLiteral("username")).toString(), QStringLiteral("integration.user"));
    QCOMPARE(created->status, ConnectionStatus::Active);
    const Credential stored = m_vault->open(created->id, m_store->credentials().credential(created->id)->sealed).value();
    QCOMPARE(stored.apiKey.reveal(), QByteArray("pa55word"));
}

void TestNewConnection::apiKeyConnectionIsSealed()
{
    const auto created = create(QJsonDocument::fromJson(R"({"provider": "zendesk",
        "credential": {"apiKey": "zd-token-123", "webhookSecret": "whsec-9"},
        "config": {"subdomain": "acme", "email": "ops@acme.test"}})").object());
    QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));
    QCOMPARE(created->displayName, QStringLiteral("Zendesk"));
    // The server's origin overrides for the provider apply; the secret is nowhere but in the sealed blob.
    QVERIFY(created->config.contains(QStringLiteral("originOverrides")));
    const QByteArray config = QJsonDocument(created->config).toJson();
    QVERIFY(!config.contains("zd-token-123"));
    const Credential stored = m_vault->open(created->id, m_store->credentials().credential(created->id)->sealed).value();
    QCOMPARE(stored.apiKey.reveal(), QByteArray("zd-token-123"));
    QCOMPARE(stored.webhookSecret.reveal(), QByteArray("whsec-9"));
    QFile database(m_store->path());
    QVERIFY(database.open(QIODevice::ReadOnly));
    QVERIFY(!database.readAll().contains("zd-token-123"));
}

void TestNewConnection::badRequestsChangeNothing_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("named");
    QTest::newRow("unknown provider") << QByteArray(R"({"provider": "nope", "credential": {"apiKey": "k"}})")
                                      << "connection.unknown_provider" << "nope";
    QTest::newRow("oauth provider") << QByteArray(R"({"provider": "hubspot", "credential": {"apiKey": "k"}})")
                                    << "connection.needs_browser" << "connect session";
    QTest::newRow("unknown credential field")
        << QByteArray(R"({"provider": "stripe", "credential": {"apiKey": "k", "accessToken": "t"}})")
        << "connection.unknown_field" << "credential.accessToken";
    QTest::newRow("webhook secret where none is used")
        << QByteArray(R"({"provider": "servicenow", "credential": {"apiKey": "k", "webhookSecret": "w"},
                         "config": {"instance": "a", "username": "u"}})")
        << "connection.unknown_field" << "credential.webhookSecret";
    QTest::newRow("unknown config field")
        << QByteArray(R"({"provider": "stripe", "credential": {"apiKey": "k"}, "config": {"originOverrides": "x"}})")
        << "connection.unknown_field" << "config.originOverrides";
    QTest::newRow("missing key") << QByteArray(R"({"provider": "stripe", "credential": {}})")
                                 << "connection.missing_field" << "credential.apiKey";
    QTest::newRow("missing config")
        << QByteArray(R"({"provider": "zendesk", "credential": {"apiKey": "k"}, "config": {"subdomain": "a"}})")
        << "connection.missing_field" << "config.email";
    QTest::newRow("password without user")
        << QByteArray(R"({"provider": "servicenow", "credential": {"password": "p"}, "config": {"instance": "a"}})")
        << "connection.missing_field" << "credential.username";
    QTest::newRow("user and password where the user is not one field")
        << QByteArray(R"({"provider": "zendesk", "credential": {"username": "u", "password": "p"},
                         "config": {"subdomain": "a", "email": "e"}})")
        << "connection.unknown_field" << "(it has: apiKey, webhookSecret)";
    QTest::newRow("key not a string") << QByteArray(R"({"provider": "stripe", "credential": {"apiKey": 42}})")
                                      << "connection.bad_value" << "credential.apiKey";
    QTest::newRow("empty config value")
        << QByteArray(R"({"provider": "zendesk", "credential": {"apiKey": "k"}, "config": {"subdomain": "", "email": "e"}})")
        << "connection.bad_value" << "config.subdomain";
    QTest::newRow("integration of another provider")
        << QByteArray(R"({"provider": "stripe", "integration": "crm-contacts", "credential": {"apiKey": "k"}})")
        << "connection.unknown_integration" << "crm-contacts";
}

void TestNewConnection::badRequestsChangeNothing()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, named);
    const auto created = create(QJsonDocument::fromJson(body).object());
    QVERIFY(!created.ok());
    QCOMPARE(created.error().code, code);
    QVERIFY2(created.error().message.contains(named), qPrintable(created.error().message));
    QVERIFY(m_store->tenants().connections(m_tenant)->isEmpty());
    QVERIFY(m_store->credentials().credentials()->isEmpty());
}

QTEST_GUILESS_MAIN(TestNewConnection)
#include "TestNewConnection.moc"

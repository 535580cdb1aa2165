// The proxy end to end: the real patchbayd process on loopback relays the product's calls to the HubSpot emulator,
// and a call that runs into the emulator's 429 comes back at once with the RateLimit fields over real HTTP.
#include "DaemonProcess.h"
#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "http/HttpClient.h"
#include "hubspot/HubSpotEmulator.h"
#include "store/sqlite/SqliteStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestProxyEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void proxiedCallRunsIntoTheProvidersRateLimit();
};

void TestProxyEndToEnd::proxiedCallRunsIntoTheProvidersRateLimit()
{
    HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    DaemonProcess daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    const auto tenant = daemon.request("POST", QStringLiteral("/api/v1/tenants"), R"({"name":"acme"})");
    QCOMPARE(tenant.status, 201);

    // A connection to an emulator portal, stored as the connect flow would (the daemon shares the database).
    qint64 connection = 0;
    {
        auto store = SqliteStore::open(daemon.databasePath());
        QVERIFY(store);
        const CredentialVault vault(daemon.masterKey());
        auto connected = SandboxConnector(*store.value(), vault)
                             .connect(tenant.json.value(QStringLiteral("id")).toInteger(), 0,
                                      QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                      QStringLiteral("https://api.hubapi.com"), emulator.baseUrl(),
                                      emulator.addPortal(QStringLiteral("acme"), 3, 11),
                                      QDateTime::currentDateTimeUtc().addSecs(1800));
        QVERIFY(connected);
        connection = connected.value();
    }

    HttpClient client;
    const auto proxied = [&](const QString &rest) {
        HttpRequest request;
        // Taken as written, so that nothing on the client's side cleans the path up first.
        request.url = QUrl(daemon.baseUrl().toString(QUrl::StripTrailingSlash)
                               + QStringLiteral("/api/v1/proxy/%1/%2").arg(connection).arg(rest),
                           QUrl::StrictMode);
        request.setHeader("Authorization", "Bearer " + daemon.adminKey());
        return client.send(request);
    };
    const HttpResponse listed = proxied(QStringLiteral("crm/v3/objects/contacts?limit=3"));
    QCOMPARE(listed.status, 200);
    QCOMPARE(QJsonDocument::fromJson(listed.body).object().value(QStringLiteral("results")).toArray().size(), 3);
    QVERIFY(listed.header("RateLimit").startsWith(R"("secondly";r=9;t=1)"));

    emulator.failNextRequests(1, 5, QStringLiteral("TEN_SECONDLY_ROLLING"));
    emulator.clearRequestLog();
    const HttpResponse limited = proxied(QStringLiteral("crm/v3/objects/contacts"));
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("Retry-After"), QByteArray("5"));
    QVERIFY2(limited.header("RateLimit").contains(R"("hubspot";r=0;t=5)"), limited.header("RateLimit").constData());
    QVERIFY(limited.header("RateLimit-Policy").contains(R"("secondly";q=10;w=1)"));
    QCOMPARE(limited.header("RateLimit-Remaining"), QByteArray("0"));
    QCOMPARE(limited.header("RateLimit-Reset"), QByteArray("5"));
    QCOMPARE(emulator.requestLog().size(), 1); // not retried behind the caller

    // Over real HTTP too, a path that would climb out of the API is refused and sends nothing.
    const HttpResponse escaping = proxied(QStringLiteral("crm%2F..%2F..%2Foauth%2Fv1%2Ftoken"));
    QCOMPARE(escaping.status, 400);
    QCOMPARE(QJsonDocument::fromJson(escaping.body).object().value(QStringLiteral("error")).toObject().value(
                 QStringLiteral("code")).toString(),
             QStringLiteral("request.bad_proxy_path"));
    QCOMPARE(emulator.requestLog().size(), 1);
    QCOMPARE(daemon.stop(), 0);
}

QTEST_GUILESS_MAIN(TestProxyEndToEnd)
#include "TestProxyEndToEnd.moc"

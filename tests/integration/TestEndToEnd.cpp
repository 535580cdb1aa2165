// patchbayd end to end, as a SaaS product uses it: the real patchbayd process on loopback, the sandbox emulators as
// the provider, and the product's backend and its customer's browser as HTTP clients.
#include "DaemonProcess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

class TestEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tenantsOutliveARestart();
};

void TestEndToEnd::tenantsOutliveARestart()
{
    DaemonProcess daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    QVERIFY(daemon.baseUrl().port() > 0);
    const auto created = daemon.request("POST", QStringLiteral("/api/v1/tenants"),
                                        R"({"name":"acme","displayName":"Acme Inc."})");
    QCOMPARE(created.status, 201);
    const qint64 id = created.json.value(QStringLiteral("id")).toInteger();
    QVERIFY(id > 0);
    // Without a key, nothing.
    QCOMPARE(daemon.request("GET", QStringLiteral("/api/v1/tenants"), {}, "pb_wrong").errorCode(),
             QStringLiteral("auth.bad_key"));
    QCOMPARE(daemon.stop(), 0);
    QVERIFY(!daemon.waitForLog(QStringLiteral("patchbayd stopped"), 0).isEmpty());

    // The same database and key after a restart: the tenant, and the admin key, are still there.
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    const auto listed = daemon.request("GET", QStringLiteral("/api/v1/tenants/acme"));
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.json.value(QStringLiteral("id")).toInteger(), id);
    QCOMPARE(listed.json.value(QStringLiteral("displayName")).toString(), QStringLiteral("Acme Inc."));
    QCOMPARE(daemon.stop(), 0);
}

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "TestEndToEnd.moc"

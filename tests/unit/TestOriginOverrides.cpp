#include "catalog/OriginOverrides.h"

#include <QtTest>

using namespace patchbay;

class TestOriginOverrides : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sendsAnOriginToItsOverride_data();
    void sendsAnOriginToItsOverride();
    void findsTheOriginOfATemplate_data();
    void findsTheOriginOfATemplate();
};

void TestOriginOverrides::sendsAnOriginToItsOverride_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain origin") << QStringLiteral("https://api.hubapi.com") << QStringLiteral("http://127.0.0.1:8787")
                                  << QStringLiteral("https://api.hubapi.com/crm/v3/objects/contacts?limit=100")
                                  << QStringLiteral("http://127.0.0.1:8787/crm/v3/objects/contacts?limit=100");
    QTest::newRow("templated host, prefixed target")
        << QStringLiteral("https://{{$connection.subdomain}}.zendesk.com")
        << QStringLiteral("http://127.0.0.1:8790/_subdomain/acme/")
        << QStringLiteral("https://acme.zendesk.com/api/v2/tickets.json")
        << QStringLiteral("http://127.0.0.1:8790/_subdomain/acme/api/v2/tickets.json");
    QTest::newRow("another host with the same start")
        << QStringLiteral("https://{{$connection.subdomain}}.zendesk.com") << QStringLiteral("http://127.0.0.1:8790")
        << QStringLiteral("https://acme.zendesk.com.example.org/api/v2")
        << QStringLiteral("https://acme.zendesk.com.example.org/api/v2");
    QTest::newRow("already at the target: never doubled")
        << QStringLiteral("{{$connection.instance_url}}") << QStringLiteral("http://127.0.0.1:8788/prefix")
        << QStringLiteral("http://127.0.0.1:8788/prefix/services/data/v59.0/query")
        << QStringLiteral("http://127.0.0.1:8788/prefix/services/data/v59.0/query");
    QTest::newRow("a template that renders nothing matches nothing")
        << QStringLiteral("{{$connection.missing}}") << QStringLiteral("http://127.0.0.1:8788")
        << QStringLiteral("https://login.salesforce.com/services/oauth2/token")
        << QStringLiteral("https://login.salesforce.com/services/oauth2/token");
}

void TestOriginOverrides::sendsAnOriginToItsOverride()
{
    QFETCH(QString, key);
    QFETCH(QString, target);
    QFETCH(QString, url);
    QFETCH(QString, expected);
    const QJsonObject config{{QStringLiteral("originOverrides"), QJsonObject{{key, target}}},
                             {QStringLiteral("subdomain"), QStringLiteral("acme")},
                             {QStringLiteral("instance_url"), QStringLiteral("http://127.0.0.1:8788")}};
    jsonata::Bindings bindings;
    bindings.set("connection", jsonata::Value::fromQJsonValue(config));
    QCOMPARE(OriginOverrides::apply(config, url, bindings).toString(), expected);
}

void TestOriginOverrides::findsTheOriginOfATemplate_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("origin");
    QTest::newRow("plain") << QStringLiteral("https://api.hubapi.com") << QStringLiteral("https://api.hubapi.com");
    QTest::newRow("templated host") << QStringLiteral("https://{{$connection.subdomain}}.zendesk.com/api/v2")
                                    << QStringLiteral("https://{{$connection.subdomain}}.zendesk.com");
    QTest::newRow("whole origin a template") << QStringLiteral("{{$connection.instance_url}}/services/data/v59.0")
                                             << QStringLiteral("{{$connection.instance_url}}");
    QTest::newRow("templated path") << QStringLiteral("https://api.atlassian.com/ex/jira/{{$connection.cloud_id}}/rest")
                                    << QStringLiteral("https://api.atlassian.com");
    QTest::newRow("slash inside a part") << QStringLiteral("https://{{$connection.a ? 'x' : 'y/z'}}.example.com/v1")
                                         << QStringLiteral("https://{{$connection.a ? 'x' : 'y/z'}}.example.com");
}

void TestOriginOverrides::findsTheOriginOfATemplate()
{
    QFETCH(QString, url);
    QFETCH(QString, origin);
    QCOMPARE(OriginOverrides::originOf(url), origin);
}

QTEST_GUILESS_MAIN(TestOriginOverrides)
#include "TestOriginOverrides.moc"

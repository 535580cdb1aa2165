#include "catalog/TemplateText.h"

#include <QJsonObject>
#include <QtTest>

using namespace patchbay;

class TestTemplateText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void urlValuesCannotChangeTheUrl_data();
    void urlValuesCannotChangeTheUrl();
    void plainTemplatesInsertValuesAsTheyAre();
};

void TestTemplateText::urlValuesCannotChangeTheUrl_data()
{
    QTest::addColumn<QString>("templateText");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected"); // empty: refused

    const QString path = QStringLiteral("/tickets/{{$connection.v}}.json");
    QTest::newRow("plain id") << path << QStringLiteral("123") << QStringLiteral("/tickets/123.json");
    QTest::newRow("slash") << path << QStringLiteral("1/../../admin")
                           << QStringLiteral("/tickets/1%2F..%2F..%2Fadmin.json");
    QTest::newRow("query and fragment") << path << QStringLiteral("1?x=1#y")
                                        << QStringLiteral("/tickets/1%3Fx=1%23y.json");
    QTest::newRow("percent") << path << QStringLiteral("%2F") << QStringLiteral("/tickets/%252F.json");
    QTest::newRow("dot segment") << QStringLiteral("/issue/{{$connection.v}}") << QStringLiteral("..")
                                 << QStringLiteral("/issue/%2E%2E");
    QTest::newRow("line break") << path << QStringLiteral("1\r\nX: y") << QStringLiteral("/tickets/1%0D%0AX:%20y.json");
    QTest::newRow("query value") << QStringLiteral("/search?q={{$connection.v}}") << QStringLiteral("a&b=c")
                                 << QStringLiteral("/search?q=a%26b%3Dc");

    const QString host = QStringLiteral("https://{{$connection.v}}.zendesk.com/api/v2");
    QTest::newRow("subdomain") << host << QStringLiteral("acme") << QStringLiteral("https://acme.zendesk.com/api/v2");
    QTest::newRow("subdomain naming another host") << host << QStringLiteral("evil.com/x?") << QString();
    QTest::newRow("subdomain with user info") << host << QStringLiteral("evil.com@x") << QString();

    const QString origin = QStringLiteral("{{$connection.v}}/services/data/v59.0");
    QTest::newRow("instance URL") << origin << QStringLiteral("https://na1.my.salesforce.com")
                                  << QStringLiteral("https://na1.my.salesforce.com/services/data/v59.0");
    QTest::newRow("instance URL with user info")
        << origin << QStringLiteral("https://na1.my.salesforce.com@evil.com") << QString();
    QTest::newRow("instance URL not on the web") << origin << QStringLiteral("file:///etc") << QString();
    QTest::newRow("instance URL with a query") << origin << QStringLiteral("https://evil.com/?") << QString();
}

void TestTemplateText::urlValuesCannotChangeTheUrl()
{
    QFETCH(QString, templateText);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    jsonata::Bindings bindings;
    bindings.set("connection", jsonata::Value::fromQJsonValue(QJsonObject{{QStringLiteral("v"), value}}));
    const auto rendered = TemplateText::renderUrl(templateText, bindings);
    if (expected.isEmpty()) {
        QVERIFY(!rendered.ok());
        QCOMPARE(rendered.error().code, QStringLiteral("template.unsafe_url"));
        QVERIFY2(rendered.error().message.contains(QLatin1String("$connection.v")),
                 qPrintable(rendered.error().message));
    } else {
        QVERIFY2(rendered.ok(), qPrintable(rendered.ok() ? QString() : rendered.error().message));
        QCOMPARE(rendered.value(), expected);
    }
}

void TestTemplateText::plainTemplatesInsertValuesAsTheyAre()
{
    jsonata::Bindings bindings;
    bindings.set("connection",
                 jsonata::Value::fromQJsonValue(QJsonObject{{QStringLiteral("v"), QStringLiteral("a/b")}}));
    QCOMPARE(TemplateText::render(QStringLiteral("{{$connection.v}}/token"), bindings).value(),
             QStringLiteral("a/b/token"));
}

QTEST_GUILESS_MAIN(TestTemplateText)
#include "TestTemplateText.moc"

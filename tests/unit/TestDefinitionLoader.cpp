#include "catalog/DefinitionLoader.h"
#include "catalog/ProviderCatalog.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;

class TestDefinitionLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInHubSpotLoads();
    void badDefinitionsPointAtTheProblem_data();
    void badDefinitionsPointAtTheProblem();
    void missingFileIsReported();
    void unknownProviderNamesTheKnownOnes();

private:
    static QByteArray minimal();
};

QByteArray TestDefinitionLoader::minimal()
{
    return "name: demo\n"
           "baseUrl: https://api.example.com\n"
           "auth:\n"
           "  type: bearer\n"
           "objects:\n"
           "  things:\n"
           "    list: { path: /things, recordsPath: data }\n";
}

void TestDefinitionLoader::builtInHubSpotLoads()
{
    const ProviderCatalog catalog = ProviderCatalog::builtIn();
    const ProviderDefinition *hubspot = catalog.find(QStringLiteral("hubspot"));
    QVERIFY(hubspot);
    QCOMPARE(hubspot->auth.type, QStringLiteral("oauth2"));
    QCOMPARE(hubspot->pagination.type, QStringLiteral("cursor"));
    QCOMPARE(hubspot->pagination.nextPath, QStringLiteral("paging.next.after"));
    QCOMPARE(hubspot->rateLimit.retryOn.size(), 1);
    QCOMPARE(hubspot->rateLimit.retryOn.first().status, 429);
    QCOMPARE(hubspot->rateLimit.retryOn.first().retryAfterHeader, QStringLiteral("Retry-After"));
    QVERIFY(hubspot->objects.contains(QStringLiteral("contacts")));
    QCOMPARE(hubspot->objects.value(QStringLiteral("contacts")).list.recordsPath, QStringLiteral("results"));
}

void TestDefinitionLoader::badDefinitionsPointAtTheProblem_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // "line:col: message fragment"

    QTest::newRow("broken yaml") << QByteArray("name: demo\nauth: [unclosed\n") << QStringLiteral("3:1: not valid YAML");
    QByteArray misspelt = minimal();
    misspelt.replace("  type: bearer\n", "  type: bearer\n  tokenUlr: https://x\n");
    QTest::newRow("unknown field") << misspelt << QStringLiteral("5:3: unknown field 'tokenUlr' in auth");
    QByteArray badType = minimal();
    badType.replace("type: bearer", "type: oauth3");
    QTest::newRow("bad enum") << badType << QStringLiteral("4:9: 'type' must be one of");
    QByteArray noPath = minimal();
    noPath.replace("path: /things, ", "");
    QTest::newRow("missing path") << noPath << QStringLiteral("7:11: object 'things' list needs the field 'path'");
    QByteArray badUrl = minimal();
    badUrl.replace("https://api.example.com", "api.example.com");
    QTest::newRow("relative url") << badUrl << QStringLiteral("2:10: 'baseUrl' must be an absolute http(s) URL");
    QByteArray oauthNoToken = minimal();
    oauthNoToken.replace("type: bearer", "type: oauth2");
    QTest::newRow("oauth without tokenUrl") << oauthNoToken << QStringLiteral("4:3: auth needs the field 'tokenUrl'");
}

void TestDefinitionLoader::badDefinitionsPointAtTheProblem()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const DefinitionLoadResult result = DefinitionLoader::loadText(yaml, QStringLiteral("demo.yaml"));
    QVERIFY(!result.ok());
    QStringList lines;
    for (const DefinitionError &error : result.errors)
        lines.append(error.toString());
    const QString all = lines.join(QLatin1Char('\n'));
    QVERIFY2(all.contains(QStringLiteral("demo.yaml:") + expected), qPrintable(all));
}

void TestDefinitionLoader::missingFileIsReported()
{
    const DefinitionLoadResult result = DefinitionLoader::loadFile(QStringLiteral("/nonexistent/x.yaml"));
    QVERIFY(!result.ok());
    QVERIFY(result.errors.first().toString().startsWith(QStringLiteral("/nonexistent/x.yaml:0:0: cannot read")));
}

void TestDefinitionLoader::unknownProviderNamesTheKnownOnes()
{
    const auto missing = ProviderCatalog::builtIn().get(QStringLiteral("nosuch"));
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().message.contains(QStringLiteral("hubspot")));
}

QTEST_GUILESS_MAIN(TestDefinitionLoader)
#include "TestDefinitionLoader.moc"

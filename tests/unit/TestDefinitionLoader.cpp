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

    // Writes, schemas and webhooks: the same file:line:col and words that say what to add.
    QByteArray batchWithoutResults = minimal();
    batchWithoutResults += "    write:\n"
                           "      batchCreate: { path: /things/batch, body: '{\"inputs\": $records}' }\n";
    QTest::newRow("batch without results")
        << batchWithoutResults << QStringLiteral("9:20: object 'things' write batchCreate needs 'results'");
    QByteArray badBody = minimal();
    badBody += "    write:\n"
               "      create: { path: /things, body: '{\"a\": $record.' }\n";
    QTest::newRow("write body not JSONata") << badBody << QStringLiteral("9:38: 'body' is not a valid JSONata expression: S0207");
    QByteArray emptyWrite = minimal();
    emptyWrite += "    write: {}\n";
    QTest::newRow("empty write")
        << emptyWrite << QStringLiteral("8:12: object 'things' write needs at least one of create, update, batchCreate");
    QByteArray schemaWithoutPath = minimal();
    schemaWithoutPath += "    schema: { fieldsPath: fields }\n";
    QTest::newRow("schema without path") << schemaWithoutPath << QStringLiteral("8:13: object 'things' schema needs the field 'path'");
    QByteArray webhooksWithoutEvents = minimal();
    webhooksWithoutEvents += "webhooks:\n"
                             "  signature: { message: '$body', provided: '$headers.sig' }\n";
    QTest::newRow("webhooks without events") << webhooksWithoutEvents << QStringLiteral("9:3: 'webhooks' needs an 'events' section");
    QByteArray unsignedSignature = minimal();
    unsignedSignature += "webhooks:\n"
                         "  signature: { algorithm: hmac-sha256 }\n"
                         "  events: { object: '\"things\"', recordId: id }\n";
    QTest::newRow("signature without message")
        << unsignedSignature << QStringLiteral("9:14: a webhook signature needs 'message' and 'provided'");
    QByteArray accountWithoutKey = minimal();
    accountWithoutKey += "webhooks:\n"
                         "  events: { object: '\"things\"', recordId: id, account: portalId }\n";
    QTest::newRow("account without accountKey")
        << accountWithoutKey << QStringLiteral("9:3: webhook events with an 'account' need 'accountKey'");
    QByteArray budgetWithoutRequests = minimal();
    budgetWithoutRequests += "rateLimit:\n"
                             "  budget: { perSeconds: 10 }\n";
    QTest::newRow("budget without requests") << budgetWithoutRequests << QStringLiteral("9:11: a budget needs the field 'requests'");
    QByteArray badRetryCondition = minimal();
    badRetryCondition += "rateLimit:\n"
                         "  retryOn:\n"
                         "    - { status: 403, when: '$headers.x = ' }\n";
    QTest::newRow("retry condition not JSONata") << badRetryCondition << QStringLiteral("10:28: 'when' is not a valid JSONata expression: S0207");
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

#include "catalog/DefinitionLoader.h"
#include "catalog/IntegrationLoader.h"
#include "catalog/ProviderCatalog.h"
#include "catalog/YamlDocument.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

using namespace patchbay;

class TestDefinitionLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInHubSpotLoads();
    void builtInHubSpotDeclaresBothOfItsWindows();
    void builtInGreenhouseHoldsForItsTenSecondWindow();
    void everyWindowAndBudgetIsRead();
    void badDefinitionsPointAtTheProblem_data();
    void badDefinitionsPointAtTheProblem();
    void missingFileIsReported();
    void unknownProviderNamesTheKnownOnes();
    void duplicateKeysNameBothPositions();
    void hostileTextIsRefusedWithItsPosition_data();
    void hostileTextIsRefusedWithItsPosition();
    void manifestsGetTheSameChecks();
    void nonRegularAndHugeFilesAreRefusedBeforeReading_data();
    void nonRegularAndHugeFilesAreRefusedBeforeReading();

private:
    static QByteArray minimal();
    static QString allErrors(const QList<DefinitionError> &errors);
};

QString TestDefinitionLoader::allErrors(const QList<DefinitionError> &errors)
{
    QStringList lines;
    for (const DefinitionError &error : errors)
        lines.append(error.toString());
    return lines.join(QLatin1Char('\n'));
}

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

void TestDefinitionLoader::builtInHubSpotDeclaresBothOfItsWindows()
{
    // HubSpot counts a portal's calls per second and per 10 seconds: both are kept as budgets, and both remaining
    // headers hold the portal's calls when spent.
    const ProviderCatalog catalog = ProviderCatalog::builtIn();
    const RateLimitSpec &limits = catalog.find(QStringLiteral("hubspot"))->rateLimit;
    QCOMPARE(limits.budgets.size(), 2);
    QCOMPARE(limits.budgets.at(0).perSeconds, 10);
    QCOMPARE(limits.budgets.at(1).perSeconds, 1);
    QVERIFY(limits.budgets.at(1).requests < 10);
    QCOMPARE(limits.windows.size(), 2);
    QCOMPARE(limits.windows.at(0).remainingHeader, QStringLiteral("X-HubSpot-RateLimit-Secondly-Remaining"));
    QCOMPARE(limits.windows.at(0).intervalSeconds, 1);
    QCOMPARE(limits.windows.at(1).remainingHeader, QStringLiteral("X-HubSpot-RateLimit-Remaining"));
    QCOMPARE(limits.windows.at(1).intervalHeader, QStringLiteral("X-HubSpot-RateLimit-Interval-Milliseconds"));
    QCOMPARE(limits.windows.at(1).intervalUnit, QStringLiteral("milliseconds"));
    for (const RemainingWindow &window : limits.windows)
        QCOMPARE(window.key, QStringLiteral("{{$connection.portal_id}}"));
}

void TestDefinitionLoader::builtInGreenhouseHoldsForItsTenSecondWindow()
{
    // Harvest's X-RateLimit-Remaining counts 10 seconds and comes without a reset header: at 0, wait that long.
    const ProviderCatalog catalog = ProviderCatalog::builtIn();
    const RateLimitSpec &limits = catalog.find(QStringLiteral("greenhouse"))->rateLimit;
    QCOMPARE(limits.windows.size(), 1);
    QCOMPARE(limits.windows.first().remainingHeader, QStringLiteral("X-RateLimit-Remaining"));
    QCOMPARE(limits.windows.first().intervalSeconds, 10);
    QVERIFY(limits.windows.first().resetKnown());
}

void TestDefinitionLoader::everyWindowAndBudgetIsRead()
{
    QByteArray yaml = minimal();
    yaml += "rateLimit:\n"
            "  remainingHeader: X-Left\n"
            "  limitHeader: X-Limit\n"
            "  policy: hourly\n"
            "  resetHeader: X-Reset\n"
            "  slowDownBelow: 3\n"
            "  budgets:\n"
            "    - { requests: 5, perSeconds: 1, key: '{{$connection.account}}' }\n"
            "    - { requests: 40, perSeconds: 60 }\n"
            "  windows:\n"
            "    - { remainingHeader: X-Minute-Left, limitHeader: X-Minute-Max, intervalSeconds: 60, holdBelow: 2 }\n"
            "    - { remainingHeader: X-Day-Left, resetHeader: X-Day-Reset, resetFormat: iso8601 }\n";
    const DefinitionLoadResult loaded = DefinitionLoader::loadText(yaml, QStringLiteral("demo.yaml"));
    QVERIFY2(loaded.ok(), qPrintable(loaded.errors.isEmpty() ? QString() : loaded.errors.first().toString()));
    const RateLimitSpec &limits = loaded.definition->rateLimit;
    QCOMPARE(limits.budgets.size(), 2);
    QCOMPARE(limits.budgets.at(0).requests, 5);
    QCOMPARE(limits.budgets.at(0).key, QStringLiteral("{{$connection.account}}"));
    QCOMPARE(limits.budgets.at(1).perSeconds, 60);
    // The one-window form comes first, then the list.
    QCOMPARE(limits.windows.size(), 3);
    QCOMPARE(limits.windows.at(0).remainingHeader, QStringLiteral("X-Left"));
    QCOMPARE(limits.windows.at(0).resetHeader, QStringLiteral("X-Reset"));
    QCOMPARE(limits.windows.at(0).holdBelow, 3);
    QCOMPARE(limits.windows.at(0).limitHeader, QStringLiteral("X-Limit"));
    QCOMPARE(limits.windows.at(0).policyName(), QStringLiteral("hourly"));
    QCOMPARE(limits.windows.at(1).limitHeader, QStringLiteral("X-Minute-Max"));
    QCOMPARE(limits.windows.at(1).policyName(), QStringLiteral("x-minute-left")); // unnamed: its header
    QCOMPARE(limits.windows.at(1).intervalSeconds, 60);
    QCOMPARE(limits.windows.at(1).holdBelow, 2);
    QCOMPARE(limits.windows.at(2).resetFormat, QStringLiteral("iso8601"));
    QCOMPARE(limits.windows.at(2).holdBelow, 1);

    // The single budget is a one-element list.
    QByteArray single = minimal();
    single += "rateLimit:\n"
              "  budget: { requests: 7, perSeconds: 2 }\n";
    const DefinitionLoadResult one = DefinitionLoader::loadText(single, QStringLiteral("demo.yaml"));
    QVERIFY(one.ok());
    QCOMPARE(one.definition->rateLimit.budgets.size(), 1);
    QCOMPARE(one.definition->rateLimit.budgets.first().requests, 7);
}

void TestDefinitionLoader::badDefinitionsPointAtTheProblem_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected"); // "line:col: message fragment"

    QTest::newRow("broken yaml") << QByteArray("name: demo\nauth: [unclosed\n")
                                 << QStringLiteral("3:1: not valid YAML");
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
    QTest::newRow("write body not JSONata")
        << badBody << QStringLiteral("9:38: 'body' is not a valid JSONata expression: S0207");
    QByteArray emptyWrite = minimal();
    emptyWrite += "    write: {}\n";
    QTest::newRow("empty write")
        << emptyWrite
        << QStringLiteral("8:12: object 'things' write needs at least one of create, update, batchCreate");
    QByteArray schemaWithoutPath = minimal();
    schemaWithoutPath += "    schema: { fieldsPath: fields }\n";
    QTest::newRow("schema without path") << schemaWithoutPath
                                         << QStringLiteral("8:13: object 'things' schema needs the field 'path'");
    QByteArray webhooksWithoutEvents = minimal();
    webhooksWithoutEvents += "webhooks:\n"
                             "  signature: { message: '$body', provided: '$headers.sig' }\n";
    QTest::newRow("webhooks without events")
        << webhooksWithoutEvents << QStringLiteral("9:3: 'webhooks' needs an 'events' section");
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
    QTest::newRow("budget without requests")
        << budgetWithoutRequests << QStringLiteral("9:11: a budget needs the field 'requests'");
    QByteArray budgetInTheList = minimal();
    budgetInTheList += "rateLimit:\n"
                       "  budgets:\n"
                       "    - { requests: 5, perSeconds: 1 }\n"
                       "    - { perSeconds: 10 }\n";
    QTest::newRow("listed budget without requests")
        << budgetInTheList << QStringLiteral("11:7: a budget needs the field 'requests'");
    QByteArray bothForms = minimal();
    bothForms += "rateLimit:\n"
                 "  budget: { requests: 5 }\n"
                 "  budgets: [{ requests: 6 }]\n";
    QTest::newRow("budget and budgets") << bothForms << QStringLiteral("10:12: use either 'budget' or 'budgets'");
    QByteArray windowWithoutReset = minimal();
    windowWithoutReset += "rateLimit:\n"
                          "  windows:\n"
                          "    - { remainingHeader: X-Left }\n";
    QTest::newRow("window without reset")
        << windowWithoutReset
        << QStringLiteral("10:7: a window needs 'resetHeader', 'intervalHeader' or 'intervalSeconds'");
    QByteArray windowWithoutHeader = minimal();
    windowWithoutHeader += "rateLimit:\n"
                           "  windows:\n"
                           "    - { intervalSeconds: 1 }\n";
    QTest::newRow("window without remainingHeader")
        << windowWithoutHeader << QStringLiteral("10:7: a window needs the field 'remainingHeader'");
    QByteArray quotedPolicy = minimal();
    quotedPolicy += "rateLimit:\n"
                    "  windows:\n"
                    "    - { remainingHeader: X-Left, intervalSeconds: 1, policy: 'a\"b' }\n";
    QTest::newRow("policy that would end a structured field string")
        << quotedPolicy << QStringLiteral("10:62: 'policy' must be 1 to 64 letters");
    QByteArray limitWithoutWindow = minimal();
    limitWithoutWindow += "rateLimit:\n"
                          "  limitHeader: X-Limit\n";
    QTest::newRow("limitHeader without remainingHeader")
        << limitWithoutWindow << QStringLiteral("9:3: 'limitHeader' and 'policy' describe the window");
    QByteArray badRetryCondition = minimal();
    badRetryCondition += "rateLimit:\n"
                         "  retryOn:\n"
                         "    - { status: 403, when: '$headers.x = ' }\n";
    QTest::newRow("retry condition not JSONata")
        << badRetryCondition << QStringLiteral("10:28: 'when' is not a valid JSONata expression: S0207");
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
    QVERIFY(result.errors.first().toString().startsWith(
        QStringLiteral("/nonexistent/x.yaml: the file cannot be read")));
}

void TestDefinitionLoader::unknownProviderNamesTheKnownOnes()
{
    const auto missing = ProviderCatalog::builtIn().get(QStringLiteral("nosuch"));
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().message.contains(QStringLiteral("hubspot")));
}

void TestDefinitionLoader::duplicateKeysNameBothPositions()
{
    // yaml-cpp keeps both and the loader would read the first: the second 'baseUrl' would be ignored silently.
    QByteArray yaml = minimal();
    yaml.replace("auth:\n", "baseUrl: https://other.example.com\nauth:\n");
    const DefinitionLoadResult result = DefinitionLoader::loadText(yaml, QStringLiteral("demo.yaml"));
    QVERIFY(!result.ok());
    const QString all = allErrors(result.errors);
    QVERIFY2(all.contains(QStringLiteral("demo.yaml:3:1: the key 'baseUrl' is given twice in this mapping; it is "
                                         "first at demo.yaml:2:1")),
             qPrintable(all));

    QByteArray nested = minimal();
    nested.replace("    list: { path: /things, recordsPath: data }\n",
                   "    list: { path: /things, recordsPath: data, path: /other }\n");
    const QString nestedErrors = allErrors(DefinitionLoader::loadText(nested, QStringLiteral("demo.yaml")).errors);
    QVERIFY2(nestedErrors.contains(QStringLiteral("demo.yaml:7:47: the key 'path' is given twice in this mapping; it "
                                                  "is first at demo.yaml:7:13")),
             qPrintable(nestedErrors));
}

void TestDefinitionLoader::hostileTextIsRefusedWithItsPosition_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("expected");

    QByteArray latin1 = minimal();
    latin1.replace("name: demo", "name: d\xe9mo");
    QTest::newRow("latin-1 byte") << latin1 << QStringLiteral("demo.yaml:1:8: byte 0xE9 is not UTF-8 text");
    QByteArray overlong = minimal();
    overlong.replace("  type: bearer", "  type: bearer # \xc0\xaf");
    QTest::newRow("overlong form") << overlong << QStringLiteral("demo.yaml:4:18: byte 0xC0 is not UTF-8 text");
    QByteArray surrogate = minimal();
    surrogate.replace("data }", "d\xed\xa0\x80 }");
    QTest::newRow("surrogate") << surrogate << QStringLiteral("demo.yaml:7:42: byte 0xED is not UTF-8 text");
    QByteArray accented = minimal();
    accented.replace("name: demo\n", QByteArray("name: demo\ndisplayName: \"Caf\xc3\xa9 ") + '\0' + "\"\n");
    QTest::newRow("NUL after a multi-byte character")
        << accented << QStringLiteral("demo.yaml:2:20: a NUL byte; YAML text cannot contain one");

    QByteArray deepBlock = minimal();
    for (int level = 0; level < 80; ++level)
        deepBlock += QByteArray(2 * level, ' ') + "k:\n";
    QTest::newRow("deep block mapping") << deepBlock << QStringLiteral("nested deeper than 64 levels");
    const QByteArray deepFlow = "name: " + QByteArray(100000, '[') + QByteArray(100000, ']') + "\n";
    QTest::newRow("deep flow sequence") << deepFlow << QStringLiteral("nested deeper than 64 levels");

    // Each level repeats the one before ten times: walked naively, 10^9 values.
    QByteArray laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level <= 9; ++level) {
        QByteArray items;
        for (int k = 0; k < 10; ++k)
            items += (k ? ", *a" : "*a") + QByteArray::number(level - 1);
        laughs += "a" + QByteArray::number(level) + ": &a" + QByteArray::number(level) + " [" + items + "]\n";
    }
    QTest::newRow("aliases that multiply") << laughs << QStringLiteral("more than 1000000 values");
}

void TestDefinitionLoader::hostileTextIsRefusedWithItsPosition()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, expected);
    const DefinitionLoadResult result = DefinitionLoader::loadText(yaml, QStringLiteral("demo.yaml"));
    QVERIFY(!result.ok());
    const QString all = allErrors(result.errors);
    QVERIFY2(all.contains(expected), qPrintable(all));
    QVERIFY2(!all.contains(QStringLiteral("bad file")) && !all.contains(QStringLiteral("unknown escape")),
             qPrintable(all));
}

void TestDefinitionLoader::manifestsGetTheSameChecks()
{
    const QByteArray manifest = "integrations:\n"
                                "  - name: crm\n"
                                "    provider: hubspot\n"
                                "    provider: salesforce\n";
    const IntegrationLoadResult result =
        IntegrationLoader::loadText(manifest, QStringLiteral("crm.yaml"), ProviderCatalog::builtIn());
    QVERIFY(!result.ok());
    const QString all = allErrors(result.errors);
    QVERIFY2(all.contains(QStringLiteral("crm.yaml:4:5: the key 'provider' is given twice in this mapping; it is "
                                         "first at crm.yaml:3:5")),
             qPrintable(all));
    // A read or write item without 'object' threw out of the loader (found by tests/fuzz/catalog_fuzz_loader).
    for (const char *section : {"read", "write"}) {
        const QByteArray noObject = QByteArray("integrations:\n  - name: crm\n    provider: hubspot\n    ") + section +
                                    ":\n      objects:\n        - mapping: {}\n";
        const IntegrationLoadResult missing =
            IntegrationLoader::loadText(noObject, QStringLiteral("crm.yaml"), ProviderCatalog::builtIn());
        QVERIFY(!missing.ok());
        QVERIFY2(allErrors(missing.errors).contains(QStringLiteral("object")), qPrintable(allErrors(missing.errors)));
    }
    const QByteArray objectsMap = "integrations:\n  - name: crm\n    provider: hubspot\n    read:\n      objects:\n"
                                  "        contacts: {}\n";
    const IntegrationLoadResult mapped =
        IntegrationLoader::loadText(objectsMap, QStringLiteral("crm.yaml"), ProviderCatalog::builtIn());
    QVERIFY2(allErrors(mapped.errors).contains(QStringLiteral("the objects of read must be a list")),
             qPrintable(allErrors(mapped.errors)));
    const IntegrationLoadResult noObjects = IntegrationLoader::loadText(
        "integrations:\n  - name: crm\n    provider: hubspot\n    write:\n      objectname: 1\n",
        QStringLiteral("crm.yaml"), ProviderCatalog::builtIn());
    QVERIFY(!noObjects.ok());
    const IntegrationLoadResult binary = IntegrationLoader::loadText(
        QByteArray("integrations: []\n\xff"), QStringLiteral("crm.yaml"), ProviderCatalog::builtIn());
    QVERIFY2(allErrors(binary.errors).contains(QStringLiteral("crm.yaml:2:1: byte 0xFF is not UTF-8 text")),
             qPrintable(allErrors(binary.errors)));
}

void TestDefinitionLoader::nonRegularAndHugeFilesAreRefusedBeforeReading_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("directory") << QStringLiteral("directory") << QStringLiteral(": the file is a directory");
    QTest::newRow("fifo") << QStringLiteral("fifo") << QStringLiteral(": the file is not a regular file");
    QTest::newRow("/dev/zero") << QStringLiteral("/dev/zero") << QStringLiteral(": the file is not a regular file");
    QTest::newRow("5 MiB") << QStringLiteral("huge")
                           << QStringLiteral(": the file is 5 MiB, more than the 4 MiB allowed");
}

void TestDefinitionLoader::nonRegularAndHugeFilesAreRefusedBeforeReading()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("definition.yaml"));
    if (kind == QLatin1String("directory")) {
        QVERIFY(QDir().mkdir(path));
    } else if (kind == QLatin1String("fifo")) {
        // Opening a FIFO with no writer blocks for ever: the loader must not open it.
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    } else if (kind == QLatin1String("huge")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(5 * 1024 * 1024));
    } else {
        path = kind;
    }
    const DefinitionLoadResult loaded = DefinitionLoader::loadFile(path);
    QVERIFY(!loaded.ok());
    QVERIFY2(allErrors(loaded.errors).startsWith(path + expected), qPrintable(allErrors(loaded.errors)));
    const IntegrationLoadResult manifest = IntegrationLoader::loadFile(path, ProviderCatalog::builtIn());
    QVERIFY2(allErrors(manifest.errors).startsWith(path + expected), qPrintable(allErrors(manifest.errors)));
}

QTEST_GUILESS_MAIN(TestDefinitionLoader)
#include "TestDefinitionLoader.moc"

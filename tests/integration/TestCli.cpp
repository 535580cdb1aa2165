// The patchbay command line, run as a user runs it.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include <sys/stat.h>

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void printsItsVersion();
    void validatesAGoodDefinition();
    void pointsAtEveryProblemOfABadDefinition();
    void explainsBadUsage();
    void evaluatesJsonata();
    void reportsAJsonataErrorWithCodeAndPosition();
    void boundsTheJsonataInputByTheMemoryBudget();
    void dryrunPrintsRecordsAndEventsWithoutADatabase();
    void commandsAnswerHelpOnStandardOutput_data();
    void commandsAnswerHelpOnStandardOutput();
    void consoleAnswersHelpAndVersionWithoutADisplay_data();
    void consoleAnswersHelpAndVersionWithoutADisplay();
    void dryrunBaseUrlReplacesTemplatedOrigins_data();
    void dryrunBaseUrlReplacesTemplatedOrigins();
    void validatesTheShippedManifests();
    void validatesAManifestWithTheDefinitionsBesideIt();
    void pointsAtTheProblemOfABadManifest_data();
    void pointsAtTheProblemOfABadManifest();
    void validateRefusesWhatIsNotADefinitionFile_data();
    void validateRefusesWhatIsNotADefinitionFile();
    void dryrunNamesTheBadCredentialsField_data();
    void dryrunNamesTheBadCredentialsField();
    void dryrunRefusesACredentialsFileThatIsNotAFile();
    void dryrunKeepsARotatedRefreshTokenInTheCredentialsFile();
    void dryrunTakesAStaticTokenFromApiKey();

private:
    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    static Run run(const QStringList &args, const QByteArray &input = {});
    static Run runProgram(const QString &program, const QStringList &args, const QProcessEnvironment &environment);
    static QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content);

    // patchbay-sandbox as a person runs it beside the CLI: one provider, one tenant.
    struct Sandbox
    {
        std::unique_ptr<QProcess> process;
        QString url;
        QString banner;
        QString field(const char *name) const
        {
            return QRegularExpression(QStringLiteral("  %1=(\\S+)").arg(QLatin1String(name))).match(banner).captured(1);
        }
        ~Sandbox()
        {
            if (process) {
                process->kill();
                process->waitForFinished();
            }
        }
    };
    static bool startSandbox(Sandbox &sandbox, const QString &provider, int records);
};

TestCli::Run TestCli::runProgram(const QString &program, const QStringList &args,
                                 const QProcessEnvironment &environment)
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, args);
    if (!process.waitForStarted())
        return {};
    process.closeWriteChannel();
    process.waitForFinished(30000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QString TestCli::writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &content)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content);
    return path;
}

bool TestCli::startSandbox(Sandbox &sandbox, const QString &provider, int records)
{
    sandbox.process = std::make_unique<QProcess>();
    sandbox.process->start(QStringLiteral(PATCHBAY_SANDBOX_PATH),
                           {QStringLiteral("--provider"), provider, QStringLiteral("--port"), QStringLiteral("0"),
                            QStringLiteral("--tenants"), QStringLiteral("1"), QStringLiteral("--records"),
                            QString::number(records)});
    if (!sandbox.process->waitForStarted())
        return false;
    while (!sandbox.banner.contains(QStringLiteral("Ctrl-C")) && sandbox.process->waitForReadyRead(10000))
        sandbox.banner += QString::fromUtf8(sandbox.process->readAllStandardOutput());
    sandbox.url = QRegularExpression(QStringLiteral("on (http://127.0.0.1:\\d+)")).match(sandbox.banner).captured(1);
    return !sandbox.url.isEmpty();
}

TestCli::Run TestCli::run(const QStringList &args, const QByteArray &input)
{
    QProcess process;
    process.start(QStringLiteral(PATCHBAY_CLI_PATH), args);
    if (!process.waitForStarted())
        return {};
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(30000);
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

void TestCli::printsItsVersion()
{
    const Run result = run({QStringLiteral("--version")});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out.trimmed(), QStringLiteral("patchbay " PATCHBAY_VERSION));
}

void TestCli::validatesAGoodDefinition()
{
    const Run result = run({QStringLiteral(PATCHBAY_SOURCE_DIR "/resources/providers/hubspot.yaml")});
    QCOMPARE(result.exitCode, 2); // a file is not a command
    const Run validated =
        run({QStringLiteral("validate"), QStringLiteral(PATCHBAY_SOURCE_DIR "/resources/providers/hubspot.yaml")});
    QCOMPARE(validated.exitCode, 0);
    QVERIFY2(validated.out.contains(QStringLiteral(": ok (HubSpot, 2 objects: companies, contacts)")),
             qPrintable(validated.out));
    QVERIFY(validated.err.isEmpty());
}

void TestCli::pointsAtEveryProblemOfABadDefinition()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("broken.yaml"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("name: Broken Name\n"
               "baseUrl: https://api.example.com\n"
               "auth:\n"
               "  type: oauth2\n"
               "  tokenUrl: https://api.example.com/token\n"
               "pagination: { type: cursor, param: after }\n"
               "objects:\n"
               "  things:\n"
               "    list: { path: things }\n");
    file.close();
    const Run result = run({QStringLiteral("validate"), path});
    QCOMPARE(result.exitCode, 1);
    const QStringList lines = result.err.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines.at(0).startsWith(path + QStringLiteral(":1:7: 'name' must be lower-case")), qPrintable(lines.at(0)));
    QVERIFY2(lines.at(1).startsWith(path + QStringLiteral(":6:13: pagination needs the field 'nextPath'")),
             qPrintable(lines.at(1)));
    QVERIFY2(lines.at(2).startsWith(path + QStringLiteral(":9:19: 'path' must start with '/'")),
             qPrintable(lines.at(2)));
}

void TestCli::explainsBadUsage()
{
    const Run none = run({});
    QCOMPARE(none.exitCode, 2);
    QVERIFY(none.err.contains(QStringLiteral("Usage: patchbay")));
    const Run unknown = run({QStringLiteral("frobnicate")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains(QStringLiteral("unknown command 'frobnicate'")));
    const Run noFile = run({QStringLiteral("validate")});
    QCOMPARE(noFile.exitCode, 2);
    QVERIFY(noFile.err.contains(QStringLiteral("name at least one definition file")));
}

void TestCli::evaluatesJsonata()
{
    const Run mapped = run({QStringLiteral("jsonata"), QStringLiteral("--data"), QStringLiteral("-"),
                            QStringLiteral("{ \"name\": first & \" \" & last, \"n\": $count(tags) }")},
                           R"({"first":"Ada","last":"Lovelace","tags":["a","b"]})");
    QCOMPARE(mapped.exitCode, 0);
    const QJsonObject object = QJsonDocument::fromJson(mapped.out.toUtf8()).object();
    QCOMPARE(object.value(QStringLiteral("name")).toString(), QStringLiteral("Ada Lovelace"));
    QCOMPARE(object.value(QStringLiteral("n")).toInt(), 2);

    const Run undefinedResult = run({QStringLiteral("jsonata"), QStringLiteral("nothing.here")});
    QCOMPARE(undefinedResult.exitCode, 0);
    QVERIFY(undefinedResult.out.isEmpty());
}

void TestCli::boundsTheJsonataInputByTheMemoryBudget()
{
    // A device that never ends is refused before it is read, instead of filling the memory.
    const Run device = run({QStringLiteral("jsonata"), QStringLiteral("--data"), QStringLiteral("/dev/zero"),
                            QStringLiteral("a")});
    QCOMPARE(device.exitCode, 1);
    QVERIFY2(device.err.contains(QStringLiteral("/dev/zero is not a regular file")), qPrintable(device.err));

    // Standard input larger than the budget (1 MiB here) is refused once it passes it.
    const QByteArray big = "[" + QByteArray(2 * 1024 * 1024, '1') + "]";
    const Run piped = run({QStringLiteral("jsonata"), QStringLiteral("--max-memory"), QStringLiteral("1"),
                           QStringLiteral("--data"), QStringLiteral("-"), QStringLiteral("$count($)")},
                          big);
    QCOMPARE(piped.exitCode, 1);
    QVERIFY2(piped.err.contains(QStringLiteral("standard input is larger than 1 MiB")), qPrintable(piped.err));
    QVERIFY(piped.out.isEmpty());
}

void TestCli::reportsAJsonataErrorWithCodeAndPosition()
{
    const Run result = run({QStringLiteral("jsonata"), QStringLiteral("1 + ")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.out.isEmpty());
    QVERIFY2(result.err.contains(QStringLiteral("S0207")) && result.err.contains(QStringLiteral("position")),
             qPrintable(result.err));
}

void TestCli::dryrunPrintsRecordsAndEventsWithoutADatabase()
{
    // The sandbox as a person runs it beside the CLI.
    QProcess sandbox;
    sandbox.start(QStringLiteral(PATCHBAY_SANDBOX_PATH),
                  {QStringLiteral("--provider"), QStringLiteral("hubspot"), QStringLiteral("--port"),
                   QStringLiteral("0"), QStringLiteral("--portals"), QStringLiteral("1"), QStringLiteral("--contacts"),
                   QStringLiteral("230")});
    QVERIFY(sandbox.waitForStarted());
    QString banner;
    while (!banner.contains(QStringLiteral("portal-1")) && sandbox.waitForReadyRead(10000))
        banner += QString::fromUtf8(sandbox.readAllStandardOutput());
    const QRegularExpression url(QStringLiteral("on (http://127.0.0.1:\\d+)"));
    const auto field = [&](const char *name) {
        return QRegularExpression(QStringLiteral("%1=(\\S+)").arg(QLatin1String(name))).match(banner).captured(1);
    };
    QVERIFY2(url.match(banner).hasMatch(), qPrintable(banner));
    QTemporaryDir dir;
    QFile credentials(dir.filePath(QStringLiteral("credentials.json")));
    QVERIFY(credentials.open(QIODevice::WriteOnly));
    credentials.write(QJsonDocument(QJsonObject{{QStringLiteral("access_token"), field("accessToken")},
                                                {QStringLiteral("refresh_token"), field("refreshToken")},
                                                {QStringLiteral("client_id"), field("clientId")},
                                                {QStringLiteral("client_secret"), field("clientSecret")},
                                                {QStringLiteral("expires_at"), QStringLiteral("2030-01-01T00:00:00Z")}})
                          .toJson());
    credentials.close();

    const Run result =
        run({QStringLiteral("dryrun"), QStringLiteral("--provider"),
             QStringLiteral(PATCHBAY_SOURCE_DIR "/resources/providers/hubspot.yaml"), QStringLiteral("--object"),
             QStringLiteral("contacts"), QStringLiteral("--base-url"), url.match(banner).captured(1),
             QStringLiteral("--credentials"), credentials.fileName(), QStringLiteral("--integration"),
             QStringLiteral(PATCHBAY_SOURCE_DIR "/resources/integrations/crm.yaml"), QStringLiteral("--name"),
             QStringLiteral("crm-contacts")});
    // The fields of the object, as a definition developer checks them.
    const Run fields = run({QStringLiteral("dryrun"), QStringLiteral("--provider"), QStringLiteral("hubspot"),
                            QStringLiteral("--object"), QStringLiteral("contacts"), QStringLiteral("--schema"),
                            QStringLiteral("--base-url"), url.match(banner).captured(1),
                            QStringLiteral("--credentials"), credentials.fileName()});
    sandbox.kill();
    sandbox.waitForFinished();
    QVERIFY2(fields.exitCode == 0, qPrintable(fields.err));
    bool sawEmail = false;
    for (const QString &line : fields.out.trimmed().split(QLatin1Char('\n'))) {
        const QJsonObject described = QJsonDocument::fromJson(line.toUtf8()).object();
        QVERIFY2(described.contains(QStringLiteral("custom")), qPrintable(line));
        sawEmail = sawEmail || (described.value(QStringLiteral("name")).toString() == QLatin1String("email") &&
                                !described.value(QStringLiteral("custom")).toBool());
    }
    QVERIFY(sawEmail);
    QVERIFY(fields.err.contains(QStringLiteral(" fields")));
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const QStringList lines = result.out.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 230);
    QSet<QString> ids;
    for (const QString &line : lines) {
        const QJsonObject record = QJsonDocument::fromJson(line.toUtf8()).object();
        QVERIFY(record.contains(QStringLiteral("email")) && !record.contains(QStringLiteral("properties")));
        ids.insert(record.value(QStringLiteral("id")).toString());
    }
    QCOMPARE(ids.size(), 230);
    QVERIFY(result.err.contains(QStringLiteral("Page 3: 30 records stored; last page")));
    QVERIFY(!result.err.contains(field("accessToken")));

    const Run noObject = run({QStringLiteral("dryrun"), QStringLiteral("--provider"), QStringLiteral("hubspot"),
                              QStringLiteral("--object"), QStringLiteral("deals")});
    QCOMPARE(noObject.exitCode, 2);
    QVERIFY(noObject.err.contains(QStringLiteral("HubSpot has no object 'deals'; it has: companies, contacts")));
}

void TestCli::commandsAnswerHelpOnStandardOutput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("usage");
    QTest::newRow("patchbay --help") << QStringList{QStringLiteral("--help")}
                                     << QStringLiteral("Usage: patchbay COMMAND");
    QTest::newRow("dryrun --help") << QStringList{QStringLiteral("dryrun"), QStringLiteral("--help")}
                                   << QStringLiteral("Usage: patchbay dryrun --provider");
    QTest::newRow("dryrun -h") << QStringList{QStringLiteral("dryrun"), QStringLiteral("-h")}
                               << QStringLiteral("Usage: patchbay dryrun --provider");
    QTest::newRow("jsonata --help") << QStringList{QStringLiteral("jsonata"), QStringLiteral("--help")}
                                    << QStringLiteral("Usage: patchbay jsonata");
    QTest::newRow("validate --help") << QStringList{QStringLiteral("validate"), QStringLiteral("--help")}
                                     << QStringLiteral("Usage: patchbay validate FILE");
}

void TestCli::commandsAnswerHelpOnStandardOutput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, usage);
    const Run result = run(args);
    QCOMPARE(result.exitCode, 0);
    QVERIFY2(result.out.startsWith(usage), qPrintable(result.out));
    QVERIFY2(result.out.endsWith(QLatin1Char('\n')), qPrintable(result.out));
    QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
}

void TestCli::consoleAnswersHelpAndVersionWithoutADisplay_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("expected");
    QTest::newRow("--version") << QStringLiteral("--version") << QStringLiteral(PATCHBAY_VERSION);
    QTest::newRow("-v") << QStringLiteral("-v") << QStringLiteral(PATCHBAY_VERSION);
    QTest::newRow("--help") << QStringLiteral("--help") << QStringLiteral("--database <path>");
}

void TestCli::consoleAnswersHelpAndVersionWithoutADisplay()
{
    QFETCH(QString, option);
    QFETCH(QString, expected);
    // As over ssh: no display, no platform chosen. A QApplication would abort for want of a platform plugin.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"})
        environment.remove(QLatin1String(name));
    const Run result = runProgram(QStringLiteral(PATCHBAY_CONSOLE_PATH), {option}, environment);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.contains(expected), qPrintable(result.out));
}

void TestCli::dryrunBaseUrlReplacesTemplatedOrigins_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("object");
    // https://{{$connection.subdomain}}.zendesk.com/api/v2, the emulator's account under a path prefix.
    QTest::newRow("zendesk") << QStringLiteral("zendesk") << QStringLiteral("tickets");
    // https://{{$connection.instance}}.service-now.com/api/now, given with the definition's path.
    QTest::newRow("servicenow") << QStringLiteral("servicenow") << QStringLiteral("incidents");
    // {{$connection.instance_url}}/services/data/v59.0 with a real-looking instance URL and a valid token.
    QTest::newRow("salesforce") << QStringLiteral("salesforce") << QStringLiteral("contacts");
    // https://api.atlassian.com/ex/jira/{{$connection.cloud_id}}/rest/api/3, given as the whole base URL.
    QTest::newRow("jira") << QStringLiteral("jira") << QStringLiteral("issues");
}

void TestCli::dryrunBaseUrlReplacesTemplatedOrigins()
{
    QFETCH(QString, provider);
    QFETCH(QString, object);
    constexpr int records = 37;
    Sandbox sandbox;
    QVERIFY2(startSandbox(sandbox, provider, records), qPrintable(sandbox.banner));
    QJsonObject credentials;
    QString baseUrl;
    if (provider == QLatin1String("zendesk")) {
        credentials = {
            {QStringLiteral("api_key"), sandbox.field("apiToken")},
            {QStringLiteral("connection"), QJsonObject{{QStringLiteral("subdomain"), QStringLiteral("acme1")},
                                                       {QStringLiteral("email"), sandbox.field("adminEmail")}}}};
        baseUrl = sandbox.field("url"); // http://127.0.0.1:PORT/_subdomain/acme1
    } else if (provider == QLatin1String("servicenow")) {
        credentials = {
            {QStringLiteral("api_key"), sandbox.field("apiKey")},
            {QStringLiteral("connection"), QJsonObject{{QStringLiteral("instance"), QStringLiteral("acme1")},
                                                       {QStringLiteral("username"), QStringLiteral("admin")}}}};
        baseUrl = sandbox.field("url") + QStringLiteral("/api/now");
    } else {
        credentials = {{QStringLiteral("access_token"), sandbox.field("accessToken")},
                       {QStringLiteral("refresh_token"), sandbox.field("refreshToken")},
                       {QStringLiteral("client_id"), sandbox.field("clientId")},
                       {QStringLiteral("client_secret"), sandbox.field("clientSecret")},
                       {QStringLiteral("expires_at"), QStringLiteral("2030-01-01T00:00:00Z")}};
        if (provider == QLatin1String("salesforce")) {
            credentials.insert(
                QStringLiteral("connection"),
                QJsonObject{{QStringLiteral("instance_url"), QStringLiteral("https://org-1.my.salesforce.com")}});
            baseUrl = sandbox.url;
        } else {
            credentials.insert(QStringLiteral("connection"),
                               QJsonObject{{QStringLiteral("cloud_id"), sandbox.field("cloudId")}});
            baseUrl =
                sandbox.url + QStringLiteral("/ex/jira/") + sandbox.field("cloudId") + QStringLiteral("/rest/api/3");
        }
    }
    QTemporaryDir dir;
    const QString file = writeFile(dir, QStringLiteral("credentials.json"), QJsonDocument(credentials).toJson());
    const Run result =
        run({QStringLiteral("dryrun"), QStringLiteral("--provider"), provider, QStringLiteral("--object"), object,
             QStringLiteral("--base-url"), baseUrl, QStringLiteral("--credentials"), file});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QSet<QString> distinct;
    for (const QString &line : result.out.trimmed().split(QLatin1Char('\n'))) {
        QVERIFY2(QJsonDocument::fromJson(line.toUtf8()).isObject(), qPrintable(line));
        distinct.insert(line);
    }
    QCOMPARE(distinct.size(), records);
    QVERIFY(result.err.contains(QStringLiteral("%1 records").arg(records)));
}

void TestCli::validatesTheShippedManifests()
{
    const QDir manifests(QStringLiteral(PATCHBAY_SOURCE_DIR "/resources/integrations"));
    const QStringList names = manifests.entryList({QStringLiteral("*.yaml")}, QDir::Files);
    QVERIFY(!names.isEmpty());
    QStringList files;
    for (const QString &name : names)
        files.append(manifests.filePath(name));
    const Run result = run(QStringList{QStringLiteral("validate")} + files);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.err.isEmpty(), qPrintable(result.err));
    QVERIFY2(result.out.contains(manifests.filePath(QStringLiteral("crm.yaml")) +
                                 QStringLiteral(": ok (1 integration: crm-contacts)")),
             qPrintable(result.out));
}

void TestCli::validatesAManifestWithTheDefinitionsBesideIt()
{
    QTemporaryDir dir;
    const QString definition = writeFile(dir, QStringLiteral("acme.yaml"),
                                         "name: acme\n"
                                         "baseUrl: https://api.acme.example\n"
                                         "auth: { type: bearer }\n"
                                         "objects:\n"
                                         "  widgets:\n"
                                         "    list: { path: /widgets, recordsPath: data }\n");
    const QString manifest = writeFile(dir, QStringLiteral("product.yaml"),
                                       "integrations:\n"
                                       "  - name: widgets\n"
                                       "    provider: acme\n"
                                       "    read:\n"
                                       "      objects:\n"
                                       "        - object: widgets\n"
                                       "          mapping: { id: id, label: $uppercase(name) }\n");
    // The manifest first: the definitions of the same command line count wherever they stand.
    const Run result = run({QStringLiteral("validate"), manifest, definition});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.out.contains(manifest + QStringLiteral(": ok (1 integration: widgets)")), qPrintable(result.out));
    QVERIFY2(result.out.contains(definition + QStringLiteral(": ok (acme, 1 object: widgets)")),
             qPrintable(result.out));

    const Run alone = run({QStringLiteral("validate"), manifest});
    QCOMPARE(alone.exitCode, 1);
    QVERIFY2(alone.err.startsWith(manifest + QStringLiteral(":3:15: no provider definition named 'acme'")),
             qPrintable(alone.err));
}

void TestCli::pointsAtTheProblemOfABadManifest_data()
{
    QTest::addColumn<QByteArray>("manifest");
    QTest::addColumn<QString>("expected"); // line:col: message
    const QByteArray good = "integrations:\n"
                            "  - name: crm-contacts\n"
                            "    provider: hubspot\n"
                            "    read:\n"
                            "      objects:\n"
                            "        - object: contacts\n"
                            "          mapping:\n"
                            "            email: $lowercase(properties.email)\n";
    QByteArray badMapping = good;
    badMapping.replace("$lowercase(properties.email)", "$lowercase(properties.email");
    QTest::newRow("bad mapping") << badMapping << QStringLiteral("8:20: field 'email' of the mapping of contacts");
    QByteArray unknownProvider = good;
    unknownProvider.replace("provider: hubspot", "provider: hubspott");
    QTest::newRow("unknown provider") << unknownProvider
                                      << QStringLiteral("3:15: no provider definition named 'hubspott'; known:");
    QByteArray unknownObject = good;
    unknownObject.replace("object: contacts", "object: deals");
    QTest::newRow("unknown object") << unknownObject
                                    << QStringLiteral(
                                           "6:19: HubSpot has no object 'deals'; it has: companies, contacts");
}

void TestCli::pointsAtTheProblemOfABadManifest()
{
    QFETCH(QByteArray, manifest);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("manifest.yaml"), manifest);
    const Run result = run({QStringLiteral("validate"), path});
    QCOMPARE(result.exitCode, 1);
    const QStringList lines = result.err.trimmed().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().startsWith(path + QLatin1Char(':') + expected), qPrintable(result.err));
    QVERIFY2(!result.err.contains(QStringLiteral("unknown field 'integrations'")), qPrintable(result.err));
}

void TestCli::validateRefusesWhatIsNotADefinitionFile_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected");
    QTest::newRow("/dev/zero") << QStringLiteral("/dev/zero") << QStringLiteral(": the file is not a regular file");
    QTest::newRow("fifo") << QStringLiteral("fifo") << QStringLiteral(": the file is not a regular file");
    QTest::newRow("directory") << QStringLiteral("directory") << QStringLiteral(": the file is a directory");
    QTest::newRow("5 MiB") << QStringLiteral("huge") << QStringLiteral(": the file is 5 MiB, more than the 4 MiB");
}

void TestCli::validateRefusesWhatIsNotADefinitionFile()
{
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("definition.yaml"));
    if (kind == QLatin1String("fifo")) {
        QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    } else if (kind == QLatin1String("directory")) {
        QVERIFY(QDir().mkdir(path));
    } else if (kind == QLatin1String("huge")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(5 * 1024 * 1024));
    } else {
        path = kind;
    }
    const Run result = run({QStringLiteral("validate"), path});
    QCOMPARE(result.exitCode, 1); // not -1: it answered instead of reading for ever
    QVERIFY2(result.err.startsWith(path + expected), qPrintable(result.err));
}

void TestCli::dryrunNamesTheBadCredentialsField_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected"); // after "FILE: "
    QTest::newRow("null") << QByteArray("null\n") << QStringLiteral("must be one JSON object such as");
    QTest::newRow("string") << QByteArray("\"tok-secret-1\"") << QStringLiteral("must be one JSON object");
    QTest::newRow("array") << QByteArray("[{\"access_token\": \"tok-secret-1\"}]")
                           << QStringLiteral("must be one JSON object such as {\"access_token\"");
    QTest::newRow("empty") << QByteArray("  \n") << QStringLiteral("must be one JSON object");
    QTest::newRow("not JSON") << QByteArray("{\n  \"access_token\": tok-secret-1\n}")
                              << QStringLiteral("2:21: not valid JSON (illegal value)");
    QTest::newRow("token a number") << QByteArray("{\"access_token\": 12345}")
                                    << QStringLiteral("field 'access_token' must be a string, not a number");
    QTest::newRow("refresh token null") << QByteArray("{\"access_token\": \"tok-secret-1\", \"refresh_token\": null}")
                                        << QStringLiteral("field 'refresh_token' must be a string, not null");
    QTest::newRow("expires_at an array")
        << QByteArray("{\"access_token\": \"tok-secret-1\", \"expires_at\": [1]}")
        << QStringLiteral("field 'expires_at' must be a number of seconds since 1970 or an ISO 8601 string, not an "
                          "array");
    QTest::newRow("expires_at not a date")
        << QByteArray("{\"expires_at\": \"next tuesday\"}")
        << QStringLiteral("field 'expires_at' must be a number of seconds since 1970 or an ISO 8601 string such as");
    // Past a millisecond count: undefined behaviour before (found by tests/fuzz/credentials_fuzz_file).
    QTest::newRow("expires_at past year 9999")
        << QByteArray("{\"access_token\": \"tok-secret-1\", \"expires_at\": 1e300}")
        << QStringLiteral("field 'expires_at' must be a number of seconds since 1970 or an ISO 8601 string such as "
                          "2030-01-01T00:00:00Z; '1e+300' is not one");
    QTest::newRow("expires_at text past year 9999")
        << QByteArray("{\"expires_at\": \"1e300\"}")
        << QStringLiteral("field 'expires_at' must be a number of seconds since 1970 or an ISO 8601 string such as "
                          "2030-01-01T00:00:00Z; '1e300' is not one");
    QTest::newRow("connection a string") << QByteArray("{\"connection\": \"https://acme.example\"}")
                                         << QStringLiteral("field 'connection' must be an object of connection config");
    QTest::newRow("misspelt field") << QByteArray("{\"acces_token\": \"tok-secret-1\"}")
                                    << QStringLiteral("unknown field 'acces_token'; the fields are access_token");
}

void TestCli::dryrunNamesTheBadCredentialsField()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = writeFile(dir, QStringLiteral("creds.json"), content);
    const Run result = run({QStringLiteral("dryrun"), QStringLiteral("--provider"), QStringLiteral("hubspot"),
                            QStringLiteral("--object"), QStringLiteral("contacts"), QStringLiteral("--base-url"),
                            QStringLiteral("http://127.0.0.1:9"), QStringLiteral("--credentials"), path});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.startsWith(QStringLiteral("patchbay dryrun: ") + path + QStringLiteral(": ") + expected),
             qPrintable(result.err));
    QVERIFY2(!result.err.contains(QStringLiteral("tok-secret-1")), qPrintable(result.err)); // a secret stays secret
    QVERIFY2(!result.err.contains(QStringLiteral("refresh token")), qPrintable(result.err));
}

void TestCli::dryrunRefusesACredentialsFileThatIsNotAFile()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("creds.fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const QString huge = dir.filePath(QStringLiteral("creds.json"));
    QFile file(huge);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.resize(2 * 1024 * 1024));
    file.close();
    const QStringList expected{QStringLiteral("is not a regular file"),
                               QStringLiteral("is 2 MiB, more than the 1 MiB allowed")};
    const QStringList paths{fifo, huge};
    for (int i = 0; i < paths.size(); ++i) {
        const Run result =
            run({QStringLiteral("dryrun"), QStringLiteral("--provider"), QStringLiteral("hubspot"),
                 QStringLiteral("--object"), QStringLiteral("contacts"), QStringLiteral("--credentials"), paths.at(i)});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.startsWith(QStringLiteral("patchbay dryrun: %1 %2").arg(paths.at(i), expected.at(i))),
                 qPrintable(result.err));
    }
}

void TestCli::dryrunKeepsARotatedRefreshTokenInTheCredentialsFile()
{
    // Jira (Atlassian) rotates refresh tokens: a refresh retires the token it was sent.
    constexpr int records = 5;
    Sandbox sandbox;
    QVERIFY2(startSandbox(sandbox, QStringLiteral("jira"), records), qPrintable(sandbox.banner));
    const QString firstRefreshToken = sandbox.field("refreshToken");
    QVERIFY(!firstRefreshToken.isEmpty());
    const QJsonObject credentials{
        {QStringLiteral("access_token"), sandbox.field("accessToken")},
        {QStringLiteral("refresh_token"), firstRefreshToken},
        {QStringLiteral("client_id"), sandbox.field("clientId")},
        {QStringLiteral("client_secret"), sandbox.field("clientSecret")},
        {QStringLiteral("expires_at"), QStringLiteral("2020-01-01T00:00:00Z")}, // expired: every run refreshes
        {QStringLiteral("connection"), QJsonObject{{QStringLiteral("cloud_id"), sandbox.field("cloudId")}}}};
    QTemporaryDir dir;
    const QString file = writeFile(dir, QStringLiteral("credentials.json"), QJsonDocument(credentials).toJson());
    QVERIFY(QFile::setPermissions(file, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    const QString baseUrl =
        sandbox.url + QStringLiteral("/ex/jira/") + sandbox.field("cloudId") + QStringLiteral("/rest/api/3");
    const QStringList args{QStringLiteral("dryrun"),
                           QStringLiteral("--provider"),
                           QStringLiteral("jira"),
                           QStringLiteral("--object"),
                           QStringLiteral("issues"),
                           QStringLiteral("--base-url"),
                           baseUrl,
                           QStringLiteral("--credentials"),
                           file};

    const Run first = run(args);
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    QVERIFY2(first.err.contains(QStringLiteral("rotated the refresh token; wrote the new refresh and access tokens "
                                               "to %1")
                                    .arg(file)),
             qPrintable(first.err));
    QFile written(file);
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QJsonObject after = QJsonDocument::fromJson(written.readAll()).object();
    written.close();
    const QString secondRefreshToken = after.value(QStringLiteral("refresh_token")).toString();
    QVERIFY(!secondRefreshToken.isEmpty());
    QVERIFY(secondRefreshToken != firstRefreshToken);
    QVERIFY(after.value(QStringLiteral("access_token")).toString() != sandbox.field("accessToken"));
    QVERIFY(after.value(QStringLiteral("expires_at")).toString() > QStringLiteral("2026"));
    // The rest of the file is kept, and its mode.
    QCOMPARE(after.value(QStringLiteral("connection")), credentials.value(QStringLiteral("connection")));
    QCOMPARE(after.value(QStringLiteral("client_secret")), credentials.value(QStringLiteral("client_secret")));
    struct stat status = {};
    QCOMPARE(::stat(QFile::encodeName(file).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, mode_t(0600));
    // No token on standard error.
    QVERIFY(!first.err.contains(secondRefreshToken));
    QVERIFY(!first.err.contains(firstRefreshToken));

    // The second run refreshes again, with the rotated token: the retired one would be refused.
    QJsonObject expired = after;
    expired.insert(QStringLiteral("expires_at"), QStringLiteral("2020-01-01T00:00:00Z"));
    {
        QFile rewrite(file);
        QVERIFY(rewrite.open(QIODevice::WriteOnly | QIODevice::Truncate));
        rewrite.write(QJsonDocument(expired).toJson());
    }
    const Run second = run(args);
    QVERIFY2(second.exitCode == 0, qPrintable(second.err));
    QVERIFY(second.err.contains(QStringLiteral("%1 records").arg(records)));
    QFile again(file);
    QVERIFY(again.open(QIODevice::ReadOnly));
    const QString thirdRefreshToken =
        QJsonDocument::fromJson(again.readAll()).object().value(QStringLiteral("refresh_token")).toString();
    QVERIFY(thirdRefreshToken != secondRefreshToken && !thirdRefreshToken.isEmpty());
    QCOMPARE(::stat(QFile::encodeName(file).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, mode_t(0600));
}

void TestCli::dryrunTakesAStaticTokenFromApiKey()
{
    // Stripe's secret key is a bearer token; users put it where they put an API key.
    constexpr int records = 12;
    Sandbox sandbox;
    QVERIFY2(startSandbox(sandbox, QStringLiteral("stripe"), records), qPrintable(sandbox.banner));
    const QString key = sandbox.field("secretKey");
    QVERIFY2(key.startsWith(QStringLiteral("sk_test_")), qPrintable(sandbox.banner));
    QTemporaryDir dir;
    const QString file = writeFile(dir, QStringLiteral("credentials.json"),
                                   QJsonDocument(QJsonObject{{QStringLiteral("api_key"), key}}).toJson());
    const Run result = run({QStringLiteral("dryrun"), QStringLiteral("--provider"), QStringLiteral("stripe"),
                            QStringLiteral("--object"), QStringLiteral("customers"), QStringLiteral("--base-url"),
                            sandbox.url, QStringLiteral("--credentials"), file});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.out.trimmed().split(QLatin1Char('\n')).size(), records);
    QVERIFY(result.err.contains(QStringLiteral("%1 records").arg(records)));
    QVERIFY(!result.err.contains(key));
}

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"

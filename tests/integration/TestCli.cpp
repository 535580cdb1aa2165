// The patchbay command line, run as a user runs it.
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

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
    void dryrunPrintsRecordsAndEventsWithoutADatabase();

private:
    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    static Run run(const QStringList &args, const QByteArray &input = {});
};

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
    QVERIFY2(validated.out.contains(QStringLiteral(": ok (HubSpot, 2 objects: companies, contacts)")), qPrintable(validated.out));
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
    QVERIFY2(lines.at(2).startsWith(path + QStringLiteral(":9:19: 'path' must start with '/'")), qPrintable(lines.at(2)));
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
    sandbox.start(QStringLiteral(PATCHBAY_SANDBOX_PATH), {QStringLiteral("--provider"), QStringLiteral("hubspot"),
                                                          QStringLiteral("--port"), QStringLiteral("0"),
                                                          QStringLiteral("--portals"), QStringLiteral("1"),
                                                          QStringLiteral("--contacts"), QStringLiteral("230")});
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

    const Run result = run({QStringLiteral("dryrun"), QStringLiteral("--provider"),
                            QStringLiteral(PATCHBAY_SOURCE_DIR "/resources/providers/hubspot.yaml"),
                            QStringLiteral("--object"), QStringLiteral("contacts"), QStringLiteral("--base-url"),
                            url.match(banner).captured(1), QStringLiteral("--credentials"), credentials.fileName(),
                            QStringLiteral("--integration"), QStringLiteral(PATCHBAY_SOURCE_DIR "/resources/integrations/crm.yaml"),
                            QStringLiteral("--name"), QStringLiteral("crm-contacts")});
    // The fields of the object, as a definition developer checks them.
    const Run fields = run({QStringLiteral("dryrun"), QStringLiteral("--provider"), QStringLiteral("hubspot"),
                            QStringLiteral("--object"), QStringLiteral("contacts"), QStringLiteral("--schema"),
                            QStringLiteral("--base-url"), url.match(banner).captured(1), QStringLiteral("--credentials"),
                            credentials.fileName()});
    sandbox.kill();
    sandbox.waitForFinished();
    QVERIFY2(fields.exitCode == 0, qPrintable(fields.err));
    bool sawEmail = false;
    for (const QString &line : fields.out.trimmed().split(QLatin1Char('\n'))) {
        const QJsonObject described = QJsonDocument::fromJson(line.toUtf8()).object();
        QVERIFY2(described.contains(QStringLiteral("custom")), qPrintable(line));
        sawEmail = sawEmail || (described.value(QStringLiteral("name")).toString() == QLatin1String("email")
                                && !described.value(QStringLiteral("custom")).toBool());
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

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"

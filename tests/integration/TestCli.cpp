// The patchbay command line, run as a user runs it.
#include <QProcess>
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
    QVERIFY2(validated.out.contains(QStringLiteral(": ok (HubSpot, 1 object: contacts)")), qPrintable(validated.out));
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

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"

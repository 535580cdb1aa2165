#include "JsonataCommand.h"

#include <QTemporaryDir>
#include <QtTest>

// `patchbay jsonata`: exit statuses for success, undefined results, expression errors and bad arguments.
class TestJsonataCommand : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    void evaluatesAgainstADataFile()
    {
        const QString path = m_dir.filePath(QStringLiteral("contact.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"properties": {"email": "Ada@Example.com"}})");
        file.close();
        QCOMPARE(runJsonataCommand({QStringLiteral("--data"), path, QStringLiteral("$lowercase(properties.email)")}),
                 0);
    }

    void undefinedResultExitsZero() { QCOMPARE(runJsonataCommand({QStringLiteral("nothing")}), 0); }

    void bindingsAreAvailable()
    {
        QCOMPARE(runJsonataCommand({QStringLiteral("--bindings"), QStringLiteral(R"({"x": 2})"),
                                    QStringLiteral("--compact"), QStringLiteral("$x * 21")}),
                 0);
    }

    void expressionErrorsExitTwo()
    {
        QCOMPARE(runJsonataCommand({QStringLiteral("1 +")}), 2);
        QCOMPARE(runJsonataCommand({QStringLiteral("$number('x')")}), 2);
        QCOMPARE(runJsonataCommand({QStringLiteral("--timeout"), QStringLiteral("100"),
                                    QStringLiteral("($f := function(){ $f() }; $f())")}),
                 2);
    }

    void memoryLimitIsAnOption()
    {
        QCOMPARE(runJsonataCommand(
                     {QStringLiteral("--max-memory"), QStringLiteral("8"), QStringLiteral("$count([1..100000])")}),
                 0);
        QCOMPARE(
            runJsonataCommand({QStringLiteral("--max-memory"), QStringLiteral("1"), QStringLiteral("[1..100000]")}), 2);
        QCOMPARE(runJsonataCommand({QStringLiteral("--max-memory"), QStringLiteral("0"), QStringLiteral("1")}), 2);
    }

    void badArgumentsExitTwo()
    {
        QCOMPARE(runJsonataCommand({}), 2);
        QCOMPARE(runJsonataCommand({QStringLiteral("--data")}), 2);
        QCOMPARE(runJsonataCommand({QStringLiteral("--bindings"), QStringLiteral("[1]"), QStringLiteral("1")}), 2);
        QCOMPARE(runJsonataCommand({QStringLiteral("--frobnicate"), QStringLiteral("1")}), 2);
        QCOMPARE(runJsonataCommand({QStringLiteral("a"), QStringLiteral("b")}), 2);
    }

    void unreadableDataExitsOne()
    {
        QCOMPARE(runJsonataCommand(
                     {QStringLiteral("--data"), m_dir.filePath(QStringLiteral("missing.json")), QStringLiteral("$")}),
                 1);
        const QString path = m_dir.filePath(QStringLiteral("broken.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{not json");
        file.close();
        QCOMPARE(runJsonataCommand({QStringLiteral("--data"), path, QStringLiteral("$")}), 1);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestJsonataCommand)
#include "TestJsonataCommand.moc"

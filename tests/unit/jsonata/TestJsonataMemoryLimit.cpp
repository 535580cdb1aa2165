#include <QProcess>
#include <QtTest>

#include <sys/resource.h>

// Expressions that build more than the memory limit allows end in U1002. Each runs in a child process (`patchbay
// jsonata`) whose address space is capped well above the limit: an unbounded regression fails the test with "out
// of memory" or a crash instead of exhausting the machine.
class TestJsonataMemoryLimit : public QObject
{
    Q_OBJECT

private:
    struct Outcome
    {
        int exitCode = -1;
        bool crashed = false;
        QString stderrText;
        QString stdoutText;
    };

    static Outcome runCapped(const QStringList &args)
    {
        QProcess process;
        process.setChildProcessModifier([] {
            const rlimit cap{kAddressSpaceBytes, kAddressSpaceBytes};
            setrlimit(RLIMIT_AS, &cap);
        });
        process.start(QStringLiteral(JSONATA_COMMAND_PROBE), args);
        Outcome outcome;
        if (!process.waitForFinished(240000)) {
            process.kill();
            process.waitForFinished();
            outcome.stderrText = QStringLiteral("did not finish");
            return outcome;
        }
        outcome.crashed = process.exitStatus() == QProcess::CrashExit;
        outcome.exitCode = process.exitCode();
        outcome.stderrText = QString::fromUtf8(process.readAllStandardError());
        outcome.stdoutText = QString::fromUtf8(process.readAllStandardOutput());
        return outcome;
    }

    static constexpr rlim_t kAddressSpaceBytes = rlim_t(1536) << 20;

private Q_SLOTS:
    void buildingPastTheLimitIsU1002_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::newRow("doubling an array with $append")
            << "$reduce([1..40], function($a, $i) { $append($a, $a) }, [1])";
        QTest::newRow("doubling a string") << "$reduce([1..40], function($s, $i) { $s & $s }, 'x')";
        QTest::newRow("arrays of arrays") << "[1..4000].[[1..100000]]";
        QTest::newRow("many objects with computed keys") << "[1..3000].($x := $; [1..3000].{ 'k' & $x & '_' & $: $ })";
        QTest::newRow("tuple streams") << "$count(([1..5000])@$a.([1..5000])@$b.($a + $b))";
        QTest::newRow("splitting into characters")
            << "$count($split($reduce([1..26], function($s, $i) { $s & $s }, 'x'), ''))";
        QTest::newRow("closures keeping their frames")
            << "($f := function($n, $g) { $n = 0 ? 0 : $f($n - 1, function() { $n }) }; $f(100000000, 0))";
        // Objects whose members share one payload: linear in memory, exponential written out or walked.
        const QString shared = QStringLiteral("$reduce([1..40], function($a, $i) { {'l': $a, 'r': $a} }, {'x': 1})");
        QTest::newRow("shared members written out") << "$string(" + shared + ")";
        QTest::newRow("shared members listed by **") << "$count(" + shared + ".**)";
        QTest::newRow("shared members cloned") << "$count($keys($clone(" + shared + ")))";
        QTest::newRow("shared members as the result") << shared;
    }

    void buildingPastTheLimitIsU1002()
    {
        QFETCH(QString, expression);
        const Outcome outcome =
            runCapped({QStringLiteral("--timeout"), QStringLiteral("120000"), QStringLiteral("--max-depth"),
                       QStringLiteral("100000000"), QStringLiteral("--max-memory"), QStringLiteral("256"), expression});
        QVERIFY2(!outcome.crashed, qPrintable(outcome.stderrText));
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.stderrText.startsWith(QLatin1String("U1002")), qPrintable(outcome.stderrText));
        // The configured limit stopped it, not the allocator failing under the address-space cap.
        QVERIFY2(outcome.stderrText.contains(QLatin1String("memory limit")), qPrintable(outcome.stderrText));
    }

    void workWithinTheLimitSucceeds()
    {
        const Outcome outcome =
            runCapped({QStringLiteral("--max-memory"), QStringLiteral("256"), QStringLiteral("--compact"),
                       QStringLiteral("$count([1..1000].($x := $; [1..1000].($x + $)))")});
        QCOMPARE(outcome.exitCode, 0);
        QCOMPARE(outcome.stdoutText.trimmed(), QStringLiteral("1000000"));
    }
};

QTEST_GUILESS_MAIN(TestJsonataMemoryLimit)
#include "TestJsonataMemoryLimit.moc"

#include "jsonata/Expression.h"

#include <QtTest>

#include <thread>

using namespace patchbay::jsonata;

// Tenant-supplied expressions run under caller-set limits; exceeding one is a clean error: U1001 for time and depth,
// U1002 for memory. Memory limits that a regression could blow through are tested in a child process
// (TestJsonataMemoryLimit); the ones here stay small either way.
class TestJsonataLimits : public QObject
{
    Q_OBJECT

private:
    static Result<Value> run(const char *source, EvalLimits limits, const Value &input = Value())
    {
        Result<Expression> expr = Expression::compile(std::string_view(source));
        if (!expr.ok())
            return expr.error();
        return expr.value().evaluate(input, Bindings(), limits);
    }

    static std::string errorCode(const Result<Value> &result) { return result.ok() ? "(none)" : result.error().code; }

private Q_SLOTS:
    void timeLimitStopsAnEndlessLoop()
    {
        // Without the limit this loop never ends (the depth limit is off), so reaching U1001 is the proof.
        Result<Value> result = run("($loop := function($n) { $loop($n + 1) }; $loop(0))", EvalLimits{200, 0});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("U1001"));
    }

    void depthLimitStopsDeepRecursion()
    {
        Result<Value> result =
            run("($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000))", EvalLimits{0, 100});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("U1001"));
    }

    void recursionWithinTheLimitSucceeds()
    {
        Result<Value> result =
            run("($f := function($n) { $n = 0 ? 0 : 1 + $f($n - 1) }; $f(20))", EvalLimits{1000, 100});
        QVERIFY(result.ok());
        QCOMPARE(result.value().asNumber(), 20.0);
    }

    void tailCallsDoNotCountAsDepth()
    {
        Result<Value> result = run("($count := function($n, $acc) { $n = 0 ? $acc : $count($n - 1, $acc + 1) };"
                                   " $count(20000, 0))",
                                   EvalLimits{5000, 50});
        QVERIFY(result.ok());
        QCOMPARE(result.value().asNumber(), 20000.0);
    }

    void unlimitedDepthIsStillStackSafe()
    {
        // No depth limit set, on a thread with a small stack: the evaluator must stop before overflowing it.
        Result<Value> result = Error{};
        std::thread worker([&result] {
            result = run("($f := function($n) { 1 + $f($n + 1) }; $f(0))", EvalLimits{10000, 0});
        });
        worker.join();
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("U1001"));
    }

    void deeplyNestedResultIsRejected()
    {
        // Tail calls build the nesting in constant stack; the engine must still refuse to hand it out.
        Result<Value> result = run("($wrap := function($n, $acc) { $n = 0 ? $acc : $wrap($n - 1, {'a': $acc}) };"
                                   " $wrap(100000, 1))",
                                   EvalLimits{10000, 0});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("U1001"));
    }

    void memoryBombIsRejected()
    {
        Result<Value> result = run("$pad('x', 1e12)", EvalLimits{1000, 0});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("U1002"));
    }

    void timeLimitHoldsInsideBuiltIns_data()
    {
        // Each would run for minutes inside one built-in call (or one comparison), between evaluation steps.
        QTest::addColumn<QString>("expression");
        const QString shared =
            QStringLiteral("($d := function($n) { $n = 0 ? {'x': 1} : ($x := $d($n - 1); {'l': $x, 'r': $x}) };");
        QTest::newRow("= on values sharing members") << shared + " $d(45) = $d(45))";
        QTest::newRow("$merge of one large object many times")
            << "($o := $merge([1..20000].{'k' & $: $}); $count($keys($merge([1..20000].$o))))";
        QTest::newRow("$distinct of values sharing members") << shared + " $count($distinct([$d(45), $d(45)])))";
    }

    void timeLimitHoldsInsideBuiltIns()
    {
        QFETCH(QString, expression);
        QCOMPARE(errorCode(run(expression.toUtf8().constData(), EvalLimits{50, 0, 0})), std::string("U1001"));
    }

    void keysOfALargeObjectAreListedOnce()
    {
        Result<Value> result = run("$count($keys($merge([1..60000].{'k' & $: $})))", EvalLimits{60000, 0, 64});
        QVERIFY2(result.ok(), errorCode(result).c_str());
        QCOMPARE(result.value().asNumber(), 60000.0);
    }

    void memoryLimitCountsWhatIsHeldNotWhatWasEverBuilt()
    {
        // Appending one item at a time copies the whole array each time (72 MB copied in all), yet never holds
        // more than about 100 KB.
        Result<Value> result =
            run("$count($reduce([1..3000], function($a, $x) { $append($a, $x) }, []))", EvalLimits{60000, 0, 8});
        QVERIFY2(result.ok(), errorCode(result).c_str());
        QCOMPARE(result.value().asNumber(), 3000.0);
    }

    void memoryLimitDoesNotCountTheInput()
    {
        std::string json = "[0";
        for (int i = 1; i < 1000000; ++i)
            json += ",1";
        json += "]";
        const Value input = Value::fromJson(json).value(); // 16 MB of items
        Result<Value> result = run("$sum($)", EvalLimits{60000, 0, 4}, input);
        QVERIFY2(result.ok(), errorCode(result).c_str());
        QCOMPARE(result.value().asNumber(), 999999.0);
    }

    void memoryLimitStopsAValueTooLargeToBuild()
    {
        QCOMPARE(errorCode(run("[1..1000000]", EvalLimits{60000, 0, 4})), std::string("U1002"));
        QCOMPARE(errorCode(run("$pad('', 3000000, 'x')", EvalLimits{60000, 0, 4})), std::string("U1002"));
        QCOMPARE(errorCode(run("$join([1..100000].$pad('', 100, 'x'))", EvalLimits{60000, 0, 4})),
                 std::string("U1002"));
    }

    void deeplyNestedSourceIsRejected()
    {
        std::string source(5000, '(');
        source += "1";
        source += std::string(5000, ')');
        Result<Expression> expr = Expression::compile(std::string_view(source));
        QVERIFY(!expr.ok());
        QCOMPARE(expr.error().code, std::string("U1001"));
    }
};

QTEST_GUILESS_MAIN(TestJsonataLimits)
#include "TestJsonataLimits.moc"

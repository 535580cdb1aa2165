#include "jsonata/Expression.h"

#include <QElapsedTimer>
#include <QtTest>

#include <thread>

using namespace patchbay::jsonata;

// Tenant-supplied expressions run under caller-set limits; exceeding one is a clean U1001 error.
class TestJsonataLimits : public QObject
{
    Q_OBJECT

private:
    static Result<Value> run(const char *source, EvalLimits limits)
    {
        Result<Expression> expr = Expression::compile(std::string_view(source));
        if (!expr.ok())
            return expr.error();
        return expr.value().evaluate(Value(), Bindings(), limits);
    }

private Q_SLOTS:
    void timeLimitStopsAnEndlessLoop()
    {
        QElapsedTimer timer;
        timer.start();
        Result<Value> result = run("($loop := function($n) { $loop($n + 1) }; $loop(0))", EvalLimits{200, 0});
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("U1001"));
        QVERIFY2(timer.elapsed() < 5000, "the time limit was not enforced promptly");
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
        QCOMPARE(result.error().code, std::string("U1001"));
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

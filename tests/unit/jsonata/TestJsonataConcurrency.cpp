#include "jsonata/Expression.h"

#include <QtTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace patchbay::jsonata;

// One compiled Expression evaluated from many threads at once, sharing one input document.
class TestJsonataConcurrency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void concurrentEvaluationGivesIdenticalResults()
    {
        Result<Expression> compiled = Expression::compile(std::string_view(R"(
            ( $total := function($items) { $reduce($items, function($acc, $i) { $acc + $i.price * $i.qty }, 0) };
              {
                "customer": $uppercase(customer),
                "total": $total(orders.items),
                "skus": orders.items.sku^($)[[0..2]],
                "bySku": orders.items{ sku: $sum(qty) },
                "matched": $match(customer, /[aeiou]/).match
              } ))"));
        QVERIFY(compiled.ok());
        const Expression expr = compiled.value();
        const Value input = Value::fromJson(R"({"customer": "ada lovelace", "orders": [
            {"items": [{"sku": "b", "price": 2.5, "qty": 2}, {"sku": "a", "price": 1, "qty": 3}]},
            {"items": [{"sku": "c", "price": 4, "qty": 1}, {"sku": "a", "price": 1, "qty": 1}]}]})")
                                .value();
        const std::string expected = expr.evaluate(input).value().toJson();
        QVERIFY(expected.find("\"total\":13") != std::string::npos);

        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&] {
                for (int n = 0; n < 2000; ++n) {
                    Result<Value> result = expr.evaluate(input, Bindings(), EvalLimits{5000, 500});
                    if (!result.ok() || result.value().toJson() != expected)
                        ++mismatches;
                }
            });
        }
        for (std::thread &thread : threads)
            thread.join();
        QCOMPARE(mismatches.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestJsonataConcurrency)
#include "TestJsonataConcurrency.moc"

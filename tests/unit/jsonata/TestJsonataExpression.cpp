#include "jsonata/Expression.h"

#include <QtTest>

using namespace patchbay::jsonata;

// Compiling and evaluating through the public API: results, undefined, bindings and error codes with positions.
class TestJsonataExpression : public QObject
{
    Q_OBJECT

private:
    static Value json(const char *text) { return Value::fromJson(text).value(); }

private Q_SLOTS:
    void evaluatesFieldMapping()
    {
        Result<Expression> expr =
            Expression::compile(std::string_view(R"({ "id": id, "email": $lowercase(properties.email),
                                  "name": properties.firstname & " " & properties.lastname })"));
        QVERIFY(expr.ok());
        Result<Value> result = expr.value().evaluate(
            json(R"({"id": "7", "properties": {"email": "Ada@Example.COM", "firstname": "Ada", "lastname": "L"}})"));
        QVERIFY(result.ok());
        QCOMPARE(result.value().toJson(), std::string(R"({"id":"7","email":"ada@example.com","name":"Ada L"})"));
    }

    void compilesFromQString()
    {
        Result<Expression> expr = Expression::compile(QStringLiteral("$sum(items.price) * 2"));
        QVERIFY(expr.ok());
        Result<Value> result = expr.value().evaluate(json(R"({"items": [{"price": 1.5}, {"price": 2}]})"));
        QVERIFY(result.ok());
        QCOMPARE(result.value().asNumber(), 7.0);
    }

    void missingPathIsUndefinedNotNull()
    {
        Result<Value> result = Expression::compile("nothing.here").value().evaluate(json("{}"));
        QVERIFY(result.ok());
        QVERIFY(result.value().isUndefined());
        QCOMPARE(result.value().toJson(), std::string("null"));
    }

    void bindingsAreVariables()
    {
        Bindings bindings;
        bindings.set("rate", Value::number(1.5));
        bindings.set("unit", Value::string("EUR"));
        Result<Value> result = Expression::compile(std::string_view("$string(amount * $rate) & ' ' & $unit"))
                                   .value()
                                   .evaluate(json(R"({"amount": 10})"), bindings);
        QVERIFY(result.ok());
        QCOMPARE(result.value().asString(), std::string("15 EUR"));
    }

    void compileErrorsCarryCodeAndPosition_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("position");
        QTest::newRow("unclosed call") << QStringLiteral("$lowercase(\"x\"") << QStringLiteral("S0203") << 14;
        QTest::newRow("two names") << QStringLiteral("foo bar") << QStringLiteral("S0201") << 7;
        QTest::newRow("unterminated string") << QStringLiteral("\"abc") << QStringLiteral("S0101") << 4;
        QTest::newRow("bad bind target") << QStringLiteral("1 := 2") << QStringLiteral("S0212") << 4;
        QTest::newRow("unknown operator") << QStringLiteral("[1!2]") << QStringLiteral("S0204") << 3;
    }

    void compileErrorsCarryCodeAndPosition()
    {
        QFETCH(QString, source);
        QFETCH(QString, code);
        QFETCH(int, position);
        Result<Expression> expr = Expression::compile(source);
        QVERIFY(!expr.ok());
        QCOMPARE(QString::fromStdString(expr.error().code), code);
        QCOMPARE(expr.error().position, position);
        QVERIFY(!expr.error().message.empty());
    }

    void evaluationErrorsCarryCodeAndPosition()
    {
        Result<Value> result = Expression::compile(std::string_view("1 + \"a\"")).value().evaluate(Value());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("T2002"));
        QCOMPARE(result.error().position, 3);

        result = Expression::compile(std::string_view("$number('twelve')")).value().evaluate(Value());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("D3030"));
        QCOMPARE(result.error().position, 8);
    }

    void userErrorsKeepTheirMessage()
    {
        Result<Value> result =
            Expression::compile(std::string_view("$error('Too Expensive')")).value().evaluate(Value());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, std::string("D3137"));
        QCOMPARE(result.error().message, std::string("Too Expensive"));
    }

    void oneExpressionEvaluatesManyInputs()
    {
        Result<Expression> expr = Expression::compile(std::string_view("$count(items[price > 10])"));
        QVERIFY(expr.ok());
        for (int i = 0; i < 50; ++i) {
            Value input = json(i % 2 ? R"({"items": [{"price": 11}, {"price": 12}]})" : R"({"items": []})");
            QCOMPARE(expr.value().evaluate(input).value().asNumber(), i % 2 ? 2.0 : 0.0);
        }
    }
};

QTEST_GUILESS_MAIN(TestJsonataExpression)
#include "TestJsonataExpression.moc"

#include "jsonata/Expression.h"
#include "jsonata/Value.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace patchbay::jsonata;

// The value type at the engine's boundaries: JSON text and Qt JSON in and out.
class TestJsonataValue : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jsonRoundTripKeepsKeyOrderAndNumbers()
    {
        const std::string text = "{\"b\":1,\"a\":[true,false,null,\"x\\n\\\"y\\\"\",1.5,-2,1e+21,0.0001],\"c\":{}}";
        Result<Value> parsed = Value::fromJson(text);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed.value().toJson(), text);
    }

    void invalidJsonIsAnErrorWithOffset()
    {
        Result<Value> parsed = Value::fromJson(R"({"a": [1, 2,]})");
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code, std::string("D0001"));
        QCOMPARE(parsed.error().position, 12);
    }

    void unicodeEscapesBecomeUtf8()
    {
        Result<Value> parsed = Value::fromJson(R"("caf\u00e9 \ud83d\ude00")");
        QVERIFY(parsed.ok());
        QCOMPARE(QString::fromStdString(parsed.value().asString()), QStringLiteral("café 😀"));
    }

    void qjsonRoundTrip()
    {
        QJsonObject object{{"name", "Ada"},
                           {"age", 36},
                           {"tags", QJsonArray{"a", "b"}},
                           {"address", QJsonObject{{"city", "London"}, {"zip", QJsonValue::Null}}},
                           {"active", true}};
        Value value = Value::fromQJsonValue(object);
        QVERIFY(value.isObject());
        QCOMPARE(value.toQJsonValue().toObject(), object);
        QCOMPARE(Value::fromJson(QJsonDocument(object).toJson().toStdString()).value().toQJsonValue().toObject(),
                 object);
    }

    void evaluationResultConvertsToQJson()
    {
        Result<Expression> expr = Expression::compile(std::string_view("items.{ 'sku': sku, 'qty': qty * 2 }"));
        QVERIFY(expr.ok());
        QJsonObject input{
            {"items", QJsonArray{QJsonObject{{"sku", "A"}, {"qty", 1}}, QJsonObject{{"sku", "B"}, {"qty", 3}}}}};
        Result<Value> result = expr.value().evaluate(Value::fromQJsonValue(input));
        QVERIFY(result.ok());
        QJsonArray expected{QJsonObject{{"sku", "A"}, {"qty", 2}}, QJsonObject{{"sku", "B"}, {"qty", 6}}};
        QCOMPARE(result.value().toQJsonValue().toArray(), expected);
    }

    void undefinedConvertsToQJsonUndefined()
    {
        QVERIFY(Value().toQJsonValue().isUndefined());
        QVERIFY(Value::fromQJsonValue(QJsonValue(QJsonValue::Undefined)).isUndefined());
    }
};

QTEST_GUILESS_MAIN(TestJsonataValue)
#include "TestJsonataValue.moc"

#include "jsonata/Expression.h"

#include <QtTest>

#include <string>

using namespace patchbay::jsonata;

// Expressions a tenant could write on purpose or by accident that used to crash the engine, loop forever or give a
// wrong answer: each now ends in a result or a JSONata error.
class TestJsonataHostileInput : public QObject
{
    Q_OBJECT

private:
    static Result<Value> run(const std::string &source, const char *json = "{}", EvalLimits limits = {5000, 0})
    {
        Result<Expression> expr = Expression::compile(std::string_view(source));
        if (!expr.ok())
            return expr.error();
        return expr.value().evaluate(Value::fromJson(json).value(), Bindings(), limits);
    }

    static std::string errorCode(const Result<Value> &result) { return result.ok() ? "(none)" : result.error().code; }

private Q_SLOTS:
    void toMillisWithoutDateOrTimeComponentsGivesNow_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::newRow("weekday number") << R"($toMillis("1", "[F1]"))";
        QTest::newRow("am/pm") << R"($toMillis("am", "[P]"))";
        QTest::newRow("weekday name") << R"($toMillis("Mon", "[FNn]"))";
    }

    void toMillisWithoutDateOrTimeComponentsGivesNow()
    {
        // As jsonata-js: every part is missing, so every part comes from the current date and time.
        QFETCH(QString, expression);
        Result<Value> result = run(expression.toStdString());
        QVERIFY2(result.ok(), errorCode(result).c_str());
        QVERIFY(result.value().isNumber());
        QVERIFY(result.value().asNumber() > 1.6e12);
    }

    void toMillisRefusesEraAndCalendarComponents_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::newRow("era") << R"($toMillis("1", "[E]"))";
        QTest::newRow("calendar") << R"($toMillis("1", "[C]"))";
        QTest::newRow("era after a year") << R"($toMillis("2020 AD", "[Y] [E]"))";
    }

    void toMillisRefusesEraAndCalendarComponents()
    {
        QFETCH(QString, expression);
        QCOMPARE(errorCode(run(expression.toStdString())), std::string("D3133"));
    }

    void formatBaseOfHugeNumbers_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("digits"); // significant digits, as jsonata-js gives them
        QTest::addColumn<int>("length");
        QTest::newRow("1e300") << "$formatBase(1e300)"
                               << "1e+300" << 6;
        QTest::newRow("-1e300") << "$formatBase(-1e300)"
                                << "-1e+300" << 7;
        QTest::newRow("1e21") << "$formatBase(1e21)"
                              << "1e+21" << 5;
        QTest::newRow("1e300 base 2") << "$formatBase(1e300, 2)"
                                      << "101111110010000111100100010000000000001110101100111" << 997;
        QTest::newRow("1e300 base 36") << "$formatBase(1e300, 36)"
                                       << "fhgyjdfcg7s" << 193;
        QTest::newRow("-1e300 base 16") << "$formatBase(-1e300, 16)"
                                        << "-17e43c8800759c" << 251;
        QTest::newRow("past 2^53 base 7") << "$formatBase(123456789012345678901234, 7)"
                                          << "1610260333455442551" << 28;
        QTest::newRow("255.5 base 16") << "$formatBase(255.5, 16)"
                                       << "1" << 3;
    }

    void formatBaseOfHugeNumbers()
    {
        QFETCH(QString, expression);
        QFETCH(QString, digits);
        QFETCH(int, length);
        Result<Value> result = run(expression.toStdString());
        QVERIFY2(result.ok(), errorCode(result).c_str());
        const std::string text = result.value().asString();
        QCOMPARE(int(text.size()), length);
        QVERIFY2(text.rfind(digits.toStdString(), 0) == 0, text.c_str());
        QVERIFY(text.find_first_not_of('0', std::size_t(digits.size())) == std::string::npos);
    }

    void rangeBoundsPastTwoToTheFiftyThreeAreRefused_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("data");
        QTest::addColumn<QString>("code");
        QTest::newRow("1e19 both sides") << "[1e19..1e19]"
                                         << "{}"
                                         << "T2003";
        QTest::newRow("from the data") << "[a..a]"
                                       << R"({"a": 1e300})"
                                       << "T2003";
        QTest::newRow("upper bound") << "[1..a]"
                                     << R"({"a": 1e300})"
                                     << "T2004";
        QTest::newRow("negative lower bound") << "[-1e300..1]"
                                              << "{}"
                                              << "T2003";
        QTest::newRow("2^53") << "[9007199254740992..9007199254740992]"
                              << "{}"
                              << "T2003";
    }

    void rangeBoundsPastTwoToTheFiftyThreeAreRefused()
    {
        QFETCH(QString, expression);
        QFETCH(QString, data);
        QFETCH(QString, code);
        const std::string json = data.toStdString();
        QCOMPARE(errorCode(run(expression.toStdString(), json.c_str())), code.toStdString());
    }

    void rangeAtTheLargestSafeIntegerStillWorks()
    {
        Result<Value> result = run("[9007199254740990..9007199254740991]");
        QVERIFY2(result.ok(), errorCode(result).c_str());
        QCOMPARE(result.value().toJson(), std::string("[9007199254740990,9007199254740991]"));
    }

    void regexBacktrackingLimitIsAnErrorNotNoMatch_data()
    {
        // (a+)+c against many a's and no c backtracks exponentially: PCRE2 gives up at its match limit. Taking
        // that for "no match" made $contains answer false where the true answer (the "ac" at the end) is true.
        const std::string subject = R"("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" & "ac")";
        QTest::addColumn<QString>("expression");
        auto row = [&](const char *name, const std::string &call) {
            QTest::newRow(name) << QString::fromStdString(call);
        };
        row("$contains", "$contains(" + subject + ", /(a+)+c/)");
        row("$match", "$match(" + subject + ", /(a+)+c/)");
        row("$replace", "$replace(" + subject + ", /(a+)+c/, 'x')");
        row("$split", "$split(" + subject + ", /(a+)+c/)");
        row("~> regex", "(" + subject + ") ~> /(a+)+c/");
        row("regex as a function", "($re := /(a+)+c/; $re(" + subject + "))");
    }

    void regexBacktrackingLimitIsAnErrorNotNoMatch()
    {
        QFETCH(QString, expression);
        QCOMPARE(errorCode(run(expression.toStdString())), std::string("U1003"));
    }

    void regexWithinTheLimitStillMatches()
    {
        Result<Value> result = run(R"($contains("xxac", /(a+)+c/))");
        QVERIFY2(result.ok(), errorCode(result).c_str());
        QCOMPARE(result.value().asBool(), true);
    }

    void notANumberArgumentsBehaveAsInJsonataJs_data()
    {
        // 0 % 0 is NaN; converting it to a length was undefined behaviour (found by tests/fuzz).
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("expected");
        QTest::newRow("$pad width") << R"($pad("x", -2 % 0, "#"))"
                                    << R"("x")";
        QTest::newRow("$substring start") << R"($substring("abcdef", 0 % 0))"
                                          << R"("abcdef")";
        QTest::newRow("$substring start and length") << R"($substring("abcdef", 0 % 0, 2))"
                                                     << R"("")";
        QTest::newRow("$substring length") << R"($substring("abcdef", 1, 0 % 0))"
                                           << R"("")";
    }

    void notANumberArgumentsBehaveAsInJsonataJs()
    {
        QFETCH(QString, expression);
        QFETCH(QString, expected);
        Result<Value> result = run(expression.toStdString());
        QVERIFY2(result.ok(), errorCode(result).c_str());
        QCOMPARE(QString::fromStdString(result.value().toJson()), expected);
    }

    void hugePictureWidthsStopAtTheMemoryLimit_data()
    {
        // Padding to the width was quadratic, and a width past 2^31 overflowed (found by tests/fuzz).
        QTest::addColumn<QString>("expression");
        QTest::newRow("a billion digits") << R"($fromMillis(0, "[D,1000000000]"))";
        QTest::newRow("past 2^53") << R"($fromMillis(0, "[D,19007199254740993]"))";
    }

    void hugePictureWidthsStopAtTheMemoryLimit()
    {
        QFETCH(QString, expression);
        QCOMPARE(errorCode(run(expression.toStdString(), "{}", EvalLimits{60000, 0, 64})), std::string("U1002"));
    }

    void pictureWidthsStillPad()
    {
        Result<Value> result = run(R"($fromMillis(0, "[D,5]-[Y,2]"))");
        QVERIFY2(result.ok(), errorCode(result).c_str());
        QCOMPARE(result.value().asString(), std::string("00001-70"));
    }
};

QTEST_GUILESS_MAIN(TestJsonataHostileInput)
#include "TestJsonataHostileInput.moc"

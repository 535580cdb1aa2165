#include "mapping/CompiledMapping.h"
#include "mapping/MappingTree.h"

#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;

class TestMappingTree : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void overridesReplaceAddAndDropFields();
    void nestedOverridesMergeDeeply();
    void invalidExpressionsAreReportedPerField();
    void compiledMappingBuildsNestedRecordsAndReportsFieldErrors();
    void runawayExpressionStopsAtTheLimit();

private:
    static MappingTree tree(const char *json) { return QJsonDocument::fromJson(json).object(); }
};

void TestMappingTree::overridesReplaceAddAndDropFields()
{
    const MappingTree base = tree(R"J({"id":"id","email":"email","name":"first & ' ' & last"})J");
    const MappingTree merged = mergeMappings(base, tree(R"J({"email":"$lowercase(email)","name":null,"tier":"'gold'"})J"));
    QCOMPARE(merged.value(QStringLiteral("id")).toString(), QStringLiteral("id"));
    QCOMPARE(merged.value(QStringLiteral("email")).toString(), QStringLiteral("$lowercase(email)"));
    QVERIFY(!merged.contains(QStringLiteral("name")));
    QCOMPARE(merged.value(QStringLiteral("tier")).toString(), QStringLiteral("'gold'"));
    QCOMPARE(mappingFields(merged), (QStringList{QStringLiteral("email"), QStringLiteral("id"), QStringLiteral("tier")}));
}

void TestMappingTree::nestedOverridesMergeDeeply()
{
    const MappingTree base = tree(R"J({"address":{"city":"city","zip":"zip"},"id":"id"})J");
    const MappingTree merged = mergeMappings(base, tree(R"J({"address":{"zip":"postcode","country":"'NL'"}})J"));
    QCOMPARE(mappingExpression(merged, QStringLiteral("address.city")), QStringLiteral("city"));
    QCOMPARE(mappingExpression(merged, QStringLiteral("address.zip")), QStringLiteral("postcode"));
    QCOMPARE(mappingExpression(merged, QStringLiteral("address.country")), QStringLiteral("'NL'"));
    QCOMPARE(mappingExpression(merged, QStringLiteral("id")), QStringLiteral("id"));
}

void TestMappingTree::invalidExpressionsAreReportedPerField()
{
    const QList<MappingIssue> issues =
        validateMapping(tree(R"J({"ok":"a.b","bad":"a +","deep":{"worse":"$foo(("},"drop":null})J"), false);
    QCOMPARE(issues.size(), 3);
    QCOMPARE(issues.at(0).field, QStringLiteral("bad"));
    QCOMPARE(issues.at(0).code, QStringLiteral("S0207"));
    QCOMPARE(issues.at(0).position, 3);
    QCOMPARE(issues.at(1).field, QStringLiteral("deep.worse"));
    QCOMPARE(issues.at(2).field, QStringLiteral("drop")); // a null is only allowed in an override
    QCOMPARE(validateMapping(tree(R"J({"drop":null})J"), true).size(), 0);
}

void TestMappingTree::compiledMappingBuildsNestedRecordsAndReportsFieldErrors()
{
    const auto mapping = CompiledMapping::compile(
        tree(R"J({"id":"id","who":{"name":"first & ' ' & last","n":"$number(age)"},"missing":"nothing"})J"));
    QVERIFY(mapping.ok());
    const auto good = mapping->evaluate(jsonata::Value::fromJson(R"J({"id":7,"first":"Ada","last":"L","age":"36"})J").value(),
                                        {});
    QVERIFY(good.errors.isEmpty());
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(good.value.toJson())).object(),
             QJsonDocument::fromJson(R"J({"id":7,"who":{"name":"Ada L","n":36}})J").object());

    const auto bad = mapping->evaluate(jsonata::Value::fromJson(R"J({"id":8,"first":"B","last":"C","age":"old"})J").value(),
                                       {});
    QCOMPARE(bad.errors.size(), 1);
    QCOMPARE(bad.errors.first().field, QStringLiteral("who.n"));
    QCOMPARE(bad.errors.first().code, QStringLiteral("D3030"));
}

void TestMappingTree::runawayExpressionStopsAtTheLimit()
{
    const auto mapping = CompiledMapping::compile(
        tree(R"J({"loop":"($f := function($n) { $f($n + 1) }; $f(0))"})J"));
    QVERIFY(mapping.ok());
    const auto output = mapping->evaluate(jsonata::Value::fromJson("{}").value(), {1000, 100});
    QCOMPARE(output.errors.size(), 1);
    QVERIFY2(output.errors.first().code == QStringLiteral("U1001") || output.errors.first().code == QStringLiteral("D1011"),
             qPrintable(output.errors.first().code));
}

QTEST_GUILESS_MAIN(TestMappingTree)
#include "TestMappingTree.moc"

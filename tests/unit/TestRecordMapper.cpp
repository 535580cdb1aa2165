#include "mapping/CompiledMapping.h"
#include "mapping/RecordMapper.h"

#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;

// A record of a page is mapped from its parsed form, not written out and read back: the rows and failed records
// must be the ones its compact JSON text gives, byte for byte (numbers, key order, duplicate keys, strings that
// are not valid Unicode, nesting past the JSON reader's limit, mapping errors).
class TestRecordMapper : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsedRecordMapsAsItsText_data();
    void parsedRecordMapsAsItsText();
    void withoutMappingTheRecordIsStoredAsItsText();
};

namespace {

QByteArray nested(int levels)
{
    return "{\"deep\":" + QByteArray(levels, '[') + QByteArray(levels, ']') + "}";
}

struct Mapped
{
    QList<StoredRecord> rows;
    QList<FailedRecord> failed;
};

} // namespace

void TestRecordMapper::parsedRecordMapsAsItsText_data()
{
    QTest::addColumn<QByteArray>("record");
    QTest::newRow("plain") << QByteArray(R"J({"id":"7","name":"Ada","tags":["a","b"],"n":null,"ok":true})J");
    QTest::newRow("numbers") << QByteArray(
        R"J({"big":12345678901234567890,"past53":9007199254740993,"negZero":-0.0,"intZero":-0,"e21":1e21,)J"
        R"J("small":1.5e-7,"tenth":0.1,"neg":-42,"max":1.7976931348623157e308})J");
    QTest::newRow("unicode") << QByteArray(R"J({"s":"é😀\u00e9\ud83d\ude00","\u00fcber":"x"})J");
    QTest::newRow("control characters") << QByteArray(R"J({"s":"a\u0000b\u001f\n\t\"\\"})J");
    QTest::newRow("lone surrogate") << QByteArray(R"J({"s":"\ud800","k\udc00":1})J");
    QTest::newRow("duplicate keys") << QByteArray(R"J({"a":1,"b":2,"a":3})J");
    QTest::newRow("key order") << QByteArray(R"J({"z":1,"a":2,"m":{"y":1,"b":2}})J");
    QTest::newRow("nested past the direct limit") << nested(300);
    QTest::newRow("nested past the reader's limit") << nested(600);
    QTest::newRow("mapping error") << QByteArray(R"J({"id":"8","age":"old"})J");
}

void TestRecordMapper::parsedRecordMapsAsItsText()
{
    QFETCH(QByteArray, record);
    QJsonParseError error;
    const QJsonObject parsed = QJsonDocument::fromJson(record, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    const auto mapping = CompiledMapping::compile(QJsonDocument::fromJson(
        R"J({"all":"$","text":"$string($)","keys":"$keys($)","age":"age ? $number(age)"})J").object());
    QVERIFY(mapping.ok());
    const RecordMapper mapper(&mapping.value(), QStringLiteral("contacts"));

    Mapped direct;
    Mapped fromText;
    mapper.map(QStringLiteral("r1"), QStringLiteral("t"), parsed, direct.rows, direct.failed);
    mapper.map(QStringLiteral("r1"), QStringLiteral("t"), QJsonDocument(parsed).toJson(QJsonDocument::Compact),
               fromText.rows, fromText.failed);
    QCOMPARE(direct.rows.size(), fromText.rows.size());
    QCOMPARE(direct.failed.size(), fromText.failed.size());
    QCOMPARE(direct.rows.size() + direct.failed.size(), 1);
    for (int i = 0; i < direct.rows.size(); ++i) {
        QCOMPARE(direct.rows.at(i).recordId, fromText.rows.at(i).recordId);
        QCOMPARE(direct.rows.at(i).updatedAt, fromText.rows.at(i).updatedAt);
        QCOMPARE(direct.rows.at(i).data, fromText.rows.at(i).data);
    }
    for (int i = 0; i < direct.failed.size(); ++i) {
        QCOMPARE(direct.failed.at(i).raw, fromText.failed.at(i).raw);
        QCOMPARE(direct.failed.at(i).errors, fromText.failed.at(i).errors);
        QCOMPARE(direct.failed.at(i).object, QStringLiteral("contacts"));
    }
}

void TestRecordMapper::withoutMappingTheRecordIsStoredAsItsText()
{
    const QJsonObject parsed = QJsonDocument::fromJson(R"J({"z":1,"a":"é"})J").object();
    const RecordMapper mapper(nullptr, QStringLiteral("contacts"));
    Mapped mapped;
    mapper.map(QStringLiteral("r1"), QStringLiteral("t"), parsed, mapped.rows, mapped.failed);
    QCOMPARE(mapped.rows.size(), 1);
    QCOMPARE(mapped.rows.first().data, QJsonDocument(parsed).toJson(QJsonDocument::Compact));
    QVERIFY(mapped.failed.isEmpty());
}

QTEST_GUILESS_MAIN(TestRecordMapper)
#include "TestRecordMapper.moc"

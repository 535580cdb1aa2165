#include "server/RecordFeedJson.h"

#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;

// The change feed's cursor and JSON, and the records of a write request, as a product's backend sends and reads them.
class TestRecordFeedJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cursorRoundTrips();
    void foreignCursorsAreRefused_data();
    void foreignCursorsAreRefused();
    void pageContinuesAfterItsLastChange();
    void writeInputsAreRead();
    void badWriteInputsAreRefused_data();
    void badWriteInputsAreRefused();
};

void TestRecordFeedJson::cursorRoundTrips()
{
    for (const qint64 sequence : {qint64(0), qint64(1), qint64(42), qint64(9007199254740993)}) {
        const QString cursor = RecordFeedJson::encodeCursor(sequence);
        QVERIFY2(!cursor.contains(QString::number(sequence)) || sequence < 10, qPrintable(cursor));
        QCOMPARE(RecordFeedJson::decodeCursor(cursor), std::optional<qint64>(sequence));
    }
}

void TestRecordFeedJson::foreignCursorsAreRefused_data()
{
    QTest::addColumn<QString>("cursor");
    QTest::newRow("plain number") << QStringLiteral("12");
    QTest::newRow("not base64") << QStringLiteral("%%%");
    QTest::newRow("other tag") << QString::fromLatin1(QByteArray("page1:12").toBase64(QByteArray::Base64UrlEncoding));
    QTest::newRow("negative") << QString::fromLatin1(QByteArray("feed1:-3").toBase64(QByteArray::Base64UrlEncoding));
    QTest::newRow("leading zero") << QString::fromLatin1(
        QByteArray("feed1:012").toBase64(QByteArray::Base64UrlEncoding));
    QTest::newRow("no number") << QString::fromLatin1(QByteArray("feed1:").toBase64(QByteArray::Base64UrlEncoding));
    QTest::newRow("too large") << QString::fromLatin1(
        QByteArray("feed1:99999999999999999999").toBase64(QByteArray::Base64UrlEncoding));
    QTest::newRow("padded") << RecordFeedJson::encodeCursor(7) + QStringLiteral("==");
    QTest::newRow("space") << RecordFeedJson::encodeCursor(7) + QLatin1Char(' ');
}

void TestRecordFeedJson::foreignCursorsAreRefused()
{
    QFETCH(QString, cursor);
    QVERIFY(!RecordFeedJson::decodeCursor(cursor));
}

void TestRecordFeedJson::pageContinuesAfterItsLastChange()
{
    RecordChange created;
    created.sequence = 8;
    created.change = RecordChangeKind::Created;
    created.recordId = QStringLiteral("501");
    created.executionId = 3;
    created.changedAt = QDateTime::fromString(QStringLiteral("2026-03-01T12:00:00Z"), Qt::ISODate);
    created.data = "{\"email\":\"ada@example.com\"}";
    RecordChange deleted = created;
    deleted.sequence = 11;
    deleted.change = RecordChangeKind::Deleted;
    deleted.data.clear();
    deleted.executionId = 0;

    const QJsonObject json = RecordFeedJson::page({{created, deleted}, true}, 5);
    QCOMPARE(json.value(QLatin1String("hasMore")).toBool(), true);
    QCOMPARE(RecordFeedJson::decodeCursor(json.value(QLatin1String("nextCursor")).toString()),
             std::optional<qint64>(11));
    const QJsonArray changes = json.value(QLatin1String("changes")).toArray();
    QCOMPARE(changes.size(), 2);
    const QJsonObject first = changes.at(0).toObject();
    QCOMPARE(first.value(QLatin1String("sequence")).toInteger(), 8);
    QCOMPARE(first.value(QLatin1String("change")).toString(), QStringLiteral("created"));
    QCOMPARE(first.value(QLatin1String("id")).toString(), QStringLiteral("501"));
    QCOMPARE(first.value(QLatin1String("changedAt")).toString(), QStringLiteral("2026-03-01T12:00:00.000Z"));
    QCOMPARE(first.value(QLatin1String("executionId")).toInteger(), 3);
    QCOMPARE(first.value(QLatin1String("record")).toObject().value(QLatin1String("email")).toString(),
             QStringLiteral("ada@example.com"));
    const QJsonObject second = changes.at(1).toObject();
    QVERIFY(!second.contains(QLatin1String("record")));
    QVERIFY(second.value(QLatin1String("executionId")).isNull());

    // An empty page hands back the position it was asked from, to poll again.
    const QJsonObject empty = RecordFeedJson::page({}, 11);
    QVERIFY(empty.value(QLatin1String("changes")).toArray().isEmpty());
    QCOMPARE(empty.value(QLatin1String("hasMore")).toBool(), false);
    QCOMPARE(RecordFeedJson::decodeCursor(empty.value(QLatin1String("nextCursor")).toString()),
             std::optional<qint64>(11));
}

void TestRecordFeedJson::writeInputsAreRead()
{
    const QJsonArray records = QJsonDocument::fromJson(R"([
        {"key": "u-1", "record": {"name": "Ada Lovelace", "email": "ada@example.com"}},
        {"key": "u-2", "record": {"name": "Grace Hopper"}, "providerId": "701"}
    ])")
                                   .array();
    const auto inputs = RecordFeedJson::writeInputs(records, 2);
    QVERIFY2(inputs.ok(), qPrintable(inputs.ok() ? QString() : inputs.error().message));
    QCOMPARE(inputs->size(), 2);
    QCOMPARE(inputs->at(0).key, QStringLiteral("u-1"));
    QCOMPARE(inputs->at(0).record.value(QLatin1String("email")).toString(), QStringLiteral("ada@example.com"));
    QVERIFY(inputs->at(0).providerId.isEmpty());
    QCOMPARE(inputs->at(1).providerId, QStringLiteral("701"));
}

void TestRecordFeedJson::badWriteInputsAreRefused_data()
{
    QTest::addColumn<QByteArray>("records");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("named");
    QTest::newRow("empty") << QByteArray("[]") << QStringLiteral("request.bad_field") << QStringLiteral("records");
    QTest::newRow("too many") << QByteArray(
                                     R"([{"key":"a","record":{}},{"key":"b","record":{}},{"key":"c","record":{}}])")
                              << QStringLiteral("request.too_many_records") << QStringLiteral("at most 2");
    QTest::newRow("not an object") << QByteArray(R"([{"key":"a","record":{}}, 7])")
                                   << QStringLiteral("request.bad_field") << QStringLiteral("records[1]");
    QTest::newRow("no key") << QByteArray(R"([{"record":{}}])") << QStringLiteral("request.missing_field")
                            << QStringLiteral("records[0].key");
    QTest::newRow("no record") << QByteArray(R"([{"key":"a"}])") << QStringLiteral("request.missing_field")
                               << QStringLiteral("records[0].record");
    QTest::newRow("number key") << QByteArray(R"([{"key":5,"record":{}}])") << QStringLiteral("request.bad_field")
                                << QStringLiteral("records[0].key");
    QTest::newRow("empty key") << QByteArray(R"([{"key":"","record":{}}])") << QStringLiteral("request.bad_field")
                               << QStringLiteral("records[0].key");
    QTest::newRow("same key twice") << QByteArray(R"([{"key":"a","record":{}},{"key":"a","record":{}}])")
                                    << QStringLiteral("request.bad_field") << QStringLiteral("records[1].key");
    QTest::newRow("record not an object") << QByteArray(R"([{"key":"a","record":[1]}])")
                                          << QStringLiteral("request.bad_field") << QStringLiteral("records[0].record");
    QTest::newRow("number provider id") << QByteArray(R"([{"key":"a","record":{},"providerId":701}])")
                                        << QStringLiteral("request.bad_field")
                                        << QStringLiteral("records[0].providerId");
    QTest::newRow("unknown field") << QByteArray(R"([{"key":"a","record":{},"upsert":true}])")
                                   << QStringLiteral("request.unknown_field") << QStringLiteral("records[0].upsert");
}

void TestRecordFeedJson::badWriteInputsAreRefused()
{
    QFETCH(QByteArray, records);
    QFETCH(QString, code);
    QFETCH(QString, named);
    const auto inputs = RecordFeedJson::writeInputs(QJsonDocument::fromJson(records).array(), 2);
    QVERIFY(!inputs.ok());
    QCOMPARE(inputs.error().code, code);
    QVERIFY2(inputs.error().message.contains(named), qPrintable(inputs.error().message));
}

QTEST_GUILESS_MAIN(TestRecordFeedJson)
#include "TestRecordFeedJson.moc"

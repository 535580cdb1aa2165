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
        const RecordFeedJson::FeedCursor position{17, QStringLiteral("contacts"), sequence};
        const QString cursor = RecordFeedJson::encodeCursor(position);
        QVERIFY2(!cursor.contains(QString::number(sequence)) || sequence < 10, qPrintable(cursor));
        const auto decoded = RecordFeedJson::decodeCursor(cursor);
        QVERIFY(decoded);
        QCOMPARE(decoded->sequence, sequence);
        QCOMPARE(decoded->connectionId, 17);
        QCOMPARE(decoded->object, QStringLiteral("contacts"));
    }
    // The feed it belongs to is part of the cursor: the same position in another feed is another cursor.
    const RecordFeedJson::FeedCursor contacts{17, QStringLiteral("contacts"), 5};
    const RecordFeedJson::FeedCursor companies{17, QStringLiteral("companies"), 5};
    const RecordFeedJson::FeedCursor otherConnection{18, QStringLiteral("contacts"), 5};
    QVERIFY(RecordFeedJson::encodeCursor(contacts) != RecordFeedJson::encodeCursor(companies));
    QVERIFY(!RecordFeedJson::decodeCursor(RecordFeedJson::encodeCursor(companies))->sameFeed(contacts));
    QVERIFY(!RecordFeedJson::decodeCursor(RecordFeedJson::encodeCursor(otherConnection))->sameFeed(contacts));
    // An object name with the separator in it still reads back whole.
    const RecordFeedJson::FeedCursor odd{3, QStringLiteral("crm:deals"), 9};
    QCOMPARE(RecordFeedJson::decodeCursor(RecordFeedJson::encodeCursor(odd))->object, QStringLiteral("crm:deals"));
}

void TestRecordFeedJson::foreignCursorsAreRefused_data()
{
    const auto encoded = [](const QByteArray &text) {
        return QString::fromLatin1(text.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    };
    const QString seven = RecordFeedJson::encodeCursor({1, QStringLiteral("contacts"), 7});
    QTest::addColumn<QString>("cursor");
    QTest::newRow("plain number") << QStringLiteral("12");
    QTest::newRow("not base64") << QStringLiteral("%%%");
    QTest::newRow("other tag") << encoded("page1:1:12:contacts");
    QTest::newRow("the unbound form") << encoded("feed1:12");
    QTest::newRow("negative") << encoded("feed2:1:-3:contacts");
    QTest::newRow("leading zero") << encoded("feed2:1:012:contacts");
    QTest::newRow("no number") << encoded("feed2:1::contacts");
    QTest::newRow("no connection") << encoded("feed2:0:12:contacts");
    QTest::newRow("no object") << encoded("feed2:1:12:");
    QTest::newRow("too few parts") << encoded("feed2:1:12");
    QTest::newRow("too large") << encoded("feed2:1:99999999999999999999:contacts");
    QTest::newRow("padded") << seven + QStringLiteral("==");
    QTest::newRow("space") << seven + QLatin1Char(' ');
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

    const RecordFeedJson::FeedCursor after{4, QStringLiteral("contacts"), 5};
    const QJsonObject json = RecordFeedJson::page({{created, deleted}, true}, after);
    QCOMPARE(json.value(QLatin1String("hasMore")).toBool(), true);
    const auto next = RecordFeedJson::decodeCursor(json.value(QLatin1String("nextCursor")).toString());
    QVERIFY(next && next->sameFeed(after));
    QCOMPARE(next->sequence, 11);
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
    const QJsonObject empty = RecordFeedJson::page({}, {4, QStringLiteral("contacts"), 11});
    QVERIFY(empty.value(QLatin1String("changes")).toArray().isEmpty());
    QCOMPARE(empty.value(QLatin1String("hasMore")).toBool(), false);
    QCOMPARE(RecordFeedJson::decodeCursor(empty.value(QLatin1String("nextCursor")).toString())->sequence, 11);
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

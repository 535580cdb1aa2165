// The Square definition against the Square emulator: OAuth with a JSON token request whose answer has expires_at
// and no expires_in, cursor pagination, incremental reads through POST /v2/customers/search with an updated_at
// filter and the cursor and limit in the body; payments through ListPayments, changes by updated_at_begin_time; the
// customers' custom attribute definitions as their schema.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "square/SquareEmulator.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestSquareRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental();
    void expiredTokenIsRefreshed();
    void paymentsBackfillThenIncremental();
    void schemaListsCustomAttributeDefinitions();
    void merchantWithoutRecordsReadsNothing();

private:
    qint64 connectMerchant(const SandboxAccountCredentials &merchant, const QDateTime &expiresAt);
    QSet<QString> customerIds(qint64 updatedFromMs = 0) const
    {
        return ids(QStringLiteral("customers"), updatedFromMs);
    }
    qint64 newestMs() const { return newestMs(QStringLiteral("customers")); }
    QSet<QString> ids(const QString &object, qint64 updatedFromMs = 0) const;
    qint64 newestMs(const QString &object) const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<SquareEmulator> m_emulator;
};

void TestSquareRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<SquareEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestSquareRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestSquareRead::connectMerchant(const SandboxAccountCredentials &merchant, const QDateTime &expiresAt)
{
    const ProviderCase &row = providerCase(QStringLiteral("square"));
    return m_fixture->connect(row.provider, row.config(*m_emulator, merchant), credentialFor(row, merchant, expiresAt));
}

QSet<QString> TestSquareRead::ids(const QString &object, qint64 updatedFromMs) const
{
    QSet<QString> ids;
    for (const SandboxRecord &record : m_emulator->account(QStringLiteral("acme"))->table(object)->records()) {
        if (!record.deleted && record.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
            ids.insert(record.id);
    }
    return ids;
}

qint64 TestSquareRead::newestMs(const QString &object) const
{
    qint64 newest = 0;
    for (const SandboxRecord &record : m_emulator->account(QStringLiteral("acme"))->table(object)->records())
        newest = std::max(newest, record.updatedAt.toMSecsSinceEpoch());
    return newest;
}

void TestSquareRead::backfillThenIncremental()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("acme"), 250, 51);
    const qint64 connection = connectMerchant(merchant, QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, QStringLiteral("customers"));
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 250);
    QCOMPARE(backfill->pageCount, 3); // limit=100
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("customers")), customerIds());
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 0);
    QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("customers"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const qint64 newest = newestMs();
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("customers"), 120);
    QCOMPARE(touched.size(), 120);
    // start_at is ISO 8601 in whole seconds: the newest change minus the 60 s lookback, down to the second.
    const qint64 sinceMs = (newest - 60000) / 1000 * 1000;
    const QSet<QString> expected = customerIds(sinceMs);
    for (const QString &id : touched)
        QVERIFY(expected.contains(id));
    QVERIFY(expected.size() < 250);
    QVERIFY(expected.size() > 100); // the search pages: cursor and limit in the body

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, QStringLiteral("customers"));
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    QCOMPARE(incremental->pageCount, (expected.size() + 99) / 100);
    const RequestLogEntry search = m_emulator->requestLog().first();
    QCOMPARE(search.method, QStringLiteral("POST"));
    QCOMPARE(search.pathAndQuery, QStringLiteral("/v2/customers/search"));
    const QString since = QDateTime::fromMSecsSinceEpoch(sinceMs, Qt::UTC).toString(Qt::ISODate);
    QVERIFY2(m_fixture->eventText(incremental->id).contains(since), qPrintable(m_fixture->eventText(incremental->id)));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("customers")).size(), 250);
    cursor = m_fixture->cursor(connection, QStringLiteral("customers"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestMs());
}

void TestSquareRead::expiredTokenIsRefreshed()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("acme"), 30, 52);
    const qint64 connection = connectMerchant(merchant, QDateTime::currentDateTimeUtc().addSecs(-10));
    SystemClock clock;
    const auto read = m_fixture->sync(clock)->read(connection, QStringLiteral("customers"));
    QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
    QCOMPARE(read->recordCount, 30);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    // No expires_in: the stored expiry is the definition's 30-day lifetime; merchant_id is captured.
    const auto stored = m_fixture->store().credentials().credential(connection);
    QVERIFY(stored.ok());
    QVERIFY(stored->expiresAt > QDateTime::currentDateTimeUtc().addDays(29));
    const Connection updated = m_fixture->store().tenants().connection(connection).value();
    QCOMPARE(updated.config.value(QStringLiteral("merchant_id")).toString(),
             static_cast<const SquareMerchant *>(m_emulator->account(QStringLiteral("acme")))->merchantId());
}

void TestSquareRead::paymentsBackfillThenIncremental()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("acme"), 250, 56);
    const QString object = QStringLiteral("payments");
    const RecordTable &payments = *m_emulator->account(QStringLiteral("acme"))->table(object);
    // Some payments are older than the year ListPayments covers when begin_time is not given.
    const QDateTime yearAgo = QDateTime::currentDateTimeUtc().addYears(-1);
    QSet<QString> older;
    for (const SandboxRecord &payment : payments.records()) {
        if (payment.createdAt < yearAgo)
            older.insert(payment.id);
    }
    QVERIFY(!older.isEmpty());
    const qint64 connection = connectMerchant(merchant, QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, object);
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    // Every payment once, the old ones included: as many stored as read, and exactly the seller's.
    QCOMPARE(backfill->recordCount, 250);
    QCOMPARE(m_fixture->recordIds(connection, object), ids(object));
    QCOMPARE(backfill->pageCount, 3); // limit=100
    for (const RequestLogEntry &entry : m_emulator->requestLog()) {
        QCOMPARE(entry.method, QStringLiteral("GET"));
        QVERIFY2(entry.pathAndQuery.startsWith(QStringLiteral("/v2/payments?")), qPrintable(entry.pathAndQuery));
        QVERIFY(entry.pathAndQuery.contains(QStringLiteral("sort_field=CREATED_AT")));
    }
    QJsonObject cursor = m_fixture->cursor(connection, object);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const qint64 newest = newestMs(object);
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), object, 130);
    QCOMPARE(touched.size(), 130);
    // updated_at_begin_time is ISO 8601 in whole seconds: the newest change minus the 60 s lookback.
    const qint64 sinceMs = (newest - 60000) / 1000 * 1000;
    const QSet<QString> expected = ids(object, sinceMs);
    for (const QString &id : touched)
        QVERIFY(expected.contains(id));
    QVERIFY(expected.size() < 250);
    QVERIFY(expected.size() > 100);      // more than one page
    QVERIFY(expected.intersects(older)); // changed lately, created more than a year ago

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, object);
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    QCOMPARE(incremental->pageCount, (expected.size() + 99) / 100);
    const QString since = QDateTime::fromMSecsSinceEpoch(sinceMs, Qt::UTC).toString(Qt::ISODate);
    const QUrlQuery first(QUrl(m_emulator->requestLog().first().pathAndQuery).query());
    QCOMPARE(first.queryItemValue(QStringLiteral("updated_at_begin_time"), QUrl::FullyDecoded), since);
    QCOMPARE(first.queryItemValue(QStringLiteral("sort_field")), QStringLiteral("UPDATED_AT"));
    QVERIFY(first.hasQueryItem(QStringLiteral("begin_time")));
    QCOMPARE(m_fixture->recordIds(connection, object), ids(object));
    for (const QString &id : touched)
        QCOMPARE(m_fixture->record(connection, object, id)
                     .value(QStringLiteral("amount_money"))
                     .toObject()
                     .value(QStringLiteral("amount"))
                     .toInt(),
                 payments.find(id)->fields.value(QStringLiteral("amount")).toInt());
    cursor = m_fixture->cursor(connection, object);
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestMs(object));
}

void TestSquareRead::schemaListsCustomAttributeDefinitions()
{
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("acme"), 5, 53);
    const QString tier = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("customers"),
                                                    QStringLiteral("Loyalty tier"), FieldKind::Text);
    const QString visits = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("customers"),
                                                      QStringLiteral("Visits"), FieldKind::Number);
    QVERIFY(!tier.isEmpty() && !visits.isEmpty());
    const qint64 connection = connectMerchant(merchant, QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("customers"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QSet<QString> names;
    const QList<SchemaField> fields =
        m_fixture->store().schemas().schema(connection, QStringLiteral("customers")).value();
    for (const SchemaField &field : fields)
        names.insert(field.name);
    QCOMPARE(fields.size(), 2);
    QCOMPARE(names, (QSet<QString>{tier, visits}));
}

void TestSquareRead::merchantWithoutRecordsReadsNothing()
{
    // Square answers {} when there is nothing: no customers, no payments, no attribute definitions.
    const SandboxAccountCredentials merchant = m_emulator->addMerchant(QStringLiteral("empty"), 0, 55);
    const qint64 connection = connectMerchant(merchant, QDateTime::currentDateTimeUtc().addDays(20));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);
    const auto discovered = sync->discoverSchema(connection, QStringLiteral("customers"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QVERIFY(m_fixture->store().schemas().schema(connection, QStringLiteral("customers")).value().isEmpty());
    for (const QString &object : {QStringLiteral("customers"), QStringLiteral("payments")}) {
        const auto read = sync->read(connection, object);
        QVERIFY2(read->status == ExecutionStatus::Succeeded, qPrintable(read->errorMessage));
        QCOMPARE(read->recordCount, 0);
        QCOMPARE(m_fixture->cursor(connection, object).value(QStringLiteral("phase")).toString(),
                 QStringLiteral("complete"));
    }
}

QTEST_GUILESS_MAIN(TestSquareRead)
#include "TestSquareRead.moc"

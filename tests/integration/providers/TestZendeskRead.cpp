// The Zendesk definition against the Zendesk emulator: an API token as basic auth "{email}/token:{token}" on the
// account's subdomain, cursor pagination (page[size], page[after], meta.has_more), and incremental reads through the
// cursor-based incremental exports of tickets and users (start_time, then cursor, until end_of_stream); the fields of
// tickets from the ticket field list.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "store/sqlite/SqliteDatabase.h"
#include "zendesk/ZendeskEmulator.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestZendeskRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental();
    void usersBackfillThenIncremental();
    void schemaListsTicketFields();

private:
    qint64 connectAccount(const ZendeskCredentials &account);
    QSet<QString> ticketIds(qint64 updatedFromMs = 0) const;
    QSet<QString> userIds(qint64 updatedFromMs = 0) const;
    qint64 newestUserSecondMs() const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<ZendeskEmulator> m_emulator;
};

void TestZendeskRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<ZendeskEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestZendeskRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestZendeskRead::connectAccount(const ZendeskCredentials &account)
{
    const ProviderCase &row = providerCase(QStringLiteral("zendesk"));
    return m_fixture->connect(row.provider, row.config(*m_emulator, account), credentialFor(row, account, {}));
}

QSet<QString> TestZendeskRead::ticketIds(qint64 updatedFromMs) const
{
    QSet<QString> ids;
    for (const SandboxRecord &ticket : m_emulator->account(QStringLiteral("acme"))->tickets().records()) {
        if (!ticket.deleted && ticket.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
            ids.insert(ticket.id);
    }
    return ids;
}

QSet<QString> TestZendeskRead::userIds(qint64 updatedFromMs) const
{
    QSet<QString> ids;
    for (const SandboxRecord &user : m_emulator->account(QStringLiteral("acme"))->users().records()) {
        if (!user.deleted && user.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
            ids.insert(user.id);
    }
    return ids;
}

qint64 TestZendeskRead::newestUserSecondMs() const
{
    qint64 newest = 0; // updated_at has whole seconds
    for (const SandboxRecord &user : m_emulator->account(QStringLiteral("acme"))->users().records())
        newest = std::max(newest, user.updatedAt.toSecsSinceEpoch() * 1000);
    return newest;
}

void TestZendeskRead::backfillThenIncremental()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 250, 21);
    const qint64 connection = connectAccount(account);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, QStringLiteral("tickets"));
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 250);
    QCOMPARE(backfill->pageCount, 3); // page[size]=100
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("tickets")), ticketIds());
    QVERIFY(
        m_emulator->requestLog().first().pathAndQuery.contains(QStringLiteral("/_subdomain/acme/api/v2/tickets.json")));
    QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("tickets"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    // updated_at has whole seconds.
    qint64 newest = 0;
    for (const SandboxRecord &ticket : m_emulator->account(QStringLiteral("acme"))->tickets().records())
        newest = std::max(newest, ticket.updatedAt.toSecsSinceEpoch() * 1000);
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    // As if a minute had passed: the export no longer leaves the touched tickets out.
    m_emulator->setIncrementalExclusionSeconds(0);
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("tickets"), 5);
    QCOMPARE(touched.size(), 5);
    const qint64 startTime = (newest - 60000) / 1000; // 60 s lookback, epoch seconds
    const QSet<QString> expected = ticketIds(startTime * 1000);
    for (const QString &id : touched)
        QVERIFY(expected.contains(id));
    QVERIFY(expected.size() < 250);
    // Export pages that hold half the changes: the pass follows after_cursor until a page says end_of_stream.
    m_emulator->setIncrementalPageSize(static_cast<int>(expected.size() + 1) / 2);

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, QStringLiteral("tickets"));
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    // start_time on the first request, then only the cursor; the second page says end_of_stream and ends the pass.
    QCOMPARE(incremental->pageCount, 2);
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 2);
    QVERIFY2(log.at(0).pathAndQuery.contains(QStringLiteral("/incremental/tickets/cursor.json?")),
             qPrintable(log.at(0).pathAndQuery));
    QVERIFY(log.at(0).pathAndQuery.contains(QStringLiteral("start_time=%1").arg(startTime)));
    QVERIFY(!log.at(0).pathAndQuery.contains(QStringLiteral("cursor=")));
    QVERIFY(log.at(1).pathAndQuery.contains(QStringLiteral("cursor=")));
    QVERIFY(!log.at(1).pathAndQuery.contains(QStringLiteral("start_time")));
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("tickets")).size(), 250);
    cursor = m_fixture->cursor(connection, QStringLiteral("tickets"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    qint64 newestNow = 0;
    for (const SandboxRecord &ticket : m_emulator->account(QStringLiteral("acme"))->tickets().records())
        newestNow = std::max(newestNow, ticket.updatedAt.toSecsSinceEpoch() * 1000);
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestNow);
}

void TestZendeskRead::usersBackfillThenIncremental()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 3, 22);
    const QStringList added = m_emulator->addUsers(QStringLiteral("acme"), 249); // and the admin
    QCOMPARE(added.size(), 249);
    const qint64 connection = connectAccount(account);
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, QStringLiteral("users"));
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    // Every user once: as many stored as read, and exactly the account's.
    QCOMPARE(backfill->recordCount, 250);
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("users")), userIds());
    QCOMPARE(backfill->pageCount, 3); // page[size]=100
    for (const RequestLogEntry &entry : m_emulator->requestLog())
        QVERIFY2(entry.pathAndQuery.contains(QStringLiteral("/api/v2/users.json?")), qPrintable(entry.pathAndQuery));
    QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("users"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    const qint64 newest = newestUserSecondMs();
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    // As if a minute had passed, so the export includes the latest changes: some users change, one is deleted.
    m_emulator->setIncrementalExclusionSeconds(0);
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("users"), 6);
    QCOMPARE(touched.size(), 6);
    QString deleted;
    for (const QString &id : added) {
        if (!touched.contains(id)) {
            deleted = id;
            break;
        }
    }
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("users"), deleted));
    const qint64 startTime = (newest - 60000) / 1000; // 60 s lookback, epoch seconds
    const QSet<QString> expected = userIds(startTime * 1000);
    for (const QString &id : touched)
        QVERIFY(expected.contains(id));
    QVERIFY(!expected.contains(deleted));
    QVERIFY(expected.size() < 249);

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, QStringLiteral("users"));
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    // Exactly the changed users are written; the deleted one, in the export with active false, leaves the store.
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("users")), userIds());
    QVERIFY(!m_fixture->recordIds(connection, QStringLiteral("users")).contains(deleted));
    // One page: it says end_of_stream.
    QCOMPARE(incremental->pageCount, 1);
    const QList<RequestLogEntry> log = m_emulator->requestLog();
    QCOMPARE(log.size(), 1);
    QVERIFY2(log.at(0).pathAndQuery.contains(QStringLiteral("/incremental/users/cursor.json?")),
             qPrintable(log.at(0).pathAndQuery));
    QVERIFY(log.at(0).pathAndQuery.contains(QStringLiteral("start_time=%1").arg(startTime)));
    cursor = m_fixture->cursor(connection, QStringLiteral("users"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestUserSecondMs());
}

void TestZendeskRead::schemaListsTicketFields()
{
    const ZendeskCredentials account = m_emulator->addSubdomain(QStringLiteral("acme"), 3, 2);
    const qint64 custom = m_emulator
                              ->addCustomField(QStringLiteral("acme"), QStringLiteral("tickets"),
                                               QStringLiteral("Order number"), FieldKind::Text)
                              .toLongLong();
    const qint64 connection = connectAccount(account);
    SystemClock clock;
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("tickets"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    // Every ticket field once: custom ones by id (removable), system ones by type.
    QSet<QString> expected;
    for (const ZendeskTicketField &field : m_emulator->account(QStringLiteral("acme"))->ticketFields())
        expected.insert(field.removable ? QString::number(field.id) : field.type);
    const QList<SchemaField> fields = m_fixture->store().schemas().schema(connection, QStringLiteral("tickets")).value();
    QMap<QString, SchemaField> byName;
    for (const SchemaField &field : fields)
        byName.insert(field.name, field);
    QCOMPARE(fields.size(), expected.size());
    QCOMPARE(QSet<QString>(byName.keyBegin(), byName.keyEnd()), expected);
    QVERIFY(byName.value(QString::number(custom)).custom);
    QCOMPARE(m_emulator->requestLog().size(), 1);
}

QTEST_GUILESS_MAIN(TestZendeskRead)
#include "TestZendeskRead.moc"

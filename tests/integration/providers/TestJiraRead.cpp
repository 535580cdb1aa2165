// The Jira Cloud definition against the Jira emulator: OAuth 2.0 (3LO) with a JSON token request and rotating
// refresh tokens, calls through api.atlassian.com/ex/jira/{cloud_id}, POST /search/jql paged by nextPageToken in the
// body, and incremental reads by "updated >=" JQL at minute precision; projects by offset pages (startAt/maxResults,
// total, isLast), read in full every time; the fields of issues from GET /field.
#include "FakeClock.h"
#include "ProviderCases.h"
#include "ProviderReadFixture.h"
#include "core/Timestamps.h"
#include "jira/JiraEmulator.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestJiraRead : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void backfillThenIncremental();
    void projectsAreReadInFullEveryTime();
    void schemaListsEveryField();
    void revokedRefreshTokenNeedsReauth();

private:
    qint64 connectSite(const JiraSiteCredentials &site, const QDateTime &expiresAt);
    QSet<QString> liveIssueIds(qint64 updatedFromMs = 0) const;
    QSet<QString> liveProjectIds() const;

    std::unique_ptr<ProviderReadFixture> m_fixture;
    std::unique_ptr<JiraEmulator> m_emulator;
};

void TestJiraRead::init()
{
    m_fixture = std::make_unique<ProviderReadFixture>();
    m_emulator = std::make_unique<JiraEmulator>();
    QVERIFY(m_emulator->listen() != 0);
}

void TestJiraRead::cleanup()
{
    m_emulator.reset();
    m_fixture.reset();
}

qint64 TestJiraRead::connectSite(const JiraSiteCredentials &site, const QDateTime &expiresAt)
{
    const ProviderCase &row = providerCase(QStringLiteral("jira"));
    return m_fixture->connect(row.provider, row.config(*m_emulator, site), credentialFor(row, site, expiresAt));
}

QSet<QString> TestJiraRead::liveIssueIds(qint64 updatedFromMs) const
{
    QSet<QString> ids;
    for (const SandboxRecord &issue : m_emulator->site(QStringLiteral("acme"))->issues().records()) {
        if (!issue.deleted && issue.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
            ids.insert(issue.id);
    }
    return ids;
}

QSet<QString> TestJiraRead::liveProjectIds() const
{
    QSet<QString> ids;
    for (const SandboxRecord *project : m_emulator->site(QStringLiteral("acme"))->projects().live())
        ids.insert(project->id);
    return ids;
}

void TestJiraRead::backfillThenIncremental()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 250, 11);
    // An expired access token: the read refreshes it first (JSON body, rotating refresh token).
    const qint64 connection = connectSite(site, QDateTime::currentDateTimeUtc().addSecs(-10));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, QStringLiteral("issues"));
    QVERIFY(backfill.ok());
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    QCOMPARE(backfill->recordCount, 250);
    QCOMPARE(backfill->pageCount, 3); // maxResults 100
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("issues")), liveIssueIds());
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 1);
    for (const RequestLogEntry &entry : m_emulator->requestLog()) {
        if (entry.pathAndQuery.contains(QStringLiteral("/rest/api/3/")))
            QCOMPARE(entry.method, QStringLiteral("POST"));
    }
    // Fields were asked for: the stored issues carry them.
    const QString someId = *liveIssueIds().begin();
    QVERIFY(m_fixture->record(connection, QStringLiteral("issues"), someId)
                .value(QStringLiteral("fields"))
                .toObject()
                .contains(QStringLiteral("updated")));

    QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("issues"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    qint64 newest = 0;
    for (const SandboxRecord &issue : m_emulator->site(QStringLiteral("acme"))->issues().records())
        newest = std::max(newest, issue.updatedAt.toMSecsSinceEpoch());
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newest);

    // JQL dates have minute precision: since is the newest change minus the 60 s lookback, down to the minute.
    const qint64 sinceMs = (newest - 60000) / 60000 * 60000;
    const QStringList touched = m_emulator->touchRecords(QStringLiteral("acme"), QStringLiteral("issues"), 6);
    QCOMPARE(touched.size(), 6);
    const QSet<QString> expected = liveIssueIds(sinceMs);
    for (const QString &id : touched)
        QVERIFY(expected.contains(id));
    QVERIFY(expected.size() < 250);

    m_emulator->clearRequestLog();
    const auto incremental = sync->read(connection, QStringLiteral("issues"));
    QVERIFY2(incremental->status == ExecutionStatus::Succeeded, qPrintable(incremental->errorMessage));
    QCOMPARE(incremental->recordCount, expected.size());
    QCOMPARE(m_fixture->idsWrittenBy(incremental->id), expected);
    QCOMPARE(incremental->pageCount, (expected.size() + 99) / 100);
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("issues")).size(), 250);
    const QString sinceText =
        QDateTime::fromMSecsSinceEpoch(sinceMs, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    QVERIFY2(m_fixture->eventText(incremental->id).contains(sinceText),
             qPrintable(m_fixture->eventText(incremental->id)));
    // The touched issues are stored as they are now.
    for (const QString &id : touched) {
        const SandboxRecord *issue = m_emulator->site(QStringLiteral("acme"))->issue(id);
        const QString updated = m_fixture->record(connection, QStringLiteral("issues"), id)
                                    .value(QStringLiteral("fields"))
                                    .toObject()
                                    .value(QStringLiteral("updated"))
                                    .toString();
        QCOMPARE(parseTimestampMs(updated).value_or(0), issue->updatedAt.toMSecsSinceEpoch());
    }
    cursor = m_fixture->cursor(connection, QStringLiteral("issues"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("incremental"));
    qint64 newestNow = 0;
    for (const QString &id : touched)
        newestNow =
            std::max(newestNow, m_emulator->site(QStringLiteral("acme"))->issue(id)->updatedAt.toMSecsSinceEpoch());
    QCOMPARE(static_cast<qint64>(cursor.value(QStringLiteral("maxUpdatedMs")).toDouble()), newestNow);
}

void TestJiraRead::projectsAreReadInFullEveryTime()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 3, 12);
    const QStringList seeded = m_emulator->addProjects(QStringLiteral("acme"), 119);
    QCOMPARE(seeded.size(), 119);
    const qint64 connection = connectSite(site, QDateTime::currentDateTimeUtc().addSecs(3600));
    SystemClock clock;
    auto sync = m_fixture->sync(clock);

    const auto backfill = sync->read(connection, QStringLiteral("projects"));
    QVERIFY2(backfill->status == ExecutionStatus::Succeeded, qPrintable(backfill->errorMessage));
    // 120 projects, every one once, in pages of 50 found by startAt; the last page says isLast.
    QCOMPARE(backfill->recordCount, 120);
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("projects")), liveProjectIds());
    QCOMPARE(backfill->pageCount, 3);
    QStringList starts;
    for (const RequestLogEntry &entry : m_emulator->requestLog()) {
        const QUrlQuery query(QUrl(entry.pathAndQuery).query());
        QVERIFY2(entry.pathAndQuery.contains(QStringLiteral("/rest/api/3/project/search?")),
                 qPrintable(entry.pathAndQuery));
        QCOMPARE(query.queryItemValue(QStringLiteral("maxResults")), QStringLiteral("50"));
        starts.append(query.queryItemValue(QStringLiteral("startAt")));
    }
    QCOMPARE(starts, (QStringList{QStringLiteral("0"), QStringLiteral("50"), QStringLiteral("100")}));
    QCOMPARE(m_fixture->record(connection, QStringLiteral("projects"), QStringLiteral("10000"))
                 .value(QStringLiteral("key"))
                 .toString(),
             site.tenant.left(3).toUpper());
    QJsonObject cursor = m_fixture->cursor(connection, QStringLiteral("projects"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("full"));

    // No change filter: the next read is a full one, which finds new projects and drops deleted ones.
    const QString added = m_emulator->addProjects(QStringLiteral("acme"), 1).first();
    const QString gone = seeded.at(42);
    QVERIFY(m_emulator->deleteRecord(QStringLiteral("acme"), QStringLiteral("projects"), gone));
    m_emulator->clearRequestLog();
    const auto again = sync->read(connection, QStringLiteral("projects"));
    QVERIFY2(again->status == ExecutionStatus::Succeeded, qPrintable(again->errorMessage));
    QCOMPARE(again->recordCount, 120);
    QCOMPARE(again->pageCount, 3);
    QCOMPARE(m_fixture->recordIds(connection, QStringLiteral("projects")), liveProjectIds());
    QVERIFY(m_fixture->recordIds(connection, QStringLiteral("projects")).contains(added));
    QVERIFY(!m_fixture->recordIds(connection, QStringLiteral("projects")).contains(gone));
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.contains(QStringLiteral("startAt=0")));
    cursor = m_fixture->cursor(connection, QStringLiteral("projects"));
    QCOMPARE(cursor.value(QStringLiteral("phase")).toString(), QStringLiteral("complete"));
    QCOMPARE(cursor.value(QStringLiteral("mode")).toString(), QStringLiteral("full"));
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 0);
}

void TestJiraRead::schemaListsEveryField()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 5, 3);
    const QString custom = m_emulator->addCustomField(QStringLiteral("acme"), QStringLiteral("issues"),
                                                      QStringLiteral("Story points"), FieldKind::Number);
    QVERIFY(custom.startsWith(QStringLiteral("customfield_")));
    const qint64 connection = connectSite(site, QDateTime::currentDateTimeUtc().addSecs(3600));
    SystemClock clock;
    const auto discovered = m_fixture->sync(clock)->discoverSchema(connection, QStringLiteral("issues"));
    QVERIFY2(discovered->status == ExecutionStatus::Succeeded, qPrintable(discovered->errorMessage));
    QSet<QString> expected;
    for (const JiraField &field : m_emulator->site(QStringLiteral("acme"))->fields())
        expected.insert(field.id);
    QMap<QString, SchemaField> byName;
    const QList<SchemaField> fields = m_fixture->store().schemas().schema(connection, QStringLiteral("issues")).value();
    for (const SchemaField &field : fields)
        byName.insert(field.name, field);
    // Every field of the site once, from one request to GET /field.
    QCOMPARE(fields.size(), expected.size());
    QCOMPARE(QSet<QString>(byName.keyBegin(), byName.keyEnd()), expected);
    QCOMPARE(m_emulator->requestLog().size(), 1);
    QVERIFY(m_emulator->requestLog().first().pathAndQuery.endsWith(QStringLiteral("/rest/api/3/field")));
    QVERIFY(byName.value(custom).custom);
    QCOMPARE(m_emulator->tokenRefreshCount(QStringLiteral("acme")), 0);
}

void TestJiraRead::revokedRefreshTokenNeedsReauth()
{
    const JiraSiteCredentials site = m_emulator->addSite(QStringLiteral("acme"), 20, 5);
    const qint64 connection = connectSite(site, QDateTime::currentDateTimeUtc().addSecs(-10));
    m_emulator->revokeRefreshToken(QStringLiteral("acme"));
    SystemClock clock;
    const auto failed = m_fixture->sync(clock)->read(connection, QStringLiteral("issues"));
    QCOMPARE(failed->status, ExecutionStatus::Failed);
    QCOMPARE(failed->errorCode, QStringLiteral("auth.revoked"));
    QCOMPARE(m_fixture->store().tenants().connection(connection)->status, ConnectionStatus::NeedsReauth);
}

QTEST_GUILESS_MAIN(TestJiraRead)
#include "TestJiraRead.moc"

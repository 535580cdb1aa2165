// patchbayd end to end, as a SaaS product uses it: the real patchbayd process on loopback, the HubSpot sandbox
// emulator as the provider, and the product's backend and its customer's browser as HTTP clients. What each step
// asserts is what a product engineer builds on: the link works once and lands on a page that says what happened, the
// connection is there without a secret in sight, records arrive on schedule through the change feed (every change
// once, deletions included), writes answer per record, and a restart loses nothing.
#include "DaemonProcess.h"
#include "ManualClock.h"
#include "hubspot/HubSpotEmulator.h"
#include "store/sqlite/SqliteStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QtTest>

#include <algorithm>

using namespace patchbay;
using namespace patchbay::sandbox;
using namespace patchbay::test;

class TestEndToEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void tenantsOutliveARestart();
    void productConnectsACustomerAndFollowsTheirRecords();
    void slowWriteAnswers202WithTheExecutionToPoll();
    void scheduleRemovedFromTheManifestDoesNotRunAfterARestart();
    void changesPastTheRetentionAreCompacted();

private:
    // The emulator's portal as the provider behind patchbayd's HubSpot app, the test integration (reading contacts
    // on the given schedule) beside it.
    void configureHubSpot(DaemonProcess &daemon, const QByteArray &schedule = "{ every: 2s }") const;
    // Connects through the browser and waits for the first scheduled read to bring every contact into the feed;
    // the connection's id, 0 on failure.
    qint64 connectAndReadEveryContact(DaemonProcess &daemon);
    // A tenant "acme" and its HubSpot connection made through a connect session, as the product and its customer's
    // browser make it; the connection's id (0 when a step failed, with a test failure).
    qint64 connectThroughTheBrowser(DaemonProcess &daemon);

    std::unique_ptr<HubSpotEmulator> m_emulator;
    PortalCredentials m_portal;
};

namespace {

constexpr int kContacts = 12;
const QString kIntegration = QStringLiteral("e2e-contacts");

// Reads contacts on a schedule (none when empty) and writes them back, as a product's manifest would.
QByteArray manifest(const QByteArray &schedule)
{
    return R"(integrations:
  - name: e2e-contacts
    provider: hubspot
    read:
      objects:
        - object: contacts
          destination: records
)" + (schedule.isEmpty() ? QByteArray() : "          schedule: " + schedule + '\n') +
           R"(          mapping:
            id: id
            email: $lowercase(properties.email)
            name: $trim(properties.firstname & " " & properties.lastname)
            phone: properties.phone
    write:
      objects:
        - object: contacts
          reverseMapping:
            properties:
              email: email
              firstname: $substringBefore(name, " ")
              lastname: $substringAfter(name, " ")
)";
}

struct BrowserVisit
{
    int status = 0;
    QUrl finalUrl;
    QByteArray body;
};

// What a browser does with a link: GET, following every redirect, no API key.
BrowserVisit browse(const QUrl &url)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "text/html");
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 30000))
        return {};
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->url(), reply->readAll()};
}

QString recordsPath(qint64 connection)
{
    return QStringLiteral("/api/v1/connections/%1/objects/contacts/records").arg(connection);
}

// Every change of the feed after since, paged limit at a time as a product's poller does; cursor becomes the cursor to
// go on from. Empty, with pages 0, when a page failed.
QList<QJsonObject> readFeed(DaemonProcess &daemon, qint64 connection, QString &cursor, int limit = 5,
                            int *pages = nullptr)
{
    QList<QJsonObject> changes;
    for (int page = 1;; ++page) {
        QString path = recordsPath(connection) + QStringLiteral("?limit=%1").arg(limit);
        if (!cursor.isEmpty())
            path += QStringLiteral("&since=") + cursor;
        const auto answer = daemon.request("GET", path);
        if (answer.status != 200) {
            qWarning() << "feed page" << answer.status << answer.body;
            return {};
        }
        for (const QJsonValue &change : answer.json.value(QStringLiteral("changes")).toArray())
            changes.append(change.toObject());
        cursor = answer.json.value(QStringLiteral("nextCursor")).toString();
        if (pages)
            *pages = page;
        if (!answer.json.value(QStringLiteral("hasMore")).toBool())
            return changes;
    }
}

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1String(key)).toString();
}

} // namespace

void TestEndToEnd::init()
{
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_portal = m_emulator->addPortal(QStringLiteral("acme"), kContacts, 7);
}

void TestEndToEnd::cleanup()
{
    m_emulator.reset();
}

void TestEndToEnd::configureHubSpot(DaemonProcess &daemon, const QByteArray &schedule) const
{
    const QString emulator = m_emulator->baseUrl().toString(QUrl::StripTrailingSlash);
    daemon.addProviderApp(
        QStringLiteral("hubspot"), m_portal.clientId, m_portal.clientSecret.toUtf8(),
        {{QStringLiteral("https://api.hubapi.com"), emulator}, {QStringLiteral("https://app.hubspot.com"), emulator}});
    daemon.addIntegration(QStringLiteral("e2e.yaml"), manifest(schedule));
}

qint64 TestEndToEnd::connectThroughTheBrowser(DaemonProcess &daemon)
{
    const auto tenant = daemon.request("POST", QStringLiteral("/api/v1/tenants"), R"({"name":"acme"})");
    if (tenant.status != 201) {
        qWarning() << "tenant" << tenant.status << tenant.body;
        return 0;
    }
    const auto session = daemon.request(
        "POST", QStringLiteral("/api/v1/tenants/acme/connect-sessions"),
        R"({"provider":"hubspot","integration":"e2e-contacts","redirectUrl":"https://app.example.com/connected"})");
    [&] {
        QCOMPARE(session.status, 201);
        QVERIFY2(text(session.json, "url")
                     .startsWith(daemon.baseUrl().toString(QUrl::StripTrailingSlash) + QStringLiteral("/connect/")),
                 session.body.constData());
    }();
    if (QTest::currentTestFailed())
        return 0;
    const QUrl link(text(session.json, "url"));

    // The customer's browser opens the link: to HubSpot's consent (the emulator consents at once), back to
    // patchbayd's callback, which says what happened and where the product's page is.
    const BrowserVisit visit = browse(link);
    [&] {
        QCOMPARE(visit.status, 200);
        QCOMPARE(visit.finalUrl.path(), QStringLiteral("/oauth/callback"));
        QVERIFY2(visit.body.contains("Connected to HubSpot"), visit.body.constData());
        QVERIFY(visit.body.contains("https://app.example.com/connected?connectSession=" +
                                    text(session.json, "id").toUtf8()));
        // A link works once: a second visit is told so, and nothing else is connected.
        const BrowserVisit again = browse(link);
        QCOMPARE(again.status, 409);
        QVERIFY(again.body.contains("already used"));
    }();
    if (QTest::currentTestFailed())
        return 0;

    const auto listed = daemon.request("GET", QStringLiteral("/api/v1/tenants/acme/connections"));
    const QJsonArray connections = listed.json.value(QStringLiteral("connections")).toArray();
    [&] {
        QCOMPARE(listed.status, 200);
        QCOMPARE(connections.size(), 1);
        const QJsonObject connection = connections.first().toObject();
        QCOMPARE(text(connection, "status"), QStringLiteral("active"));
        QCOMPARE(text(connection, "provider"), QStringLiteral("hubspot"));
        QCOMPARE(text(connection, "integration"), kIntegration);
        // The product never sees the app's secret or the customer's tokens.
        const auto credentials = m_emulator->credentials(QStringLiteral("acme"));
        for (const QString &secret : {m_portal.clientSecret, credentials->accessToken, credentials->refreshToken})
            QVERIFY2(!listed.body.contains(secret.toUtf8()), listed.body.constData());
        QVERIFY(visit.body.contains("connection=" +
                                    QByteArray::number(connection.value(QStringLiteral("id")).toInteger())));
    }();
    if (QTest::currentTestFailed())
        return 0;
    return connections.first().toObject().value(QStringLiteral("id")).toInteger();
}

qint64 TestEndToEnd::connectAndReadEveryContact(DaemonProcess &daemon)
{
    const qint64 connection = connectThroughTheBrowser(daemon);
    if (connection == 0)
        return 0;
    QString cursor;
    qsizetype count = 0;
    if (!QTest::qWaitFor(
            [&] {
                count += readFeed(daemon, connection, cursor, 100).size();
                return count >= kContacts;
            },
            60000)) {
        qWarning() << "the first scheduled read brought" << count << "contacts";
        return 0;
    }
    return connection;
}

void TestEndToEnd::tenantsOutliveARestart()
{
    DaemonProcess daemon;
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    QVERIFY(daemon.baseUrl().port() > 0);
    const auto created =
        daemon.request("POST", QStringLiteral("/api/v1/tenants"), R"({"name":"acme","displayName":"Acme Inc."})");
    QCOMPARE(created.status, 201);
    const qint64 id = created.json.value(QStringLiteral("id")).toInteger();
    QVERIFY(id > 0);
    QCOMPARE(daemon.request("GET", QStringLiteral("/api/v1/tenants"), {}, "pb_wrong").errorCode(),
             QStringLiteral("auth.bad_key"));
    QCOMPARE(daemon.stop(), 0);
    QVERIFY(!daemon.waitForLog(QStringLiteral("patchbayd stopped"), 0).isEmpty());

    // The same database and key after a restart: the tenant, and the admin key, are still there.
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    const auto listed = daemon.request("GET", QStringLiteral("/api/v1/tenants/acme"));
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.json.value(QStringLiteral("id")).toInteger(), id);
    QCOMPARE(listed.json.value(QStringLiteral("displayName")).toString(), QStringLiteral("Acme Inc."));
    QCOMPARE(daemon.stop(), 0);
}

void TestEndToEnd::productConnectsACustomerAndFollowsTheirRecords()
{
    DaemonProcess daemon;
    configureHubSpot(daemon);
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    const qint64 connection = connectThroughTheBrowser(daemon);
    QVERIFY(connection > 0);
    // The connection the customer's browser made is audited, with the product's key that asked for the link.
    const auto audit = daemon.request("GET", QStringLiteral("/api/v1/ops/audit?action=connection.create"));
    QCOMPARE(audit.status, 200);
    const QJsonArray entries = audit.json.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(text(entries.first().toObject(), "target"), QStringLiteral("connection:%1").arg(connection));
    QCOMPARE(text(entries.first().toObject(), "keyName"), QStringLiteral("e2e admin"));
    QCOMPARE(text(entries.first().toObject(), "role"), QStringLiteral("admin"));

    // Nobody asks: the schedule reads the customer's contacts, and the feed pages through them with its cursor.
    QString cursor;
    QList<QJsonObject> changes;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     changes += readFeed(daemon, connection, cursor);
                     return changes.size() >= kContacts;
                 },
                 60000),
             qPrintable(QStringLiteral("%1 changes").arg(changes.size())));
    QCOMPARE(changes.size(), kContacts);
    QSet<QString> ids;
    qint64 lastSequence = 0;
    for (const QJsonObject &change : std::as_const(changes)) {
        QCOMPARE(text(change, "change"), QStringLiteral("created"));
        const qint64 sequence = change.value(QStringLiteral("sequence")).toInteger();
        QVERIFY(sequence > lastSequence); // in order, each once
        lastSequence = sequence;
        const QJsonObject record = change.value(QStringLiteral("record")).toObject();
        const QString id = text(change, "id");
        QCOMPARE(text(record, "id"), id);
        ids.insert(id);
        // Mapped by the manifest, from what the provider holds.
        const HubSpotContact *contact = m_emulator->contactStore(QStringLiteral("acme"))->contact(id.toLongLong());
        QVERIFY(contact);
        QCOMPARE(text(record, "email"), contact->properties.value(QStringLiteral("email")).toLower());
        QCOMPARE(text(record, "name"), (contact->properties.value(QStringLiteral("firstname")) + QLatin1Char(' ') +
                                        contact->properties.value(QStringLiteral("lastname")))
                                           .trimmed());
    }
    QCOMPARE(ids.size(), kContacts);
    const auto read = daemon.request(
        "GET",
        QStringLiteral("/api/v1/executions/%1").arg(changes.first().value(QStringLiteral("executionId")).toInteger()));
    QCOMPARE(read.status, 200);
    QCOMPARE(text(read.json, "kind"), QStringLiteral("read"));
    QCOMPARE(text(read.json, "status"), QStringLiteral("succeeded"));
    // Polled again with its cursor, the feed has nothing new, and says so.
    int pages = 0;
    QVERIFY(readFeed(daemon, connection, cursor, 5, &pages).isEmpty());
    QCOMPARE(pages, 1);

    // The customer edits two contacts and deletes a third in HubSpot; a full resync (deletions show in a full pass)
    // brings exactly those changes.
    const QStringList touched = m_emulator->touchContacts(QStringLiteral("acme"), 2);
    QString deleted;
    for (const QString &id : std::as_const(ids)) {
        if (!touched.contains(id)) {
            deleted = id;
            break;
        }
    }
    QVERIFY(m_emulator->deleteContact(QStringLiteral("acme"), deleted));
    const auto resync = daemon.request("POST", QStringLiteral("/api/v1/connections/%1/sync").arg(connection),
                                       R"({"object":"contacts","full":true})");
    QCOMPARE(resync.status, 202);
    QList<QJsonObject> later;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     later += readFeed(daemon, connection, cursor);
                     return later.size() >= 3;
                 },
                 60000),
             qPrintable(QStringLiteral("%1 changes").arg(later.size())));
    QMap<QString, QString> changed; // id -> change
    for (const QJsonObject &change : std::as_const(later)) {
        QVERIFY2(!changed.contains(text(change, "id")), "a change came twice");
        changed.insert(text(change, "id"), text(change, "change"));
        // A deletion says which record went, and no more.
        QCOMPARE(change.contains(QStringLiteral("record")), text(change, "change") != QLatin1String("deleted"));
    }
    QCOMPARE(changed.value(deleted), QStringLiteral("deleted"));
    for (const QString &id : touched)
        QCOMPARE(changed.value(id), QStringLiteral("updated"));
    QCOMPARE(changed.size(), 3);

    // The product writes a new contact through the reverse mapping and gets its result per record.
    const auto written = daemon.request(
        "POST", QStringLiteral("/api/v1/connections/%1/objects/contacts/writes").arg(connection),
        R"({"records":[{"key":"signup-1","record":{"name":"Grace Hopper","email":"grace@example.com"}}]})");
    QCOMPARE(written.status, 200);
    QCOMPARE(text(written.json.value(QStringLiteral("execution")).toObject(), "status"), QStringLiteral("succeeded"));
    const QJsonObject item = written.json.value(QStringLiteral("items")).toArray().first().toObject();
    QCOMPARE(text(item, "key"), QStringLiteral("signup-1"));
    QCOMPARE(text(item, "status"), QStringLiteral("succeeded"));
    const QString providerId = text(item, "providerId");
    const HubSpotContact *grace = m_emulator->contactStore(QStringLiteral("acme"))->contact(providerId.toLongLong());
    QVERIFY(grace);
    QCOMPARE(grace->properties.value(QStringLiteral("lastname")), QStringLiteral("Hopper"));

    // SIGTERM: patchbayd stops cleanly.
    QCOMPARE(daemon.stop(), 0);

    // Started again on the same database: the connection is still active, the product's cursor goes on where it
    // was, the written contact arrives through the feed (read back from HubSpot), and the feed from the beginning
    // still holds every change seen before.
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    const auto again = daemon.request("GET", QStringLiteral("/api/v1/connections/%1").arg(connection));
    QCOMPARE(again.status, 200);
    QCOMPARE(text(again.json, "status"), QStringLiteral("active"));
    QList<QJsonObject> afterRestart;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     afterRestart += readFeed(daemon, connection, cursor);
                     return std::any_of(afterRestart.cbegin(), afterRestart.cend(),
                                        [&](const QJsonObject &change) { return text(change, "id") == providerId; });
                 },
                 60000),
             "the written contact did not come through the feed");
    for (const QJsonObject &change : std::as_const(afterRestart))
        QCOMPARE(text(change, "id"), providerId);
    QCOMPARE(text(afterRestart.last().value(QStringLiteral("record")).toObject(), "email"),
             QStringLiteral("grace@example.com"));
    QString fromStart;
    QCOMPARE(readFeed(daemon, connection, fromStart, 100).size(), changes.size() + later.size() + afterRestart.size());
    QCOMPARE(daemon.stop(), 0);
}

void TestEndToEnd::slowWriteAnswers202WithTheExecutionToPoll()
{
    DaemonProcess daemon;
    daemon.setSetting(QStringLiteral("writeWaitSeconds"), 1);
    configureHubSpot(daemon, "{ every: 1h }"); // one read, then quiet
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    const qint64 connection = connectAndReadEveryContact(daemon);
    QVERIFY(connection > 0);

    // HubSpot holds the write back (429, retry in 3 s): longer than the server waits, so the answer is the
    // execution to poll, and the results come with it once it is done.
    m_emulator->failNextRequests(1, 3);
    const auto accepted = daemon.request(
        "POST", QStringLiteral("/api/v1/connections/%1/objects/contacts/writes").arg(connection),
        R"({"records":[{"key":"signup-2","record":{"name":"Katherine Johnson","email":"kj@example.com"}}]})");
    QCOMPARE(accepted.status, 202);
    const qint64 execution =
        accepted.json.value(QStringLiteral("execution")).toObject().value(QStringLiteral("id")).toInteger();
    QVERIFY(execution > 0);
    QCOMPARE(text(accepted.json.value(QStringLiteral("execution")).toObject(), "status"), QStringLiteral("running"));
    const QString poll = text(accepted.json, "poll");
    QCOMPARE(poll, QStringLiteral("/api/v1/executions/%1").arg(execution));
    QJsonObject polled;
    QVERIFY(QTest::qWaitFor(
        [&] {
            polled = daemon.request("GET", poll).json;
            return text(polled, "status") != QLatin1String("running");
        },
        30000));
    QCOMPARE(text(polled, "status"), QStringLiteral("succeeded"));
    QCOMPARE(text(polled, "kind"), QStringLiteral("write"));
    QCOMPARE(polled.value(QStringLiteral("recordCount")).toInt(), 1);
    const auto results = daemon.request("GET", poll + QStringLiteral("/write-items"));
    QCOMPARE(results.status, 200);
    const QJsonObject item = results.json.value(QStringLiteral("items")).toArray().first().toObject();
    QCOMPARE(text(item, "key"), QStringLiteral("signup-2"));
    QCOMPARE(text(item, "status"), QStringLiteral("succeeded"));
    QVERIFY(m_emulator->contactStore(QStringLiteral("acme"))->contact(text(item, "providerId").toLongLong()));
    // Audited once, with the execution it answered.
    const auto audit = daemon.request("GET", QStringLiteral("/api/v1/ops/audit?action=records.write"));
    const QJsonArray entries = audit.json.value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first()[QStringLiteral("after")][QStringLiteral("executionId")].toInteger(), execution);
    QCOMPARE(daemon.stop(), 0);
}

void TestEndToEnd::scheduleRemovedFromTheManifestDoesNotRunAfterARestart()
{
    DaemonProcess daemon;
    configureHubSpot(daemon, "{ every: 1h }");
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    const qint64 connection = connectAndReadEveryContact(daemon);
    QVERIFY(connection > 0);
    const QString jobs = QStringLiteral("/api/v1/connections/%1/jobs").arg(connection);
    const auto queuedJobs = [&] {
        QList<QJsonObject> queued;
        const auto answer = daemon.request("GET", jobs);
        for (const QJsonValue &job : answer.json.value(QStringLiteral("jobs")).toArray()) {
            if (job[QStringLiteral("state")].toString() == QLatin1String("queued"))
                queued.append(job.toObject());
        }
        return queued;
    };
    // The next read is queued an hour on.
    QVERIFY(QTest::qWaitFor([&] { return queuedJobs().size() == 1; }, 10000));
    QCOMPARE(text(queuedJobs().first(), "kind"), QStringLiteral("scheduled"));
    QCOMPARE(daemon.stop(), 0);

    // The product drops the schedule from its manifest and restarts patchbayd: the queued read is gone before the
    // server answers, and no read of the connection runs again.
    configureHubSpot(daemon, {});
    const qsizetype logged = daemon.logLines().size();
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    QVERIFY(queuedJobs().isEmpty());
    QVERIFY(!daemon.waitForLog(QStringLiteral("that its integration no longer schedules"), 0, logged).isEmpty());
    QCOMPARE(daemon.stop(), 0);
}

void TestEndToEnd::changesPastTheRetentionAreCompacted()
{
    // A database whose change log goes back 40 days: record 1 changed three times then, record 2 once.
    DaemonProcess daemon;
    qint64 connection = 0;
    {
        ManualClock clock(QDateTime::currentDateTimeUtc().addDays(-40));
        auto store = SqliteStore::open(daemon.databasePath(), clock);
        QVERIFY(store);
        const qint64 tenant =
            store.value()->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
        Connection raw;
        raw.tenantId = tenant;
        raw.provider = QStringLiteral("hubspot");
        raw.displayName = QStringLiteral("Acme HubSpot");
        connection = store.value()->tenants().createConnection(raw).value();
        const auto commit = [&](const QString &id, int version) {
            const qint64 execution = store.value()
                                         ->executions()
                                         .startExecution(connection, QStringLiteral("read"), QStringLiteral("contacts"))
                                         .value();
            const QByteArray data = "{\"v\":" + QByteArray::number(version) + '}';
            QVERIFY(store.value()
                        ->records()
                        .commitPage(connection, QStringLiteral("contacts"), execution, {{id, data, {}}}, std::nullopt)
                        .ok());
            clock.advance(std::chrono::hours(24));
        };
        commit(QStringLiteral("1"), 1);
        commit(QStringLiteral("2"), 1);
        commit(QStringLiteral("1"), 2);
        commit(QStringLiteral("1"), 3);
    }
    daemon.setSetting(QStringLiteral("changeRetentionDays"), 30);
    QVERIFY2(daemon.start(), qPrintable(daemon.lastError()));
    QVERIFY(!daemon.waitForLog(QStringLiteral("housekeeping: compacted 2 record changes"), 10000).isEmpty());
    // The feed from the beginning: each record once, as it is now.
    QString cursor;
    const QList<QJsonObject> changes = readFeed(daemon, connection, cursor, 100);
    QCOMPARE(changes.size(), 2);
    QCOMPARE(text(changes.at(0), "id"), QStringLiteral("2"));
    QCOMPARE(text(changes.at(1), "id"), QStringLiteral("1"));
    QCOMPARE(text(changes.at(1), "change"), QStringLiteral("updated"));
    QCOMPARE(changes.at(1)[QStringLiteral("record")][QStringLiteral("v")].toInt(), 3);
    QCOMPARE(daemon.stop(), 0);
}

QTEST_GUILESS_MAIN(TestEndToEnd)
#include "TestEndToEnd.moc"

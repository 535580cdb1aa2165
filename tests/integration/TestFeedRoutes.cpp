// The records routes in-process: the change feed paged with its cursor while records change, writes through the
// reverse mapping to the HubSpot emulator with per-record results, and bad input answered as JSON errors that change
// nothing.
#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "server/ApiRouter.h"
#include "server/RecordFeedJson.h"
#include "server/ServerContext.h"
#include "server/routes/Routes.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::sandbox;

class TestFeedRoutes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void feedPagesThroughEveryChangeWhileRecordsChange();
    void badInputIsAJsonErrorThatChangesNothing();
    void cursorOfAnotherFeedIsRefused();
    void writeAnswersPerRecordResults();

private:
    struct Answer
    {
        int status = 0;
        QJsonObject body;
    };
    Answer call(const QByteArray &method, const QString &path, const QByteArray &key, const QByteArray &body = {});
    QString recordsPath(const QString &object = QStringLiteral("contacts")) const;
    void commit(const QList<StoredRecord> &records, const QStringList &deleted = {});

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<HubSpotEmulator> m_emulator;
    std::unique_ptr<Store> m_store;
    std::shared_ptr<SyncService> m_sync;
    std::unique_ptr<ServerContext> m_context;
    std::unique_ptr<ApiRouter> m_router;
    qint64 m_connection = 0;
    qint64 m_otherTenant = 0;
};

namespace {

QString code(const QJsonObject &body)
{
    return body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

} // namespace

void TestFeedRoutes::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    const QString path = m_dir->filePath(QStringLiteral("patchbay.db"));
    const SecretBytes key = CredentialVault::generateKey();
    m_emulator = std::make_unique<HubSpotEmulator>();
    QVERIFY(m_emulator->listen() != 0);
    m_store = SqliteStore::open(path).value();
    const qint64 tenant = m_store->tenants().createTenant(QStringLiteral("acme"), QStringLiteral("Acme")).value();
    m_otherTenant = m_store->tenants().createTenant(QStringLiteral("globex"), QStringLiteral("Globex")).value();
    const PortalCredentials portal = m_emulator->addPortal(QStringLiteral("acme"), 20, 21);
    CredentialVault vault(key);
    m_connection = SandboxConnector(*m_store, vault)
                       .connect(tenant, 0, QStringLiteral("hubspot"), QStringLiteral("Acme HubSpot"),
                                QStringLiteral("https://api.hubapi.com"), m_emulator->baseUrl(), portal,
                                QDateTime::currentDateTimeUtc().addSecs(1800))
                       .value();
    QVERIFY(m_store->tenants()
                .setConnectionIntegration(m_connection, QStringLiteral("crm-contacts"), QStringLiteral("production"))
                .ok());
    m_sync = std::make_shared<SyncService>(path, key, ProviderCatalog::builtIn(), SystemClock::instance());
    DaemonConfig config;
    config.databasePath = path;
    config.maxWriteRecords = 3;
    m_context = ServerContext::create(config, SystemClock::instance(), m_sync).value();
    // Keys of this test: "pb_<role>" for each role, "pb_globex" a product key bound to the other tenant.
    m_router = std::make_unique<ApiRouter>([this](const QString &apiKey) -> Result<ApiCaller> {
        if (apiKey == QLatin1String("pb_globex"))
            return ApiCaller{9, QStringLiteral("globex"), ApiRole::Product, m_otherTenant};
        if (const auto role = apiRoleFromName(apiKey.mid(3)); apiKey.startsWith(QLatin1String("pb_")) && role)
            return ApiCaller{1, apiKey.mid(3), *role, std::nullopt};
        return makeError("store.bad_key", QStringLiteral("no"));
    });
    addFeedRoutes(*m_router, *m_context);
}

void TestFeedRoutes::cleanup()
{
    m_router.reset();
    if (m_context)
        m_context->waitForStoreThread();
    m_context.reset();
    m_sync.reset();
    m_store.reset();
    m_emulator.reset();
    m_dir.reset();
}

TestFeedRoutes::Answer TestFeedRoutes::call(const QByteArray &method, const QString &path, const QByteArray &key,
                                            const QByteArray &body)
{
    HttpServerRequest request;
    request.method = method;
    request.url = QUrl(path);
    request.body = body;
    request.headers.emplaceBack("authorization", "Bearer " + key);
    QFuture<HttpServerResponse> future = m_router->handle(request);
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 20000))
        return {};
    const HttpServerResponse response = future.result();
    return {response.status, QJsonDocument::fromJson(response.body).object()};
}

QString TestFeedRoutes::recordsPath(const QString &object) const
{
    return QStringLiteral("/api/v1/connections/%1/objects/%2/records").arg(m_connection).arg(object);
}

void TestFeedRoutes::commit(const QList<StoredRecord> &records, const QStringList &deleted)
{
    const qint64 execution =
        m_store->executions().startExecution(m_connection, QStringLiteral("read"), QStringLiteral("contacts")).value();
    QVERIFY(m_store->records()
                .commitPage(m_connection, QStringLiteral("contacts"), execution, records, std::nullopt, {}, deleted)
                .ok());
}

void TestFeedRoutes::feedPagesThroughEveryChangeWhileRecordsChange()
{
    commit({{QStringLiteral("1"), R"({"email":"a@example.com"})", {}},
            {QStringLiteral("2"), R"({"email":"b@example.com"})", {}},
            {QStringLiteral("3"), R"({"email":"c@example.com"})", {}}});
    QStringList seen;
    QString cursor;
    for (int round = 0; round < 10; ++round) {
        const QString since = cursor.isEmpty() ? QString() : QStringLiteral("&since=") + cursor;
        // A viewer sees the mapped records too.
        const Answer page = call("GET", recordsPath() + QStringLiteral("?limit=2") + since, "pb_viewer");
        QCOMPARE(page.status, 200);
        for (const QJsonValue &entry : page.body.value(QStringLiteral("changes")).toArray()) {
            const QJsonObject change = entry.toObject();
            seen.append(change.value(QStringLiteral("change")).toString() + QLatin1Char(' ') +
                        change.value(QStringLiteral("id")).toString());
            QCOMPARE(change.contains(QStringLiteral("record")),
                     change.value(QStringLiteral("change")).toString() != QLatin1String("deleted"));
        }
        cursor = page.body.value(QStringLiteral("nextCursor")).toString();
        if (round == 0) // between pages: 2 changes, 1 is deleted
            commit({{QStringLiteral("2"), R"({"email":"b2@example.com"})", {}}}, {QStringLiteral("1")});
        else if (!page.body.value(QStringLiteral("hasMore")).toBool())
            break;
    }
    QCOMPARE(seen, (QStringList{QStringLiteral("created 1"), QStringLiteral("created 2"), QStringLiteral("created 3"),
                                QStringLiteral("updated 2"), QStringLiteral("deleted 1")}));
    // Polling on from the last cursor answers nothing new, and the same cursor again.
    const Answer end = call("GET", recordsPath() + QStringLiteral("?since=") + cursor, "pb_product");
    QCOMPARE(end.status, 200);
    QVERIFY(end.body.value(QStringLiteral("changes")).toArray().isEmpty());
    QCOMPARE(end.body.value(QStringLiteral("nextCursor")).toString(), cursor);
}

void TestFeedRoutes::badInputIsAJsonErrorThatChangesNothing()
{
    commit({{QStringLiteral("1"), R"({"email":"a@example.com"})", {}}});
    const QString writes = QStringLiteral("/api/v1/connections/%1/objects/contacts/writes").arg(m_connection);
    const QByteArray good = R"({"records":[{"key":"u-1","record":{"name":"Ada Lovelace","email":"ada@example.com"}}]})";
    const struct
    {
        QByteArray method;
        QString path;
        QByteArray key;
        QByteArray body;
        int status;
        QString code;
    } cases[] = {
        {"GET",
         recordsPath() + QStringLiteral("?since=bogus"),
         "pb_product",
         {},
         400,
         QStringLiteral("feed.bad_cursor")},
        {"GET", recordsPath() + QStringLiteral("?limit=0"), "pb_product", {}, 400, QStringLiteral("request.bad_query")},
        {"GET", recordsPath(QStringLiteral("spaceships")), "pb_product", {}, 404, QStringLiteral("object.not_found")},
        {"GET",
         QStringLiteral("/api/v1/connections/999/objects/contacts/records"),
         "pb_admin",
         {},
         404,
         QStringLiteral("connection.not_found")},
        {"GET", recordsPath(), "pb_globex", {}, 404, QStringLiteral("connection.not_found")},
        {"POST", writes, "pb_globex", good, 404, QStringLiteral("connection.not_found")},
        {"POST", writes, "pb_viewer", good, 403, QStringLiteral("auth.forbidden")},
        {"POST", writes, "pb_support", good, 403, QStringLiteral("auth.forbidden")},
        {"POST", writes, "pb_product", "{", 400, QStringLiteral("request.malformed_json")},
        {"POST", writes, "pb_product", R"({"records":{}})", 400, QStringLiteral("request.bad_field")},
        {"POST", writes, "pb_product", R"({"records":[{"key":7,"record":{}}]})", 400,
         QStringLiteral("request.bad_field")},
        {"POST", writes, "pb_product", R"({"records":[],"extra":1})", 400, QStringLiteral("request.unknown_field")},
        {"POST", writes, "pb_product",
         R"({"records":[{"key":"a","record":{}},{"key":"b","record":{}},{"key":"c","record":{}},{"key":"d","record":{}}]})",
         400, QStringLiteral("request.too_many_records")},
    };
    m_emulator->clearRequestLog();
    const qint64 executionsBefore = m_store->executions().executions(m_connection, 100)->size();
    for (const auto &bad : cases) {
        const Answer answer = call(bad.method, bad.path, bad.key, bad.body);
        QVERIFY2(answer.status == bad.status, qPrintable(bad.path + QLatin1Char(' ') + QString::number(answer.status)));
        QCOMPARE(code(answer.body), bad.code);
        QVERIFY(!answer.body.value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString()
                     .isEmpty());
    }
    QCOMPARE(m_store->executions().executions(m_connection, 100)->size(), executionsBefore);
    QVERIFY(m_store->audit().auditEntries({})->isEmpty());
    QVERIFY(m_emulator->requestLog().isEmpty());
}

void TestFeedRoutes::cursorOfAnotherFeedIsRefused()
{
    commit({{QStringLiteral("1"), R"({"email":"a@example.com"})", {}}});
    const Answer contacts = call("GET", recordsPath(), "pb_product");
    QCOMPARE(contacts.status, 200);
    const QString cursor = contacts.body.value(QStringLiteral("nextCursor")).toString();
    QCOMPARE(call("GET", recordsPath() + QStringLiteral("?since=") + cursor, "pb_product").status, 200);

    // The contacts cursor passed for companies, or for another connection's contacts, would skip that feed's changes
    // up to the contacts' sequence: refused, saying why.
    const QString otherConnection =
        RecordFeedJson::encodeCursor({m_connection + 1, QStringLiteral("contacts"), 1});
    for (const QString &path : {recordsPath(QStringLiteral("companies")) + QStringLiteral("?since=") + cursor,
                                recordsPath() + QStringLiteral("?since=") + otherConnection}) {
        const Answer refused = call("GET", path, "pb_product");
        QCOMPARE(refused.status, 400);
        QCOMPARE(code(refused.body), QStringLiteral("feed.cursor_mismatch"));
        QVERIFY(refused.body.value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("another feed")));
    }
}

void TestFeedRoutes::writeAnswersPerRecordResults()
{
    const QString writes = QStringLiteral("/api/v1/connections/%1/objects/contacts/writes").arg(m_connection);
    const Answer answer = call("POST", writes, "pb_product", R"({"records":[
        {"key":"u-1","record":{"name":"Ada Lovelace","email":"ada@example.com","company":"Acme","phone":"+1 555 0100"}},
        {"key":"u-2","record":{"name":"Bad Email","email":"not-an-email","company":"Acme","phone":"+1 555 0100"}}]})");
    QCOMPARE(answer.status, 200);
    const QJsonObject execution = answer.body.value(QStringLiteral("execution")).toObject();
    QCOMPARE(execution.value(QStringLiteral("status")).toString(), ExecutionStatus::Succeeded);
    QCOMPARE(execution.value(QStringLiteral("kind")).toString(), QStringLiteral("write"));
    QMap<QString, QJsonObject> items;
    for (const QJsonValue &item : answer.body.value(QStringLiteral("items")).toArray())
        items.insert(item.toObject().value(QStringLiteral("key")).toString(), item.toObject());
    QCOMPARE(items.value(QStringLiteral("u-1")).value(QStringLiteral("status")).toString(),
             QStringLiteral("succeeded"));
    const QString providerId = items.value(QStringLiteral("u-1")).value(QStringLiteral("providerId")).toString();
    QVERIFY(m_emulator->contactStore(QStringLiteral("acme"))->contact(providerId.toLongLong()));
    QCOMPARE(items.value(QStringLiteral("u-2")).value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QCOMPARE(items.value(QStringLiteral("u-2"))
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("code"))
                 .toString(),
             QStringLiteral("VALIDATION_ERROR"));

    // The execution can be read again, as a 202 would have it polled.
    const qint64 id = execution.value(QStringLiteral("id")).toInteger();
    const Answer polled = call("GET", QStringLiteral("/api/v1/executions/%1").arg(id), "pb_product");
    QCOMPARE(polled.status, 200);
    QCOMPARE(polled.body.value(QStringLiteral("status")).toString(), ExecutionStatus::Succeeded);
    const Answer results = call("GET", QStringLiteral("/api/v1/executions/%1/write-items").arg(id), "pb_admin");
    QCOMPARE(results.body.value(QStringLiteral("items")).toArray().size(), 2);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/executions/%1").arg(id), "pb_globex").status, 404);

    // Who wrote what is audited.
    const QList<AuditEntry> audit = m_store->audit().auditEntries({}).value();
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.first().action, QStringLiteral("records.write"));
    QCOMPARE(audit.first().after.toObject().value(QStringLiteral("executionId")).toInteger(), id);
}

QTEST_GUILESS_MAIN(TestFeedRoutes)
#include "TestFeedRoutes.moc"

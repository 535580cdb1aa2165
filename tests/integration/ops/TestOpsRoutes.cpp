#include "OpsFixture.h"

#include "core/Clock.h"
#include "ops/LocalOps.h"
#include "ops/OpsJson.h"
#include "server/DaemonServer.h"
#include "server/ServerContext.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QJsonDocument>
#include <QUrlQuery>
#include <QWebSocket>
#include <QtTest>

using namespace patchbay;

namespace {

struct Answer
{
    int status = 0;
    QByteArray body;

    QJsonValue json() const
    {
        const QJsonDocument document = QJsonDocument::fromJson(body);
        return document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    }
    QString errorCode() const
    {
        const auto error = OpsJson::decodeErrorBody(json());
        return error ? error->code : QString();
    }
};

} // namespace

// The ops API over HTTP (/api/v1/ops), driven in-process through patchbayd's router: every route answers what
// LocalOps answers, in OpsJson's form, with the engine's error codes; roles and tenant scope decide who may ask.
class TestOpsRoutes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void queriesAnswerWhatLocalOpsAnswers();
    void errorsKeepTheEngineCodeWithAFittingStatus();
    void commandStartsTheWorkAndIsAudited();
    void busyConnectionIsRefusedWithConflict();
    void mappingOverrideIsWrittenByTheKeyWithBeforeAndAfter();
    void mappingOverrideNeedsAReasonAndAValidMapping();
    void rolesDecideWhoMayAsk_data();
    void rolesDecideWhoMayAsk();
    void tenantBoundKeySeesOnlyItsTenant();
    void reauthorizationSendsTheBrowserBackToTheServer();
    void liveUpdatesNeedAKeyAndFollowItsTenant();
    void runsHealthAndTokenViewsAnswerWhatLocalOpsAnswers();
    void failedRecordsCarryALabelFromTheMapping();
    void badFiltersAreRefusedWithStableCodes();
    void replayIsItsOwnExecutionLinkedAndAudited();
    void tenantBoundKeySeesOnlyItsTenantsRunsAndHealth();

private:
    Answer call(const QByteArray &method, const QString &target, const QString &key,
                const QJsonObject &body = QJsonObject());
    QString key(ApiRole role, std::optional<qint64> tenantId = std::nullopt, const QString &name = QString());
    // Runs a sync of the connection through the ops API and waits until it has finished.
    qint64 syncAndWait(qint64 connectionId);
    template <typename T>
    std::optional<Result<T>> direct(QFuture<Result<T>> future);
    template <typename T>
    void verifySameAs(const Answer &answer, QFuture<Result<T>> direct);

    std::unique_ptr<OpsFixture> m_fixture;
    std::unique_ptr<ServerContext> m_context;
    std::unique_ptr<DaemonServer> m_server;
    QString m_admin;
};

void TestOpsRoutes::init()
{
    m_fixture = std::make_unique<OpsFixture>();
    QVERIFY2(m_fixture->isValid(), qPrintable(m_fixture->errorString()));
    DaemonConfig config;
    config.databasePath = m_fixture->databasePath();
    config.publicBaseUrl = QUrl(QStringLiteral("https://patchbay.example/base/"));
    auto context = ServerContext::create(config, SystemClock::instance(), m_fixture->sync());
    QVERIFY2(context, qPrintable(context ? QString() : context.error().toString()));
    m_context = std::move(context).value();
    m_server = std::make_unique<DaemonServer>([] { return Result<void>(); }, m_context.get());
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0) != 0);
    m_admin = key(ApiRole::Admin);
}

void TestOpsRoutes::cleanup()
{
    if (m_context && m_context->ops())
        (void)QTest::qWaitFor([this] { return !m_context->ops()->hasRunningWork(); }, 30000);
    m_server.reset();
    m_context.reset();
    m_fixture.reset();
}

QString TestOpsRoutes::key(ApiRole role, std::optional<qint64> tenantId, const QString &name)
{
    auto created = m_context->store().apiKeys().createApiKey(name.isEmpty() ? apiRoleName(role) : name, role,
                                                             tenantId);
    return created ? created->secret : QString();
}

Answer TestOpsRoutes::call(const QByteArray &method, const QString &target, const QString &key,
                           const QJsonObject &body)
{
    HttpServerRequest request;
    request.method = method;
    request.url = QUrl(target);
    request.headers.emplaceBack("authorization", "Bearer " + key.toUtf8());
    if (method == "POST") {
        request.headers.emplaceBack("content-type", "application/json");
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    QFuture<HttpServerResponse> future = m_server->handle(request);
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 30000))
        return {};
    return {future.result().status, future.result().body};
}

template <typename T>
std::optional<Result<T>> TestOpsRoutes::direct(QFuture<Result<T>> future)
{
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 30000))
        return std::nullopt;
    return future.result();
}

template <typename T>
void TestOpsRoutes::verifySameAs(const Answer &answer, QFuture<Result<T>> future)
{
    const std::optional<Result<T>> expected = direct(future);
    QVERIFY(expected.has_value());
    if (!expected->ok()) {
        QVERIFY2(answer.status >= 400, answer.body.constData());
        const auto error = OpsJson::decodeErrorBody(answer.json());
        QVERIFY2(error.has_value(), answer.body.constData());
        QCOMPARE(error->code, expected->error().code);
        QCOMPARE(error->message, expected->error().message);
        return;
    }
    QVERIFY2(answer.status == 200, answer.body.constData());
    const Result<T> decoded = OpsJson::parse<T>(answer.body);
    QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
    QVERIFY2(decoded.value() == expected->value(), answer.body.left(2000).constData());
}

qint64 TestOpsRoutes::syncAndWait(qint64 connectionId)
{
    const Answer started = call("POST", QStringLiteral("/api/v1/ops/connections/%1/sync").arg(connectionId), m_admin);
    if (started.status != 200)
        return 0;
    (void)QTest::qWaitFor([this] { return !m_context->ops()->hasRunningWork(); }, 30000);
    return started.json()[QStringLiteral("executionId")].toInteger();
}

void TestOpsRoutes::queriesAnswerWhatLocalOpsAnswers()
{
    const qint64 acme = m_fixture->acmeConnection;
    const qint64 execution = syncAndWait(acme);
    QVERIFY(execution != 0);
    LocalOps &ops = m_fixture->ops();
    const QString base = QStringLiteral("/api/v1/ops");

    verifySameAs(call("GET", base + "/tenants", m_admin), ops.tenants());
    verifySameAs(call("GET", base + "/connections", m_admin), ops.connections());
    verifySameAs(call("GET", base + QStringLiteral("/connections?tenantId=%1").arg(m_fixture->globex), m_admin),
                 ops.connections(m_fixture->globex));
    verifySameAs(call("GET", base + QStringLiteral("/connections/%1").arg(acme), m_admin), ops.connection(acme));
    verifySameAs(call("GET", base + QStringLiteral("/connections/%1/executions?limit=5").arg(acme), m_admin),
                 ops.executions(acme, 5));
    verifySameAs(
        call("GET", base + QStringLiteral("/connections/%1/executions?limit=5&beforeId=%2").arg(acme).arg(execution),
             m_admin),
        ops.executions(acme, 5, execution));
    verifySameAs(call("GET", base + QStringLiteral("/executions/%1").arg(execution), m_admin), ops.execution(execution));
    verifySameAs(call("GET", base + QStringLiteral("/executions/%1/events").arg(execution), m_admin),
                 ops.events(execution));
    verifySameAs(call("GET", base + QStringLiteral("/executions/%1/exchanges").arg(execution), m_admin),
                 ops.exchanges(execution));
    verifySameAs(call("GET", base + QStringLiteral("/executions/%1/write-items").arg(execution), m_admin),
                 ops.writeItems(execution));
    verifySameAs(call("GET", base + QStringLiteral("/connections/%1/mapping?object=contacts&direction=read").arg(acme),
                      m_admin),
                 ops.mapping(acme, "contacts", "read"));
    verifySameAs(call("GET", base + QStringLiteral("/connections/%1/failed-records").arg(acme), m_admin),
                 ops.failedRecords(acme));
    verifySameAs(call("GET",
                      base + QStringLiteral("/mappings/history?level=connection&scope=%1&integration=crm-contacts"
                                            "&object=contacts&direction=read")
                                 .arg(acme),
                      m_admin),
                 ops.mappingHistory("connection", QString::number(acme), "crm-contacts", "contacts", "read"));
    const QJsonArray samples{QJsonObject{{"id", "7"}, {"properties", QJsonObject{{"email", "ADA@EXAMPLE.COM"}}}}};
    verifySameAs(call("POST", base + QStringLiteral("/connections/%1/mapping/preview").arg(acme), m_admin,
                      {{"object", "contacts"}, {"direction", "read"}, {"samples", samples}}),
                 ops.previewMapping(acme, "contacts", "read", samples));
    verifySameAs(call("POST", base + "/expressions/check", m_admin, {{"expression", "$uppercase(name"}}),
                 ops.checkExpression("$uppercase(name"));
    verifySameAs(call("POST", base + "/expressions/check", m_admin, {{"expression", "$uppercase(name)"}}),
                 ops.checkExpression("$uppercase(name)"));

    // The exchanges the server sends are the store's, redacted: no access token in the answer.
    const Answer exchanges = call("GET", base + QStringLiteral("/executions/%1/exchanges").arg(execution), m_admin);
    QVERIFY(!exchanges.json().toArray().isEmpty());
    QVERIFY(!exchanges.body.contains("Bearer ey"));
}

void TestOpsRoutes::errorsKeepTheEngineCodeWithAFittingStatus()
{
    LocalOps &ops = m_fixture->ops();
    const Answer missing = call("GET", "/api/v1/ops/connections/987654", m_admin);
    QCOMPARE(missing.status, 404);
    verifySameAs(missing, ops.connection(987654));
    QCOMPARE(call("GET", "/api/v1/ops/executions/987654", m_admin).status, 404);
    QCOMPARE(call("GET", "/api/v1/ops/connections/abc", m_admin).status, 404);

    const Answer noObject = call("GET", QStringLiteral("/api/v1/ops/connections/%1/mapping?direction=read")
                                            .arg(m_fixture->acmeConnection),
                                 m_admin);
    QCOMPARE(noObject.status, 400);
    QCOMPARE(noObject.errorCode(), QStringLiteral("request.bad_query"));
    const Answer badLimit = call("GET", QStringLiteral("/api/v1/ops/connections/%1/executions?limit=0")
                                            .arg(m_fixture->acmeConnection),
                                 m_admin);
    QCOMPARE(badLimit.status, 400);
    QCOMPARE(badLimit.errorCode(), QStringLiteral("ops.bad_limit"));

    const Answer unknownField = call("POST", "/api/v1/ops/expressions/check", m_admin,
                                     {{"expression", "a"}, {"language", "jsonata"}});
    QCOMPARE(unknownField.status, 400);
    QCOMPARE(unknownField.errorCode(), QStringLiteral("request.unknown_field"));
    const Answer wrongType = call("POST", "/api/v1/ops/expressions/check", m_admin, {{"expression", 5}});
    QCOMPARE(wrongType.status, 400);
    QCOMPARE(wrongType.errorCode(), QStringLiteral("request.bad_field"));

    // A mapping of an object the integration does not map: the engine's code, as not found.
    const Answer unknownObject = call("GET", QStringLiteral("/api/v1/ops/connections/%1/mapping?object=nothing"
                                                            "&direction=read")
                                                 .arg(m_fixture->acmeConnection),
                                      m_admin);
    verifySameAs(unknownObject, ops.mapping(m_fixture->acmeConnection, "nothing", "read"));
    QCOMPARE(unknownObject.status, 404);
}

void TestOpsRoutes::commandStartsTheWorkAndIsAudited()
{
    const QString support = key(ApiRole::Support, std::nullopt, QStringLiteral("ada (support)"));
    const Answer started = call("POST", QStringLiteral("/api/v1/ops/connections/%1/sync").arg(m_fixture->acmeConnection),
                                support, {{"reason", "customer asked"}});
    QCOMPARE(started.status, 200);
    const auto answer = OpsJson::parse<CommandStarted>(started.body);
    QVERIFY(answer.ok());
    QCOMPARE(answer->connectionId, m_fixture->acmeConnection);
    QTRY_VERIFY_WITH_TIMEOUT(!m_context->ops()->hasRunningWork(), 30000);

    // The execution it started is the connection's newest, and finished.
    const auto executions = direct(m_fixture->ops().executions(m_fixture->acmeConnection, 1));
    QVERIFY(executions && executions->ok() && !executions->value().isEmpty());
    QCOMPARE(executions->value().first().id, answer->executionId);
    QCOMPARE(executions->value().first().status, ExecutionStatus::Succeeded);

    AuditFilter filter;
    filter.action = QStringLiteral("connection.sync");
    const auto entries = m_context->store().audit().auditEntries(filter);
    QVERIFY(entries.ok());
    QCOMPARE(entries->size(), 1);
    QCOMPARE(entries->first().keyName, QStringLiteral("ada (support)"));
    QCOMPARE(entries->first().target, QStringLiteral("connection:%1").arg(m_fixture->acmeConnection));
    QCOMPARE(entries->first().tenantId, std::optional<qint64>(m_fixture->acme));
    QCOMPARE(entries->first().after.toObject().value("reason").toString(), QStringLiteral("customer asked"));
}

void TestOpsRoutes::busyConnectionIsRefusedWithConflict()
{
    const QString path = QStringLiteral("/api/v1/ops/connections/%1/sync").arg(m_fixture->acmeConnection);
    QCOMPARE(call("POST", path, m_admin).status, 200);
    const Answer second = call("POST", path, m_admin);
    if (!m_context->ops()->hasRunningWork())
        QSKIP("the first sync finished before the second was asked");
    QCOMPARE(second.status, 409);
    QCOMPARE(second.errorCode(), QStringLiteral("ops.busy"));
}

void TestOpsRoutes::mappingOverrideIsWrittenByTheKeyWithBeforeAndAfter()
{
    const QString support = key(ApiRole::Support, std::nullopt, QStringLiteral("grace"));
    const QJsonObject request{{"level", "connection"},
                              {"scope", QString::number(m_fixture->acmeConnection)},
                              {"integration", "crm-contacts"},
                              {"object", "contacts"},
                              {"direction", "read"},
                              {"overrides", QJsonObject{{"email", "$uppercase(properties.email)"}}},
                              {"reason", "ticket 7"}};
    const Answer first = call("POST", "/api/v1/ops/mappings/overrides", support, request);
    QVERIFY2(first.status == 200, first.body.constData());
    const auto version = OpsJson::parse<MappingVersion>(first.body);
    QVERIFY(version.ok());
    QCOMPARE(version->author, QStringLiteral("grace"));
    QCOMPARE(version->reason, QStringLiteral("ticket 7"));
    QCOMPARE(version->version, 1);

    QJsonObject again = request;
    again.insert("overrides", QJsonObject{{"email", "$lowercase(properties.email)"}});
    again.insert("reason", "ticket 8");
    const Answer second = call("POST", "/api/v1/ops/mappings/overrides", support, again);
    QVERIFY2(second.status == 200, second.body.constData());

    AuditFilter filter;
    filter.action = QStringLiteral("mapping.set");
    const auto entries = m_context->store().audit().auditEntries(filter);
    QVERIFY(entries.ok());
    QCOMPARE(entries->size(), 2);
    // Newest first: the second change, whose before is the first version.
    QCOMPARE(entries->at(1).before.isNull() || entries->at(1).before.isUndefined(), true);
    QCOMPARE(OpsJson::decode<MappingVersion>(entries->at(1).after).value(), version.value());
    QCOMPARE(OpsJson::decode<MappingVersion>(entries->at(0).before).value(), version.value());
    QCOMPARE(OpsJson::decode<MappingVersion>(entries->at(0).after)->reason, QStringLiteral("ticket 8"));
    QCOMPARE(entries->at(0).tenantId, std::optional<qint64>(m_fixture->acme));
}

void TestOpsRoutes::mappingOverrideNeedsAReasonAndAValidMapping()
{
    QJsonObject request{{"level", "connection"},
                        {"scope", QString::number(m_fixture->acmeConnection)},
                        {"integration", "crm-contacts"},
                        {"object", "contacts"},
                        {"direction", "read"},
                        {"overrides", QJsonObject{{"email", "$uppercase(properties.email"}}},
                        {"reason", "ticket 9"}};
    const Answer broken = call("POST", "/api/v1/ops/mappings/overrides", m_admin, request);
    QCOMPARE(broken.status, 422);
    QCOMPARE(broken.errorCode(), QStringLiteral("mapping.invalid"));

    request.insert("overrides", QJsonObject{{"email", "properties.email"}});
    request.insert("reason", "  ");
    const Answer blankReason = call("POST", "/api/v1/ops/mappings/overrides", m_admin, request);
    QCOMPARE(blankReason.status, 422); // the engine's refusal, as in-process
    QCOMPARE(blankReason.errorCode(), QStringLiteral("mapping.unexplained"));
    request.remove("reason");
    const Answer noReason = call("POST", "/api/v1/ops/mappings/overrides", m_admin, request);
    QCOMPARE(noReason.status, 400);
    QCOMPARE(noReason.errorCode(), QStringLiteral("request.missing_field"));

    // Nothing changed, nothing audited.
    const auto history = direct(m_fixture->ops().mappingHistory(
        "connection", QString::number(m_fixture->acmeConnection), "crm-contacts", "contacts", "read"));
    QVERIFY(history && history->ok());
    QVERIFY(history->value().isEmpty());
    AuditFilter filter;
    filter.action = QStringLiteral("mapping.set");
    QVERIFY(m_context->store().audit().auditEntries(filter)->isEmpty());
}

void TestOpsRoutes::rolesDecideWhoMayAsk_data()
{
    QTest::addColumn<ApiRole>("role");
    QTest::addColumn<bool>("mayLook");
    QTest::addColumn<bool>("mayAct");
    QTest::newRow("admin") << ApiRole::Admin << true << true;
    QTest::newRow("support") << ApiRole::Support << true << true;
    QTest::newRow("viewer") << ApiRole::Viewer << true << false;
    QTest::newRow("product") << ApiRole::Product << false << false;
}

void TestOpsRoutes::rolesDecideWhoMayAsk()
{
    QFETCH(ApiRole, role);
    QFETCH(bool, mayLook);
    QFETCH(bool, mayAct);
    const QString caller = key(role);
    const Answer look = call("GET", "/api/v1/ops/connections", caller);
    QCOMPARE(look.status, mayLook ? 200 : 403);
    // A refused command starts nothing (a connection that does not exist answers 404 to those who may act).
    const Answer act = call("POST", "/api/v1/ops/connections/987654/sync", caller);
    QCOMPARE(act.status, mayAct ? 404 : 403);
    const Answer mapping = call("POST", "/api/v1/ops/mappings/overrides", caller,
                                {{"level", "environment"}, {"scope", "production"}, {"integration", "crm-contacts"},
                                 {"object", "contacts"}, {"direction", "read"}, {"overrides", QJsonObject()},
                                 {"reason", "r"}});
    if (!mayAct)
        QCOMPARE(mapping.status, 403);
}

void TestOpsRoutes::tenantBoundKeySeesOnlyItsTenant()
{
    const qint64 acmeExecution = syncAndWait(m_fixture->acmeConnection);
    QVERIFY(acmeExecution != 0);
    const QString globex = key(ApiRole::Support, m_fixture->globex);

    const auto tenants = OpsJson::parse<QList<Tenant>>(call("GET", "/api/v1/ops/tenants", globex).body);
    QVERIFY(tenants.ok());
    QCOMPARE(tenants->size(), 1);
    QCOMPARE(tenants->first().id, m_fixture->globex);
    const auto connections = OpsJson::parse<QList<ConnectionSummary>>(call("GET", "/api/v1/ops/connections", globex).body);
    QVERIFY(connections.ok());
    QCOMPARE(connections->size(), 1);
    QCOMPARE(connections->first().connection.id, m_fixture->globexConnection);

    // Another tenant's things answer exactly as things that do not exist.
    const Answer other = call("GET", QStringLiteral("/api/v1/ops/connections/%1").arg(m_fixture->acmeConnection), globex);
    const Answer none = call("GET", "/api/v1/ops/connections/987654", globex);
    QCOMPARE(other.status, 404);
    QCOMPARE(other.errorCode(), none.errorCode());
    QCOMPARE(other.body, QByteArray(none.body).replace("987654", QByteArray::number(m_fixture->acmeConnection)));
    for (const QString &path : {QStringLiteral("/api/v1/ops/executions/%1"), QStringLiteral("/api/v1/ops/executions/%1/events"),
                                QStringLiteral("/api/v1/ops/executions/%1/exchanges")})
        QCOMPARE(call("GET", path.arg(acmeExecution), globex).status, 404);
    for (const QString &path : {QStringLiteral("/api/v1/ops/connections/%1/executions"),
                                QStringLiteral("/api/v1/ops/connections/%1/failed-records")})
        QCOMPARE(call("GET", path.arg(m_fixture->acmeConnection), globex).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/ops/connections?tenantId=%1").arg(m_fixture->acme), globex).status, 404);
    const Answer sync = call("POST", QStringLiteral("/api/v1/ops/connections/%1/sync").arg(m_fixture->acmeConnection),
                             globex);
    QCOMPARE(sync.status, 404);
    QVERIFY(!m_context->ops()->hasRunningWork());
    const Answer environment = call("POST", "/api/v1/ops/mappings/overrides", globex,
                                    {{"level", "environment"}, {"scope", "production"}, {"integration", "crm-contacts"},
                                     {"object", "contacts"}, {"direction", "read"},
                                     {"overrides", QJsonObject{{"email", "properties.email"}}}, {"reason", "r"}});
    QCOMPARE(environment.status, 403);

    // Its own tenant's work it may do.
    QCOMPARE(call("GET", QStringLiteral("/api/v1/ops/connections/%1").arg(m_fixture->globexConnection), globex).status,
             200);
}

void TestOpsRoutes::reauthorizationSendsTheBrowserBackToTheServer()
{
    const Answer answer = call("POST", QStringLiteral("/api/v1/ops/connections/%1/reauthorization")
                                            .arg(m_fixture->acmeConnection),
                               m_admin);
    if (answer.status != 200)
        QSKIP(qPrintable("the sandbox connection cannot start an authorisation: " + answer.body));
    const auto url = OpsJson::parse<QUrl>(answer.body);
    QVERIFY(url.ok());
    const QString redirect = QUrlQuery(url.value()).queryItemValue("redirect_uri", QUrl::FullyDecoded);
    QCOMPARE(redirect, QStringLiteral("https://patchbay.example/base/oauth/callback"));
}

void TestOpsRoutes::liveUpdatesNeedAKeyAndFollowItsTenant()
{
    QUrl url = m_server->baseUrl();
    url.setScheme(QStringLiteral("ws"));
    url.setPath(QStringLiteral("/api/v1/ops/live"));

    auto open = [&](const QString &secret, QList<LiveUpdate> &updates, bool &ready,
                    std::optional<QWebSocketProtocol::CloseCode> &closed) {
        auto socket = std::make_unique<QWebSocket>();
        QWebSocket *raw = socket.get();
        connect(raw, &QWebSocket::textMessageReceived, this, [&](const QString &text) {
            const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
            if (message.value("type") == QLatin1String("ready"))
                ready = true;
            else if (auto update = OpsJson::decode<LiveUpdate>(message))
                updates.append(update.value());
        });
        connect(raw, &QWebSocket::disconnected, this, [&, raw] { closed = raw->closeCode(); });
        connect(raw, &QWebSocket::connected, this, [raw, secret] {
            raw->sendTextMessage(QString::fromUtf8(
                QJsonDocument(QJsonObject{{"type", "auth"}, {"key", secret}}).toJson(QJsonDocument::Compact)));
        });
        raw->open(url);
        return socket;
    };

    QList<LiveUpdate> bad;
    bool badReady = false;
    std::optional<QWebSocketProtocol::CloseCode> badClosed;
    auto refused = open(QStringLiteral("pb_not_a_key"), bad, badReady, badClosed);
    QTRY_VERIFY_WITH_TIMEOUT(badClosed.has_value(), 10000);
    QCOMPARE(*badClosed, QWebSocketProtocol::CloseCodePolicyViolated);
    QVERIFY(!badReady);

    QList<LiveUpdate> product;
    bool productReady = false;
    std::optional<QWebSocketProtocol::CloseCode> productClosed;
    auto productSocket = open(key(ApiRole::Product), product, productReady, productClosed);
    QTRY_VERIFY_WITH_TIMEOUT(productClosed.has_value(), 10000);
    QCOMPARE(*productClosed, QWebSocketProtocol::CloseCodePolicyViolated);

    QList<LiveUpdate> globex;
    bool globexReady = false;
    std::optional<QWebSocketProtocol::CloseCode> globexClosed;
    auto globexSocket = open(key(ApiRole::Viewer, m_fixture->globex), globex, globexReady, globexClosed);
    QList<LiveUpdate> all;
    bool allReady = false;
    std::optional<QWebSocketProtocol::CloseCode> allClosed;
    auto allSocket = open(key(ApiRole::Support), all, allReady, allClosed);
    QTRY_VERIFY_WITH_TIMEOUT(globexReady && allReady, 10000);

    const qint64 acmeExecution = syncAndWait(m_fixture->acmeConnection);
    QVERIFY(acmeExecution != 0);
    QTRY_VERIFY_WITH_TIMEOUT(!all.isEmpty() && all.last().kind == LiveUpdate::Kind::ConnectionChanged, 10000);
    QCOMPARE(all.first().kind, LiveUpdate::Kind::ExecutionStarted);
    QCOMPARE(all.first().executionId, acmeExecution);
    const qint64 globexExecution = syncAndWait(m_fixture->globexConnection);
    QVERIFY(globexExecution != 0);
    QTRY_VERIFY_WITH_TIMEOUT(!globex.isEmpty() && globex.last().kind == LiveUpdate::Kind::ConnectionChanged, 10000);
    for (const LiveUpdate &update : std::as_const(globex))
        QCOMPARE(update.tenantId, m_fixture->globex);
    QVERIFY(bad.isEmpty() && product.isEmpty());
}

namespace {

// A finished execution of the connection, as the engine would have left it.
qint64 addFinishedExecution(Store &store, qint64 connection, const QString &kind, const QString &object,
                            const QString &status, const ExecutionCounts &counts, const QString &error = {})
{
    auto id = store.executions().startExecution(connection, kind, object);
    if (!id)
        return 0;
    std::optional<Error> failure;
    if (!error.isEmpty())
        failure = makeError("sync.provider_error", error);
    if (!store.executions().finishExecution(id.value(), status, counts, failure))
        return 0;
    return id.value();
}

} // namespace

void TestOpsRoutes::runsHealthAndTokenViewsAnswerWhatLocalOpsAnswers()
{
    const qint64 acme = m_fixture->acmeConnection;
    const qint64 read = syncAndWait(acme);
    QVERIFY(read != 0);
    Store &store = m_fixture->store();
    const qint64 partial = addFinishedExecution(store, m_fixture->globexConnection, QStringLiteral("read"),
                                                QStringLiteral("contacts"), ExecutionStatus::Succeeded, {339, 4, 4, 161});
    QVERIFY(partial != 0);
    QVERIFY(addFinishedExecution(store, acme, QStringLiteral("refresh"), QString(), ExecutionStatus::Failed, {},
                                 QStringLiteral("invalid_grant: Refresh token is invalid")));
    LocalOps &ops = m_fixture->ops();
    const QString base = QStringLiteral("/api/v1/ops");

    verifySameAs(call("GET", base + "/executions", m_admin), ops.findExecutions({}));
    ExecutionFilter filter;
    filter.outcome = ExecutionOutcome::Partial;
    verifySameAs(call("GET", base + "/executions?outcome=partial", m_admin), ops.findExecutions(filter));
    filter = {};
    filter.tenantId = m_fixture->acme;
    filter.kind = QStringLiteral("read");
    filter.limit = 1;
    filter.beforeId = read + 1;
    filter.startedFrom = QDateTime::currentDateTimeUtc().addDays(-1);
    filter.text = QStringLiteral("contacts");
    const Answer filtered = call("GET",
                                 base + QStringLiteral("/executions?tenantId=%1&kind=read&limit=1&beforeId=%2&from=%3"
                                                       "&text=contacts")
                                            .arg(m_fixture->acme)
                                            .arg(read + 1)
                                            .arg(filter.startedFrom.toString(Qt::ISODateWithMs)),
                                 m_admin);
    verifySameAs(filtered, ops.findExecutions(filter));
    const auto rows = OpsJson::parse<QList<ExecutionRow>>(filtered.body);
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->first().execution.id, read);
    QCOMPARE(rows->first().connectionName, QStringLiteral("Acme HubSpot"));
    QCOMPARE(rows->first().provider, QStringLiteral("hubspot"));

    // Partial failure is told apart in the data the console colours on.
    const auto partialRows = OpsJson::parse<QList<ExecutionRow>>(call("GET", base + "/executions?outcome=partial",
                                                                      m_admin).body);
    QVERIFY(partialRows.ok());
    QCOMPARE(partialRows->size(), 1);
    QCOMPARE(partialRows->first().execution.id, partial);
    QCOMPARE(partialRows->first().execution.status, ExecutionStatus::Succeeded);
    QCOMPARE(partialRows->first().outcome, ExecutionOutcome::Partial);
    QCOMPARE(partialRows->first().recordsFailed, 161);

    verifySameAs(call("GET", base + "/health", m_admin), ops.health({}));
    verifySameAs(call("GET", base + "/health?health=degraded&provider=hubspot", m_admin),
                 ops.health({std::nullopt, ConnectionHealth::Degraded, QStringLiteral("hubspot")}));
    const auto report = OpsJson::parse<HealthReport>(call("GET", base + "/health", m_admin).body);
    QVERIFY(report.ok());
    QCOMPARE(report->connections.size(), 2);
    QCOMPARE(report->tenants.size(), 2);
    // Acme's last sync is the read, not the failed refresh after it; the refresh counts as a failed run.
    const ConnectionHealthRow &acmeHealth = report->connections.first();
    QCOMPARE(acmeHealth.connectionId, acme);
    QCOMPARE(acmeHealth.lastSyncExecutionId, read);
    QCOMPARE(acmeHealth.failedRunsLast24h, 1);
    QCOMPARE(acmeHealth.health, ConnectionHealth::Degraded);
    QCOMPARE(report->connections.last().health, ConnectionHealth::Degraded);
    QVERIFY2(report->connections.last().reason.contains(QLatin1String("161")),
             qPrintable(report->connections.last().reason));
    QCOMPARE(report->tenants.first().degraded, 1);

    verifySameAs(call("GET", base + QStringLiteral("/connections/%1/refresh-history").arg(acme), m_admin),
                 ops.refreshHistory(acme));
    const auto history = OpsJson::parse<RefreshHistory>(
        call("GET", base + QStringLiteral("/connections/%1/refresh-history").arg(acme), m_admin).body);
    QVERIFY(history.ok());
    QCOMPARE(history->consecutiveFailures, 1);
    QCOMPARE(history->operations.first().message, QStringLiteral("invalid_grant: Refresh token is invalid"));
}

void TestOpsRoutes::failedRecordsCarryALabelFromTheMapping()
{
    const qint64 acme = m_fixture->acmeConnection;
    Store &store = m_fixture->store();
    const qint64 execution = store.executions().startExecution(acme, QStringLiteral("read"), QStringLiteral("contacts"))
                                 .value();
    const QJsonArray errors{QJsonObject{{"field", "stage"}, {"code", "T1006"}, {"position", 14},
                                        {"message", "Attempted to invoke a non-function"}}};
    const auto failed = [&](const QString &id, const QJsonObject &properties) {
        FailedRecord record;
        record.object = QStringLiteral("contacts");
        record.recordId = id;
        record.raw = QJsonDocument(QJsonObject{{"id", id}, {"properties", properties}}).toJson(QJsonDocument::Compact);
        record.errors = errors;
        return record;
    };
    QVERIFY(store.records().commitPage(
        acme, QStringLiteral("contacts"), execution, {}, std::nullopt,
        {failed("91", {{"firstname", "Ada"}, {"lastname", "Lovelace"}, {"email", "ADA@EXAMPLE.COM"}}),
         failed("92", {{"email", "Grace@Example.com"}}), failed("93", {{"phone", "+1 555"}})}));
    QVERIFY(store.executions().finishExecution(execution, ExecutionStatus::Succeeded, {0, 1, 1, 3}, std::nullopt));

    LocalOps &ops = m_fixture->ops();
    const Answer ofExecution = call("GET", QStringLiteral("/api/v1/ops/executions/%1/failed-records").arg(execution),
                                    m_admin);
    verifySameAs(ofExecution, ops.executionFailedRecords(execution));
    verifySameAs(call("GET", QStringLiteral("/api/v1/ops/connections/%1/failed-record-details").arg(acme), m_admin),
                 ops.connectionFailedRecords(acme));
    const auto details = OpsJson::parse<QList<FailedRecordDetail>>(ofExecution.body);
    QVERIFY(details.ok());
    QCOMPARE(details->size(), 3);
    QCOMPARE(details->at(0).label, QStringLiteral("Ada Lovelace"));      // the mapping's name
    QCOMPARE(details->at(1).label, QStringLiteral("grace@example.com")); // no name: the mapping's email
    QCOMPARE(details->at(2).label, QString());
    QCOMPARE(details->at(0).record.recordId, QStringLiteral("91"));
    QCOMPARE(details->at(0).record.errors, errors); // every field error in full
    QCOMPARE(details->at(0).connectionId, acme);
    QVERIFY(details->at(0).record.raw.contains("Lovelace"));
}

void TestOpsRoutes::badFiltersAreRefusedWithStableCodes()
{
    const qint64 acme = m_fixture->acmeConnection;
    const qint64 succeeded = syncAndWait(acme);
    QVERIFY(succeeded != 0);
    const struct
    {
        const char *target;
        const char *code;
    } cases[] = {
        {"/api/v1/ops/executions?outcome=sort-of", "ops.bad_filter"},
        {"/api/v1/ops/executions?limit=0", "ops.bad_limit"}, // LocalOps' own refusal, as in-process
        {"/api/v1/ops/executions?limit=1001", "ops.bad_limit"},
        {"/api/v1/ops/executions?limit=many", "request.bad_query"},
        {"/api/v1/ops/executions?beforeId=x", "request.bad_query"},
        {"/api/v1/ops/executions?from=yesterday", "request.bad_query"},
        {"/api/v1/ops/executions?to=2026-01-01T10:00:00", "request.bad_query"}, // a time without its zone
        {"/api/v1/ops/health?health=meh", "ops.bad_filter"},
        {"/api/v1/ops/health?tenantId=-3", "request.bad_query"},
    };
    for (const auto &refused : cases) {
        const Answer answer = call("GET", QString::fromLatin1(refused.target), m_admin);
        QVERIFY2(answer.status == 400, refused.target);
        QCOMPARE(answer.errorCode(), QString::fromLatin1(refused.code));
    }
    const Answer longText = call("GET", "/api/v1/ops/executions?text=" + QString(300, QLatin1Char('a')), m_admin);
    QCOMPARE(longText.status, 400);

    // Nothing to replay: a read that succeeded whole, and what is no read or write.
    const auto before = direct(m_fixture->ops().findExecutions({}));
    QVERIFY(before && before->ok());
    const Answer whole = call("POST", QStringLiteral("/api/v1/ops/executions/%1/replay").arg(succeeded), m_admin);
    QCOMPARE(whole.status, 409);
    QCOMPARE(whole.errorCode(), QStringLiteral("ops.nothing_to_replay"));
    const qint64 refresh = addFinishedExecution(m_fixture->store(), acme, QStringLiteral("refresh"), QString(),
                                                ExecutionStatus::Failed, {}, QStringLiteral("invalid_grant"));
    const Answer token = call("POST", QStringLiteral("/api/v1/ops/executions/%1/replay").arg(refresh), m_admin);
    QCOMPARE(token.status, 409);
    QCOMPARE(token.errorCode(), QStringLiteral("ops.nothing_to_replay"));
    QCOMPARE(call("POST", "/api/v1/ops/executions/987654/replay", m_admin).status, 404);
    QVERIFY(!m_context->ops()->hasRunningWork());
    const auto after = direct(m_fixture->ops().findExecutions({}));
    QVERIFY(after && after->ok());
    QCOMPARE(after->value().size(), before->value().size() + 1); // only the refresh added above
    AuditFilter audit;
    audit.action = QStringLiteral("execution.replay");
    QVERIFY(m_context->store().audit().auditEntries(audit)->isEmpty());
}

void TestOpsRoutes::replayIsItsOwnExecutionLinkedAndAudited()
{
    const qint64 acme = m_fixture->acmeConnection;
    const qint64 failed = addFinishedExecution(m_fixture->store(), acme, QStringLiteral("read"),
                                               QStringLiteral("contacts"), ExecutionStatus::Failed, {0, 0, 1},
                                               QStringLiteral("HubSpot answered 502"));
    QVERIFY(failed != 0);
    const QString support = key(ApiRole::Support, std::nullopt, QStringLiteral("ada (support)"));
    const Answer started = call("POST", QStringLiteral("/api/v1/ops/executions/%1/replay").arg(failed), support,
                                {{"reason", "provider is back"}});
    QVERIFY2(started.status == 200, started.body.constData());
    const auto answer = OpsJson::parse<CommandStarted>(started.body);
    QVERIFY(answer.ok());
    QCOMPARE(answer->connectionId, acme);
    QVERIFY(answer->executionId != 0);
    QVERIFY(answer->executionId != failed);
    QTRY_VERIFY_WITH_TIMEOUT(!m_context->ops()->hasRunningWork(), 30000);

    ExecutionFilter filter;
    filter.connectionId = acme;
    filter.limit = 1;
    const auto rows = direct(m_fixture->ops().findExecutions(filter));
    QVERIFY(rows && rows->ok() && !rows->value().isEmpty());
    const ExecutionRow &replay = rows->value().first();
    QCOMPARE(replay.execution.id, answer->executionId);
    QCOMPARE(replay.replayOf, failed);
    QCOMPARE(replay.execution.kind, QStringLiteral("read"));
    QCOMPARE(replay.execution.object, QStringLiteral("contacts"));
    QCOMPARE(replay.outcome, ExecutionOutcome::Succeeded);

    AuditFilter audit;
    audit.action = QStringLiteral("execution.replay");
    const auto entries = m_context->store().audit().auditEntries(audit);
    QVERIFY(entries.ok());
    QCOMPARE(entries->size(), 1);
    QCOMPARE(entries->first().keyName, QStringLiteral("ada (support)"));
    QCOMPARE(entries->first().target, QStringLiteral("execution:%1").arg(failed));
    QCOMPARE(entries->first().tenantId, std::optional<qint64>(m_fixture->acme));
}

void TestOpsRoutes::tenantBoundKeySeesOnlyItsTenantsRunsAndHealth()
{
    Store &store = m_fixture->store();
    const qint64 acmeFailed = addFinishedExecution(store, m_fixture->acmeConnection, QStringLiteral("read"),
                                                   QStringLiteral("contacts"), ExecutionStatus::Failed, {},
                                                   QStringLiteral("boom"));
    const qint64 globexRun = addFinishedExecution(store, m_fixture->globexConnection, QStringLiteral("read"),
                                                  QStringLiteral("contacts"), ExecutionStatus::Succeeded, {});
    const QString globex = key(ApiRole::Support, m_fixture->globex);

    const auto runs = OpsJson::parse<QList<ExecutionRow>>(call("GET", "/api/v1/ops/executions", globex).body);
    QVERIFY(runs.ok());
    QCOMPARE(runs->size(), 1);
    QCOMPARE(runs->first().execution.id, globexRun);
    const auto byConnection = OpsJson::parse<QList<ExecutionRow>>(
        call("GET", QStringLiteral("/api/v1/ops/executions?connectionId=%1").arg(m_fixture->acmeConnection), globex)
            .body);
    QVERIFY(byConnection.ok());
    QVERIFY(byConnection->isEmpty());
    QCOMPARE(call("GET", QStringLiteral("/api/v1/ops/executions?tenantId=%1").arg(m_fixture->acme), globex).status,
             404);
    const auto health = OpsJson::parse<HealthReport>(call("GET", "/api/v1/ops/health", globex).body);
    QVERIFY(health.ok());
    QCOMPARE(health->tenants.size(), 1);
    QCOMPARE(health->tenants.first().tenantId, m_fixture->globex);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/ops/health?tenantId=%1").arg(m_fixture->acme), globex).status, 404);
    for (const QString &path : {QStringLiteral("/api/v1/ops/connections/%1/refresh-history"),
                                QStringLiteral("/api/v1/ops/connections/%1/failed-record-details")})
        QCOMPARE(call("GET", path.arg(m_fixture->acmeConnection), globex).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/ops/executions/%1/failed-records").arg(acmeFailed), globex).status,
             404);
    const Answer replay = call("POST", QStringLiteral("/api/v1/ops/executions/%1/replay").arg(acmeFailed), globex);
    QCOMPARE(replay.status, 404);
    QVERIFY(!m_context->ops()->hasRunningWork());
}

QTEST_GUILESS_MAIN(TestOpsRoutes)
#include "TestOpsRoutes.moc"

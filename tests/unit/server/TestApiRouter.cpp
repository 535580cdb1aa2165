#include "ApiTestServer.h"
#include "server/ApiRouter.h"

#include <QJsonDocument>
#include <QtTest>

using namespace patchbay;

// The router in-process: which route answers a path, what a caller without a (good) key or with the wrong role gets,
// and the body readers' refusals, each with its stable code and status.
class TestApiRouter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void unknownPathIsNotFound();
    void knownPathWithAnotherMethodIsNotAllowedWithAllow();
    void literalSegmentWinsOverParameter();
    void parametersArePercentDecodedPerSegment();
    void restParameterTakesTheRestOfThePathAsSent();
    void headIsServedByGet();
    void missingKeyIsUnauthorized();
    void badKeyIsUnauthorized_data();
    void badKeyIsUnauthorized();
    void roleNotAdmittedIsForbidden();
    void tenantBoundKeyIsRefusedOnUnboundOnlyRoutes();
    void openRouteNeedsNoKey();
    void asyncHandlerAnswersThroughItsFuture();
    void jsonBodyRefusesBadInput_data();
    void jsonBodyRefusesBadInput();
    void jsonBodyAcceptsTheListedFields();
    void queryIntegerChecksRange();

private:
    struct Answer
    {
        int status = 0;
        QJsonObject body;
        HttpServerResponse response;
    };
    Answer call(const QByteArray &method, const QString &path, const QByteArray &key = {}, const QByteArray &body = {});

    std::unique_ptr<ApiRouter> m_router;
    std::optional<ApiRequest> m_lastRequest;
};

namespace {

// Keys of this test: "pb_<role>" for each role, "pb_bound" a product key of tenant 7.
Result<ApiCaller> authenticate(const QString &key)
{
    if (key == QLatin1String("pb_bound"))
        return ApiCaller{9, QStringLiteral("bound"), ApiRole::Product, 7};
    if (const auto role = apiRoleFromName(key.mid(3)); key.startsWith(QLatin1String("pb_")) && role)
        return ApiCaller{1, key.mid(3), *role, std::nullopt};
    return makeError("store.bad_key", QStringLiteral("no"));
}

QString code(const QJsonObject &body)
{
    return body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
}

} // namespace

void TestApiRouter::init()
{
    m_router = std::make_unique<ApiRouter>(authenticate);
    m_lastRequest.reset();
    const auto remember = [this](const char *name) {
        return [this, name](const ApiRequest &request) {
            m_lastRequest = request;
            return ApiResponse::json(QJsonObject{{QStringLiteral("route"), QLatin1String(name)}});
        };
    };
    m_router->add("GET", QStringLiteral("/api/v1/things"), ApiAccess::anyRole(), remember("list"));
    m_router->add("POST", QStringLiteral("/api/v1/things"), {ApiRole::Admin, ApiRole::Product}, remember("create"));
    m_router->add("GET", QStringLiteral("/api/v1/things/{thing}"), ApiAccess::anyRole(), remember("get"));
    m_router->add("DELETE", QStringLiteral("/api/v1/things/{thing}"), {ApiRole::Admin}, remember("delete"));
    m_router->add("GET", QStringLiteral("/api/v1/things/special"), ApiAccess::anyRole(), remember("special"));
    m_router->add("POST", QStringLiteral("/api/v1/keys"), ApiAccess({ApiRole::Admin, ApiRole::Product}).unboundOnly(),
                  remember("keys"));
    m_router->add("GET", QStringLiteral("/open"), ApiAccess::open(), remember("open"));
    m_router->add("GET", QStringLiteral("/api/v1/things/{thing}/files/{+path}"), ApiAccess::anyRole(),
                  remember("files"));
}

TestApiRouter::Answer TestApiRouter::call(const QByteArray &method, const QString &path, const QByteArray &key,
                                          const QByteArray &body)
{
    QFuture<HttpServerResponse> future = m_router->handle(test::apiRequest(method, path, key, body));
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 5000))
        return {};
    Answer answer;
    answer.response = future.result();
    answer.status = answer.response.status;
    answer.body = QJsonDocument::fromJson(answer.response.body).object();
    return answer;
}

void TestApiRouter::unknownPathIsNotFound()
{
    for (const QString path : {"/api/v1/nothing", "/api/v1/things/1/more", "/api/v1/things/", "/"}) {
        const Answer answer = call("GET", path, "pb_admin");
        QCOMPARE(answer.status, 404);
        QCOMPARE(code(answer.body), QStringLiteral("not_found"));
    }
}

void TestApiRouter::knownPathWithAnotherMethodIsNotAllowedWithAllow()
{
    const Answer answer = call("PUT", QStringLiteral("/api/v1/things/3"), "pb_admin");
    QCOMPARE(answer.status, 405);
    QCOMPARE(code(answer.body), QStringLiteral("method_not_allowed"));
    QByteArray allow;
    for (const auto &[name, value] : answer.response.headers) {
        if (name == "Allow")
            allow = value;
    }
    QCOMPARE(allow, QByteArray("GET, DELETE"));
    // Without a key too: the method is wrong whoever asks.
    QCOMPARE(call("PATCH", QStringLiteral("/api/v1/things")).status, 405);
}

void TestApiRouter::literalSegmentWinsOverParameter()
{
    QCOMPARE(call("GET", QStringLiteral("/api/v1/things/special"), "pb_viewer").body.value("route").toString(),
             QStringLiteral("special"));
    QCOMPARE(call("GET", QStringLiteral("/api/v1/things/other"), "pb_viewer").body.value("route").toString(),
             QStringLiteral("get"));
    // The literal route has no DELETE; the parameter route's DELETE is not taken for it.
    QCOMPARE(call("DELETE", QStringLiteral("/api/v1/things/special"), "pb_admin").status, 405);
}

void TestApiRouter::parametersArePercentDecodedPerSegment()
{
    QCOMPARE(call("GET", QStringLiteral("/api/v1/things/a%2Fb%20c"), "pb_viewer").status, 200);
    QVERIFY(m_lastRequest);
    QCOMPARE(m_lastRequest->param(QStringLiteral("thing")), QStringLiteral("a/b c"));
    QCOMPARE(m_lastRequest->caller().role, ApiRole::Viewer);
}

void TestApiRouter::restParameterTakesTheRestOfThePathAsSent()
{
    QCOMPARE(call("GET", QStringLiteral("/api/v1/things/a%20b/files/x/y%2Fz/"), "pb_viewer").body.value("route"),
             QStringLiteral("files"));
    QCOMPARE(m_lastRequest->param(QStringLiteral("thing")), QStringLiteral("a b"));
    // Still encoded, so that the route can tell an escaped '/' from a real one.
    QCOMPARE(m_lastRequest->param(QStringLiteral("path")), QStringLiteral("x/y%2Fz/"));
    QCOMPARE(call("GET", QStringLiteral("/api/v1/things/a/files/one"), "pb_viewer").body.value("route"),
             QStringLiteral("files"));
    // At least one segment, and not an empty one.
    QCOMPARE(call("GET", QStringLiteral("/api/v1/things/a/files"), "pb_viewer").status, 404);
    QCOMPARE(call("GET", QStringLiteral("/api/v1/things/a/files/"), "pb_viewer").status, 404);
}

void TestApiRouter::headIsServedByGet()
{
    QCOMPARE(call("HEAD", QStringLiteral("/api/v1/things"), "pb_viewer").status, 200);
}

void TestApiRouter::missingKeyIsUnauthorized()
{
    const Answer answer = call("GET", QStringLiteral("/api/v1/things"));
    QCOMPARE(answer.status, 401);
    QCOMPARE(code(answer.body), QStringLiteral("auth.missing_key"));
    QVERIFY(!m_lastRequest);
}

void TestApiRouter::badKeyIsUnauthorized_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::newRow("unknown key") << QByteArray("Bearer pb_nobody");
    QTest::newRow("not bearer") << QByteArray("Basic cGJfYWRtaW4=");
    QTest::newRow("bearer without key") << QByteArray("Bearer ");
    QTest::newRow("key alone") << QByteArray("pb_admin");
}

void TestApiRouter::badKeyIsUnauthorized()
{
    QFETCH(QByteArray, authorization);
    HttpServerRequest request;
    request.method = "GET";
    request.url = QUrl(QStringLiteral("/api/v1/things"));
    request.headers.emplaceBack("authorization", authorization);
    const HttpServerResponse response = m_router->handle(request).result();
    QCOMPARE(response.status, 401);
    QCOMPARE(code(QJsonDocument::fromJson(response.body).object()), QStringLiteral("auth.bad_key"));
    QVERIFY(!m_lastRequest);
}

void TestApiRouter::roleNotAdmittedIsForbidden()
{
    for (const QByteArray key : {"pb_support", "pb_viewer"}) {
        const Answer answer = call("POST", QStringLiteral("/api/v1/things"), key, "{}");
        QCOMPARE(answer.status, 403);
        QCOMPARE(code(answer.body), QStringLiteral("auth.forbidden"));
    }
    QCOMPARE(call("DELETE", QStringLiteral("/api/v1/things/1"), "pb_product").status, 403);
    QCOMPARE(call("DELETE", QStringLiteral("/api/v1/things/1"), "pb_admin").status, 200);
    QVERIFY(!m_lastRequest->caller().tenantScope());
}

void TestApiRouter::tenantBoundKeyIsRefusedOnUnboundOnlyRoutes()
{
    QCOMPARE(call("POST", QStringLiteral("/api/v1/keys"), "pb_product").status, 200);
    const Answer answer = call("POST", QStringLiteral("/api/v1/keys"), "pb_bound");
    QCOMPARE(answer.status, 403);
    QCOMPARE(code(answer.body), QStringLiteral("auth.forbidden"));
    // Elsewhere the bound key is admitted, and sees only its tenant.
    QCOMPARE(call("GET", QStringLiteral("/api/v1/things"), "pb_bound").status, 200);
    QCOMPARE(m_lastRequest->caller().tenantScope(), std::optional<qint64>(7));
    QVERIFY(m_lastRequest->caller().seesTenant(7));
    QVERIFY(!m_lastRequest->caller().seesTenant(8));
}

void TestApiRouter::openRouteNeedsNoKey()
{
    QCOMPARE(call("GET", QStringLiteral("/open")).status, 200);
    QVERIFY(!m_lastRequest->hasCaller());
}

void TestApiRouter::asyncHandlerAnswersThroughItsFuture()
{
    m_router->add("GET", QStringLiteral("/later"), ApiAccess::anyRole(), [](const ApiRequest &request) {
        auto promise = std::make_shared<QPromise<HttpServerResponse>>();
        promise->start();
        const QString name = request.caller().keyName;
        QTimer::singleShot(20, [promise, name] {
            promise->addResult(ApiResponse::json(QJsonObject{{QStringLiteral("by"), name}}, 201));
            promise->finish();
        });
        return promise->future();
    });
    const Answer answer = call("GET", QStringLiteral("/later"), "pb_support");
    QCOMPARE(answer.status, 201);
    QCOMPARE(answer.body.value("by").toString(), QStringLiteral("support"));
}

void TestApiRouter::jsonBodyRefusesBadInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("named");
    QTest::newRow("not JSON") << QByteArray("{\"name\":") << "request.malformed_json" << "";
    QTest::newRow("an array") << QByteArray("[1]") << "request.malformed_json" << "";
    QTest::newRow("unknown field") << QByteArray(R"({"name":"a","colour":1})") << "request.unknown_field"
                                   << "colour";
    QTest::newRow("wrong type") << QByteArray(R"({"name":5})") << "request.bad_field" << "name";
    QTest::newRow("null") << QByteArray(R"({"name":null})") << "request.bad_field" << "name";
    QTest::newRow("fraction for integer") << QByteArray(R"({"name":"a","count":1.5})") << "request.bad_field"
                                          << "count";
    QTest::newRow("missing") << QByteArray(R"({"count":1})") << "request.missing_field" << "name";
    QTest::newRow("empty body") << QByteArray() << "request.missing_field" << "name";
}

void TestApiRouter::jsonBodyRefusesBadInput()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, named);
    HttpServerRequest http;
    http.body = body;
    const auto read = ApiRequest(http, {}, std::nullopt)
                          .jsonBody({{QStringLiteral("name"), JsonType::String, true},
                                     {QStringLiteral("count"), JsonType::Integer},
                                     {QStringLiteral("tags"), JsonType::Array}});
    QVERIFY(!read);
    QCOMPARE(read.error().code, code);
    QVERIFY2(read.error().message.contains(named), qPrintable(read.error().message));
    const HttpServerResponse response = ApiResponse::fromError(read.error());
    QCOMPARE(response.status, 400);
    QCOMPARE(::code(QJsonDocument::fromJson(response.body).object()), code);
}

void TestApiRouter::jsonBodyAcceptsTheListedFields()
{
    HttpServerRequest http;
    http.body = R"({"name":"acme","count":3,"tags":["a"]})";
    const auto read = ApiRequest(http, {}, std::nullopt)
                          .jsonBody({{QStringLiteral("name"), JsonType::String, true},
                                     {QStringLiteral("count"), JsonType::Integer},
                                     {QStringLiteral("tags"), JsonType::Array},
                                     {QStringLiteral("absent"), JsonType::Boolean}});
    QVERIFY(read);
    QCOMPARE(read->value("count").toInt(), 3);
}

void TestApiRouter::queryIntegerChecksRange()
{
    HttpServerRequest http;
    http.url = QUrl(QStringLiteral("/x?limit=50&bad=x&big=1000"));
    const ApiRequest request(http, {}, std::nullopt);
    QCOMPARE(request.queryInteger(QStringLiteral("limit"), 10, 1, 500).value(), 50);
    QCOMPARE(request.queryInteger(QStringLiteral("absent"), 10, 1, 500).value(), 10);
    QCOMPARE(request.queryInteger(QStringLiteral("bad"), 10, 1, 500).error().code, QStringLiteral("request.bad_query"));
    QCOMPARE(request.queryInteger(QStringLiteral("big"), 10, 1, 500).error().code, QStringLiteral("request.bad_query"));
}

QTEST_GUILESS_MAIN(TestApiRouter)
#include "TestApiRouter.moc"

#include "ApiTestServer.h"
#include "server/OpenApiDocument.h"

#include <QFile>
#include <QJsonArray>
#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

// The OpenAPI document against the server: every route the server registers (every feature's, through
// addAllRoutes) is described, every operation described is served, open routes are the ones the document marks
// open, and every $ref resolves. The answers other tests receive are checked against it by ApiTestServer.
class TestOpenApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void documentIsServedAsJson();
    void everyRouteIsDescribed();
    void everyDescribedOperationIsServed();
    void openRoutesAreTheOnesDescribedWithoutSecurity();
    void everyReferenceResolves();
    void featureFilesNamingOnePathTwiceAreRefused();
    void validatorReportsWhatDoesNotFit();
};

namespace {

const QStringList kMethods = {QStringLiteral("get"), QStringLiteral("put"), QStringLiteral("post"),
                              QStringLiteral("delete"), QStringLiteral("patch")};

QJsonObject document()
{
    const auto loaded = OpenApiDocument::builtIn();
    return loaded ? loaded.value() : QJsonObject();
}

QJsonObject operation(const QString &path, const QByteArray &method)
{
    return document()
        .value(QStringLiteral("paths"))
        .toObject()
        .value(path)
        .toObject()
        .value(QString::fromLatin1(method).toLower())
        .toObject();
}

void collectRefs(const QJsonValue &value, QStringList &refs)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == QLatin1String("$ref"))
                refs.append(it.value().toString());
            else
                collectRefs(it.value(), refs);
        }
    } else if (value.isArray()) {
        for (const QJsonValue &item : value.toArray())
            collectRefs(item, refs);
    }
}

} // namespace

void TestOpenApi::documentIsServedAsJson()
{
    const auto loaded = OpenApiDocument::builtIn();
    QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().toString()));
    QCOMPARE(loaded->value("openapi").toString(), QStringLiteral("3.1.0"));
    ApiTestServer api(ApiTestServer::builtInSync, ApiTestServer::withHubSpotApp);
    QVERIFY2(api.setUpError().isEmpty(), qPrintable(api.setUpError()));
    const auto reply = api.call("GET", QStringLiteral("/api/v1/openapi.json")); // no key: open
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json, loaded.value());
    QVERIFY(api.problems().isEmpty());
}

void TestOpenApi::everyRouteIsDescribed()
{
    ApiTestServer api(ApiTestServer::builtInSync, ApiTestServer::withHubSpotApp);
    QVERIFY2(api.setUpError().isEmpty(), qPrintable(api.setUpError()));
    QStringList missing;
    for (const ApiRouter::Route &route : api.server().router().routes()) {
        if (operation(route.pattern, route.method).isEmpty())
            missing.append(QString::fromLatin1(route.method) + QLatin1Char(' ') + route.pattern);
    }
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("Routes not in resources/openapi/: ") + missing.join(", ")));
}

void TestOpenApi::everyDescribedOperationIsServed()
{
    ApiTestServer api(ApiTestServer::builtInSync, ApiTestServer::withHubSpotApp);
    QVERIFY2(api.setUpError().isEmpty(), qPrintable(api.setUpError()));
    QSet<QString> served;
    for (const ApiRouter::Route &route : api.server().router().routes())
        served.insert(QString::fromLatin1(route.method).toLower() + QLatin1Char(' ') + route.pattern);
    QStringList unserved;
    const QJsonObject paths = document().value(QStringLiteral("paths")).toObject();
    QVERIFY(!paths.isEmpty());
    for (auto path = paths.begin(); path != paths.end(); ++path) {
        for (const QString &method : kMethods) {
            if (path.value().toObject().contains(method) && !served.contains(method + QLatin1Char(' ') + path.key()))
                unserved.append(method.toUpper() + QLatin1Char(' ') + path.key());
        }
    }
    QVERIFY2(unserved.isEmpty(), qPrintable(QStringLiteral("Described but not served: ") + unserved.join(", ")));
}

void TestOpenApi::openRoutesAreTheOnesDescribedWithoutSecurity()
{
    ApiTestServer api(ApiTestServer::builtInSync, ApiTestServer::withHubSpotApp);
    QVERIFY2(api.setUpError().isEmpty(), qPrintable(api.setUpError()));
    for (const ApiRouter::Route &route : api.server().router().routes()) {
        const QJsonObject described = operation(route.pattern, route.method);
        const bool describedOpen = described.contains(QStringLiteral("security"))
            && described.value(QStringLiteral("security")).toArray().isEmpty();
        QVERIFY2(describedOpen == !route.access.requiresKey(),
                 qPrintable(QStringLiteral("%1 %2: the document says %3, the server %4")
                                .arg(QString::fromLatin1(route.method), route.pattern,
                                     describedOpen ? QStringLiteral("open") : QStringLiteral("key required"),
                                     route.access.requiresKey() ? QStringLiteral("requires a key")
                                                                : QStringLiteral("is open"))));
    }
}

void TestOpenApi::everyReferenceResolves()
{
    const QJsonObject whole = document();
    QStringList refs;
    collectRefs(whole, refs);
    QVERIFY(!refs.isEmpty());
    for (const QString &ref : std::as_const(refs)) {
        QVERIFY2(ref.startsWith(QLatin1String("#/")), qPrintable(ref));
        QJsonValue at = whole;
        for (const QString &part : ref.mid(2).split(QLatin1Char('/')))
            at = at.toObject().value(part);
        QVERIFY2(at.isObject(), qPrintable(QStringLiteral("%1 does not resolve").arg(ref)));
    }
}

void TestOpenApi::featureFilesNamingOnePathTwiceAreRefused()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("paths")));
    const auto write = [&](const QString &name, const QByteArray &text) {
        QFile file(dir.filePath(name));
        return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
    };
    QVERIFY(write(QStringLiteral("openapi.yaml"), "openapi: 3.1.0\npaths: {}\n"));
    QVERIFY(write(QStringLiteral("paths/a.yaml"), "paths:\n  /x:\n    get: {}\n"));
    QVERIFY(OpenApiDocument::load(dir.path()));
    QVERIFY(write(QStringLiteral("paths/b.yaml"), "paths:\n  /x:\n    post: {}\n"));
    const auto loaded = OpenApiDocument::load(dir.path());
    QVERIFY(!loaded);
    QCOMPARE(loaded.error().code, QStringLiteral("openapi.duplicate"));
    QVERIFY(loaded.error().message.contains(QLatin1String("/x")));
}

void TestOpenApi::validatorReportsWhatDoesNotFit()
{
    // The checker itself must be able to fail, or the other tests' clean reports mean nothing.
    const OpenApiValidator validator(document());
    QVERIFY(validator.checkResponse("GET", QStringLiteral("/healthz"), 200, R"({"status":"ok"})").isEmpty());
    QVERIFY(!validator.checkResponse("GET", QStringLiteral("/healthz"), 200, R"({"status":"bad"})").isEmpty());
    QVERIFY(!validator.checkResponse("GET", QStringLiteral("/healthz"), 200, R"({"status":"ok","x":1})").isEmpty());
    QVERIFY(!validator.checkResponse("GET", QStringLiteral("/healthz"), 200, R"({})").isEmpty());
    QVERIFY(!validator.checkResponse("GET", QStringLiteral("/healthz"), 418, R"({"status":"ok"})").isEmpty());
    QVERIFY(!validator.checkResponse("GET", QStringLiteral("/nowhere"), 200, "{}").isEmpty());
    QVERIFY(!validator.checkResponse("POST", QStringLiteral("/healthz"), 200, R"({"status":"ok"})").isEmpty());
    const QJsonObject list{{QStringLiteral("type"), QStringLiteral("array")},
                           {QStringLiteral("items"), QJsonObject{{QStringLiteral("type"), QStringLiteral("integer")}}}};
    QVERIFY(validator.checkValue(QJsonArray{1, 2}, list, QStringLiteral("x")).isEmpty());
    QCOMPARE(validator.checkValue(QJsonArray{1, 2.5}, list, QStringLiteral("x")).size(), 1);
}

QTEST_GUILESS_MAIN(TestOpenApi)
#include "TestOpenApi.moc"

#include "ApiTestServer.h"

#include "core/Clock.h"
#include "server/OpenApiDocument.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QJsonDocument>
#include <QTest>

namespace patchbay::test {

HttpServerRequest apiRequest(const QByteArray &method, const QString &path, const QByteArray &key,
                             const QByteArray &body)
{
    HttpServerRequest request;
    request.method = method;
    request.url = QUrl(path);
    request.body = body;
    if (!key.isEmpty())
        request.headers.emplaceBack("authorization", "Bearer " + key);
    if (!body.isEmpty())
        request.headers.emplaceBack("content-type", "application/json");
    return request;
}

ApiTestServer::ApiTestServer(SyncFactory makeSync, const std::function<void(DaemonConfig &)> &configure)
{
    const auto document = OpenApiDocument::builtIn();
    if (!document) {
        m_error = document.error().toString();
        return;
    }
    m_validator = std::make_unique<OpenApiValidator>(document.value());
    DaemonConfig config;
    config.databasePath = databasePath();
    if (configure)
        configure(config);
    std::shared_ptr<SyncService> sync = makeSync ? makeSync(config.databasePath) : nullptr;
    auto context = ServerContext::create(config, SystemClock::instance(), sync);
    if (!context) {
        m_error = context.error().toString();
        return;
    }
    m_context = std::move(context).value();
    m_server = std::make_unique<DaemonServer>([] { return Result<void>(); }, m_context.get());
}

ApiTestServer::~ApiTestServer()
{
    m_server.reset();
    m_context.reset();
}

QString ApiTestServer::databasePath() const
{
    return m_dir.filePath(QStringLiteral("patchbay.db"));
}

QByteArray ApiTestServer::createKey(ApiRole role, std::optional<qint64> tenantId, const QString &name)
{
    auto created = store().apiKeys().createApiKey(name.isEmpty() ? apiRoleName(role) : name, role, tenantId);
    return created ? created->secret.toLatin1() : QByteArray();
}

qint64 ApiTestServer::createTenant(const QString &name)
{
    auto id = store().tenants().createTenant(name, name);
    return id ? id.value() : 0;
}

qint64 ApiTestServer::createConnection(qint64 tenantId, const QString &provider)
{
    Connection connection;
    connection.tenantId = tenantId;
    connection.provider = provider;
    connection.displayName = provider + QStringLiteral(" of tenant ") + QString::number(tenantId);
    auto id = store().tenants().createConnection(connection);
    return id ? id.value() : 0;
}

ApiTestServer::Reply ApiTestServer::call(const QByteArray &method, const QString &path, const QByteArray &key,
                                         const QByteArray &body)
{
    return call(apiRequest(method, path, key, body));
}

ApiTestServer::Reply ApiTestServer::call(const HttpServerRequest &request)
{
    const QByteArray &method = request.method;
    const QString path = request.url.toString(QUrl::FullyEncoded);
    QFuture<HttpServerResponse> future = m_server->handle(request);
    Reply reply;
    if (!QTest::qWaitFor([&] { return future.isFinished(); }, 10000)) {
        m_problems.append(QStringLiteral("%1 %2: no answer within 10 s").arg(QString::fromLatin1(method), path));
        return reply;
    }
    const HttpServerResponse response = future.result();
    reply.status = response.status;
    reply.body = response.body;
    reply.headers = response.headers;
    reply.json = QJsonDocument::fromJson(response.body).object();
    if (method != "HEAD") // HEAD is GET without the body the document describes
        m_problems += m_validator->checkResponse(method, path, response.status, response.body);
    return reply;
}

} // namespace patchbay::test

#pragma once

#include "OpenApiValidator.h"
#include "core/Access.h"
#include "server/DaemonServer.h"
#include "server/ServerContext.h"

#include <QJsonObject>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace patchbay {
class SyncService;
}

namespace patchbay::test {

// A request as a client sends it: an API key (when given) as a bearer token, a JSON body (when given).
HttpServerRequest apiRequest(const QByteArray &method, const QString &path, const QByteArray &key = {},
                             const QByteArray &body = {});

// patchbayd's API in-process for tests: a new SQLite database in a temporary folder, a ServerContext on it and a
// DaemonServer with every route. call() answers as over HTTP and checks each answer against the OpenAPI document;
// what did not fit collects in problems(), which a test's cleanup() asserts empty.
class ApiTestServer
{
public:
    using SyncFactory = std::function<std::shared_ptr<SyncService>(const QString &databasePath)>;

    // configure adjusts the server's configuration (an OAuth app for a provider, limits) before it starts.
    explicit ApiTestServer(SyncFactory makeSync = {}, const std::function<void(DaemonConfig &)> &configure = {});
    ~ApiTestServer();

    // For the whole server, every route registered and able to succeed (ApiTestServer(builtInSync, withHubSpotApp)):
    // a SyncService with the built-in definitions and integrations (so the ops API too), an OAuth app for HubSpot, and a public URL.
    static std::shared_ptr<SyncService> builtInSync(const QString &databasePath);
    static void withHubSpotApp(DaemonConfig &config);

    // Empty when the server is ready; else why not.
    QString setUpError() const { return m_error; }

    ServerContext &context() { return *m_context; }
    DaemonServer &server() { return *m_server; }
    Store &store() { return m_context->store(); }
    QString databasePath() const;

    // A new API key's secret.
    QByteArray createKey(ApiRole role, std::optional<qint64> tenantId = std::nullopt, const QString &name = {});
    qint64 createTenant(const QString &name);
    // A new active connection of the tenant to provider (a built-in definition); 0 when it could not be made.
    qint64 createConnection(qint64 tenantId, const QString &provider = QStringLiteral("hubspot"));

    struct Reply
    {
        int status = 0;
        QJsonObject json; // the body when it is a JSON object
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QString errorCode() const { return json.value("error").toObject().value("code").toString(); }
    };
    Reply call(const QByteArray &method, const QString &path, const QByteArray &key = {},
               const QByteArray &body = {});
    // The same for a request built by the caller (a source address, headers of its own).
    Reply send(const HttpServerRequest &request);

    const QStringList &problems() const { return m_problems; }
    const OpenApiValidator &validator() const { return *m_validator; }

private:
    QTemporaryDir m_dir;
    QString m_error;
    std::unique_ptr<ServerContext> m_context;
    std::unique_ptr<DaemonServer> m_server;
    std::unique_ptr<OpenApiValidator> m_validator;
    QStringList m_problems;
};

} // namespace patchbay::test

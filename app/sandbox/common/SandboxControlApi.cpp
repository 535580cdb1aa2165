#include "SandboxControlApi.h"

#include "SandboxEmulator.h"
#include "SandboxHttp.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay::sandbox {

namespace {

HttpServerResponse problem(int status, const QString &message)
{
    return SandboxHttp::json(QJsonObject{{QStringLiteral("error"), message}}, status);
}

HttpServerResponse done()
{
    return SandboxHttp::json(QJsonObject{{QStringLiteral("ok"), true}});
}

HttpServerResponse noEndpoint(const HttpServerRequest &request)
{
    return problem(
        404, QStringLiteral("no control endpoint %1 %2").arg(QString::fromLatin1(request.method), request.url.path()));
}

QJsonObject bodyObject(const HttpServerRequest &request)
{
    return QJsonDocument::fromJson(request.body).object();
}

} // namespace

HttpServerResponse SandboxControlApi::handle(const HttpServerRequest &request)
{
    const QStringList segments = request.url.path(QUrl::FullyDecoded).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString resource = segments.value(1);
    const QByteArray method = request.method;

    if (resource == QLatin1String("tenants") || resource == m_emulator.tenantCollection()) {
        if (segments.size() > 2)
            return handleTenant(request, segments);
        if (method == "GET") {
            QJsonArray tenants;
            for (const QString &name : m_emulator.tenantNames())
                tenants.append(m_emulator.tenantJson(name));
            return SandboxHttp::json(QJsonObject{{m_emulator.tenantCollection(), tenants}});
        }
        if (method == "POST") {
            const QString name = m_emulator.addTenantFromControl(bodyObject(request));
            if (name.isEmpty())
                return problem(400, QStringLiteral("name is required"));
            return SandboxHttp::json(m_emulator.tenantJson(name), 201);
        }
    }
    if (resource == QLatin1String("fail-next") && method == "POST")
        return failNext(request);
    if (resource == QLatin1String("settings") && method == "POST") {
        m_emulator.applySettings(bodyObject(request));
        return done();
    }
    if (resource == QLatin1String("stats") && method == "GET")
        return stats();
    if (resource == QLatin1String("requests") && method == "GET")
        return SandboxHttp::json(QJsonObject{{QStringLiteral("requests"), m_emulator.m_requestLog.toJson()}});
    if (resource == QLatin1String("requests") && method == "DELETE") {
        m_emulator.clearRequestLog();
        return done();
    }
    return noEndpoint(request);
}

HttpServerResponse SandboxControlApi::failNext(const HttpServerRequest &request)
{
    const QJsonObject body = bodyObject(request);
    const int count = body.value(QStringLiteral("count")).toInt(1);
    const int retryAfter = body.value(QStringLiteral("retryAfterSeconds")).toInt(1);
    if (!body.contains(QStringLiteral("status"))) {
        m_emulator.injectRateLimit(count, retryAfter, body);
        return done();
    }
    QList<QPair<QByteArray, QByteArray>> headers;
    const QJsonObject headerObject = body.value(QStringLiteral("headers")).toObject();
    for (auto it = headerObject.begin(); it != headerObject.end(); ++it)
        headers.append({it.key().toLatin1(), it.value().toVariant().toString().toLatin1()});
    if (body.contains(QStringLiteral("retryAfterSeconds")))
        headers.append({"Retry-After", QByteArray::number(retryAfter)});
    const QJsonValue answer = body.value(QStringLiteral("body"));
    const QByteArray bytes = answer.isString()   ? answer.toString().toUtf8()
                             : answer.isObject() ? QJsonDocument(answer.toObject()).toJson(QJsonDocument::Compact)
                                                 : QJsonDocument(answer.toArray()).toJson(QJsonDocument::Compact);
    m_emulator.failNextRequestsWithStatus(count, body.value(QStringLiteral("status")).toInt(503), headers,
                                          answer.isUndefined() ? QByteArray() : bytes);
    return done();
}

HttpServerResponse SandboxControlApi::stats() const
{
    QJsonObject tenants;
    for (const QString &name : m_emulator.tenantNames())
        tenants.insert(name, QJsonObject{{QStringLiteral("tokenRefreshCount"), m_emulator.tokenRefreshCount(name)}});
    return SandboxHttp::json(QJsonObject{{QStringLiteral("apiRequestCount"), m_emulator.apiRequestCount()},
                                         {m_emulator.tenantCollection(), tenants}});
}

HttpServerResponse SandboxControlApi::handleTenant(const HttpServerRequest &request, const QStringList &segments)
{
    const QString tenant = segments.at(2);
    if (!m_emulator.hasTenant(tenant))
        return problem(404, QStringLiteral("unknown tenant %1").arg(tenant));
    const QString action = segments.value(3);
    const QByteArray method = request.method;
    const QJsonObject body = bodyObject(request);

    if (segments.size() == 3 && method == "GET")
        return SandboxHttp::json(m_emulator.tenantJson(tenant));
    if (segments.size() == 5 && method == "DELETE") {
        if (!m_emulator.deleteFromControl(tenant, action, segments.at(4)))
            return problem(404, QStringLiteral("no live %1 %2").arg(action, segments.at(4)));
        return done();
    }
    if (segments.size() != 4 || method != "POST")
        return noEndpoint(request);
    if (action == QLatin1String("expire-access-tokens")) {
        m_emulator.expireAccessTokens(tenant);
        return done();
    }
    if (action == QLatin1String("revoke-refresh-token")) {
        m_emulator.revokeRefreshToken(tenant);
        return done();
    }
    if (action == QLatin1String("touch")) {
        const QStringList touched = m_emulator.touchFromControl(tenant, body);
        return SandboxHttp::json(QJsonObject{{QStringLiteral("touched"), QJsonArray::fromStringList(touched)}});
    }
    if (action == QLatin1String("fields") || action == m_emulator.customFieldAction()) {
        if (!m_emulator.addCustomFieldFromControl(tenant, body))
            return problem(400, QStringLiteral("the field exists already, or its object or type is unknown"));
        return done();
    }
    if (action == QLatin1String("webhooks")) {
        if (!m_emulator.sendWebhookFromControl(tenant, body))
            return problem(400, QStringLiteral("no webhook sent: url missing, or the provider signs none"));
        return done();
    }
    if (auto answer = m_emulator.tenantActionFromControl(tenant, action, body))
        return *answer;
    return noEndpoint(request);
}

} // namespace patchbay::sandbox

#include "HubSpotControlApi.h"

#include "HubSpotEmulator.h"
#include "HubSpotResponses.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace patchbay::sandbox {

namespace {

HttpServerResponse problem(int status, const QString &message)
{
    return HubSpotResponses::json({{QStringLiteral("error"), message}}, status);
}

HttpServerResponse done()
{
    return HubSpotResponses::json({{QStringLiteral("ok"), true}});
}

QJsonObject bodyObject(const HttpServerRequest &request)
{
    return QJsonDocument::fromJson(request.body).object();
}

} // namespace

HubSpotControlApi::HubSpotControlApi(HubSpotEmulator &emulator) : m_emulator(emulator) {}

QJsonObject HubSpotControlApi::credentialsJson(const PortalCredentials &credentials)
{
    return {{QStringLiteral("name"), credentials.portalName},
            {QStringLiteral("hubId"), credentials.hubId},
            {QStringLiteral("clientId"), credentials.clientId},
            {QStringLiteral("clientSecret"), credentials.clientSecret},
            {QStringLiteral("accessToken"), credentials.accessToken},
            {QStringLiteral("refreshToken"), credentials.refreshToken},
            {QStringLiteral("expiresIn"), credentials.expiresIn}};
}

QJsonObject HubSpotControlApi::portalJson(const QString &portalName) const
{
    QJsonObject json = credentialsJson(*m_emulator.credentials(portalName));
    const HubSpotContactStore *store = m_emulator.contactStore(portalName);
    json.insert(QStringLiteral("contacts"), store->count(false));
    json.insert(QStringLiteral("archivedContacts"), store->count(true));
    json.insert(QStringLiteral("tokenRefreshCount"), m_emulator.tokenRefreshCount(portalName));
    return json;
}

HttpServerResponse HubSpotControlApi::handle(const HttpServerRequest &request)
{
    const QStringList segments = request.url.path(QUrl::FullyDecoded).split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString resource = segments.value(1);
    const QByteArray method = request.method;

    if (resource == QLatin1String("portals") && segments.size() == 2) {
        if (method == "GET") {
            QJsonArray portals;
            for (const QString &name : m_emulator.portalNames())
                portals.append(portalJson(name));
            return HubSpotResponses::json({{QStringLiteral("portals"), portals}});
        }
        if (method == "POST") {
            const QJsonObject body = bodyObject(request);
            const QString name = body.value(QStringLiteral("name")).toString();
            if (name.isEmpty())
                return problem(400, QStringLiteral("name is required"));
            m_emulator.addPortal(name, body.value(QStringLiteral("contacts")).toInt(100),
                                 static_cast<quint32>(body.value(QStringLiteral("seed")).toInteger(1)));
            return HubSpotResponses::json(portalJson(name), 201);
        }
    }
    if (resource == QLatin1String("portals") && segments.size() >= 3)
        return handlePortal(request, segments);

    if (resource == QLatin1String("fail-next") && method == "POST") {
        const QJsonObject body = bodyObject(request);
        m_emulator.failNextRequests(body.value(QStringLiteral("count")).toInt(1),
                                    body.value(QStringLiteral("retryAfterSeconds")).toInt(1),
                                    body.value(QStringLiteral("policyName")).toString(QStringLiteral("SECONDLY")));
        return done();
    }
    if (resource == QLatin1String("settings") && method == "POST") {
        const QJsonObject body = bodyObject(request);
        if (body.contains(QStringLiteral("accessTokenLifetime")))
            m_emulator.setAccessTokenLifetime(body.value(QStringLiteral("accessTokenLifetime")).toInt(1800));
        if (body.contains(QStringLiteral("dailyLimitHeaders")))
            m_emulator.setDailyLimitHeadersEnabled(body.value(QStringLiteral("dailyLimitHeaders")).toBool());
        return done();
    }
    if (resource == QLatin1String("stats") && method == "GET") {
        QJsonObject portals;
        for (const QString &name : m_emulator.portalNames())
            portals.insert(name,
                           QJsonObject{{QStringLiteral("tokenRefreshCount"), m_emulator.tokenRefreshCount(name)}});
        return HubSpotResponses::json(
            {{QStringLiteral("apiRequestCount"), m_emulator.apiRequestCount()}, {QStringLiteral("portals"), portals}});
    }
    if (resource == QLatin1String("requests") && method == "GET") {
        QJsonArray requests;
        for (const RequestLogEntry &entry : m_emulator.requestLog()) {
            requests.append(QJsonObject{{QStringLiteral("received"), entry.received.toString(Qt::ISODateWithMs)},
                                        {QStringLiteral("method"), entry.method},
                                        {QStringLiteral("path"), entry.pathAndQuery},
                                        {QStringLiteral("status"), entry.status},
                                        {QStringLiteral("portal"), entry.portal}});
        }
        return HubSpotResponses::json({{QStringLiteral("requests"), requests}});
    }
    if (resource == QLatin1String("requests") && method == "DELETE") {
        m_emulator.clearRequestLog();
        return done();
    }
    return problem(404,
                   QStringLiteral("no control endpoint %1 %2").arg(QString::fromLatin1(method), request.url.path()));
}

HttpServerResponse HubSpotControlApi::handlePortal(const HttpServerRequest &request, const QStringList &segments)
{
    const QString portal = segments.at(2);
    if (!m_emulator.credentials(portal))
        return problem(404, QStringLiteral("unknown portal %1").arg(portal));
    const QString action = segments.value(3);
    const QByteArray method = request.method;
    const QJsonObject body = bodyObject(request);

    if (action.isEmpty() && method == "GET")
        return HubSpotResponses::json(portalJson(portal));
    if (action == QLatin1String("expire-access-tokens") && method == "POST") {
        m_emulator.expireAccessTokens(portal);
        return done();
    }
    if (action == QLatin1String("revoke-refresh-token") && method == "POST") {
        m_emulator.revokeRefreshToken(portal);
        return done();
    }
    if (action == QLatin1String("touch") && method == "POST") {
        const QStringList touched = m_emulator.touchContacts(portal, body.value(QStringLiteral("count")).toInt(1));
        return HubSpotResponses::json({{QStringLiteral("touched"), QJsonArray::fromStringList(touched)}});
    }
    if (action == QLatin1String("properties") && method == "POST") {
        if (!m_emulator.addCustomProperty(portal, body.value(QStringLiteral("name")).toString(),
                                          body.value(QStringLiteral("label")).toString(),
                                          body.value(QStringLiteral("type")).toString(QStringLiteral("string"))))
            return problem(400, QStringLiteral("property exists already or its type is not a HubSpot type"));
        return done();
    }
    if (action == QLatin1String("contacts") && segments.size() == 5 && method == "DELETE") {
        if (!m_emulator.deleteContact(portal, segments.at(4)))
            return problem(404, QStringLiteral("no live contact %1").arg(segments.at(4)));
        return done();
    }
    return problem(404,
                   QStringLiteral("no control endpoint %1 %2").arg(QString::fromLatin1(method), request.url.path()));
}

} // namespace patchbay::sandbox

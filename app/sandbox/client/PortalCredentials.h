#pragma once

#include <QJsonObject>
#include <QString>

namespace patchbay::sandbox {

// A HubSpot emulator portal's OAuth client and its most recently issued token pair: what HubSpotEmulator::addPortal
// returns in process, and what the control API's GET or POST /_sandbox/portals answers across processes.
struct PortalCredentials
{
    QString portalName;
    qint64 hubId = 0;
    QString clientId;
    QString clientSecret;
    QString accessToken;
    QString refreshToken;
    int expiresIn = 0;

    // From the control API's JSON summary of a portal.
    static PortalCredentials fromJson(const QJsonObject &json)
    {
        return {json.value(QStringLiteral("name")).toString(),
                json.value(QStringLiteral("hubId")).toInteger(),
                json.value(QStringLiteral("clientId")).toString(),
                json.value(QStringLiteral("clientSecret")).toString(),
                json.value(QStringLiteral("accessToken")).toString(),
                json.value(QStringLiteral("refreshToken")).toString(),
                json.value(QStringLiteral("expiresIn")).toInt()};
    }
};

} // namespace patchbay::sandbox

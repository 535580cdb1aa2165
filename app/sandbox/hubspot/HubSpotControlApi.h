#pragma once

#include "server/HttpService.h"

#include <QJsonObject>

namespace patchbay::sandbox {

class HubSpotEmulator;
struct PortalCredentials;

// The emulator's C++ control surface over HTTP, for when it runs as a separate process (patchbay-sandbox):
//   GET    /_sandbox/portals                                   all portals with credentials
//   POST   /_sandbox/portals                                   {"name", "contacts", "seed"} adds a portal
//   GET    /_sandbox/portals/{portal}                          credentials, counters, contact counts
//   POST   /_sandbox/portals/{portal}/expire-access-tokens
//   POST   /_sandbox/portals/{portal}/revoke-refresh-token
//   POST   /_sandbox/portals/{portal}/touch                    {"count"} -> {"touched": [ids]}
//   POST   /_sandbox/portals/{portal}/properties               {"name", "label", "type"}
//   DELETE /_sandbox/portals/{portal}/contacts/{id}            archives the contact
//   POST   /_sandbox/fail-next                                 {"count", "retryAfterSeconds", "policyName"}
//   POST   /_sandbox/settings                                  {"accessTokenLifetime", "dailyLimitHeaders"}
//   GET    /_sandbox/stats                                     {"apiRequestCount", "portals": {name: {...}}}
//   GET    /_sandbox/requests, DELETE /_sandbox/requests       the request log
// It is unauthenticated on purpose: the sandbox listens on loopback and holds only fake data.
class HubSpotControlApi
{
public:
    explicit HubSpotControlApi(HubSpotEmulator &emulator);

    HttpServerResponse handle(const HttpServerRequest &request);

private:
    HttpServerResponse handlePortal(const HttpServerRequest &request, const QStringList &segments);
    QJsonObject portalJson(const QString &portalName) const;
    static QJsonObject credentialsJson(const PortalCredentials &credentials);

    HubSpotEmulator &m_emulator;
};

} // namespace patchbay::sandbox

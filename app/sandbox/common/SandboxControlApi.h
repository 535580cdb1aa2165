#pragma once

#include "server/HttpService.h"

#include <QStringList>

namespace patchbay::sandbox {

class SandboxEmulator;

// The control surface every emulator serves, for tests and demos that run it as a separate process
// (patchbay-sandbox). {tenants} is "tenants" or the provider's own word for them (HubSpot "portals", Salesforce
// "orgs", Jira "sites", Zendesk "subdomains"); both are accepted.
//   GET    /_sandbox/{tenants}                              all tenants with credentials
//   POST   /_sandbox/{tenants}                              {"name", "records"|provider count, "seed"} adds one
//   GET    /_sandbox/{tenants}/{t}                          credentials, counters, record counts
//   POST   /_sandbox/{tenants}/{t}/expire-access-tokens
//   POST   /_sandbox/{tenants}/{t}/revoke-refresh-token
//   POST   /_sandbox/{tenants}/{t}/touch                    {"count"[, "object"]} -> {"touched": [ids]}
//   POST   /_sandbox/{tenants}/{t}/fields                   {"name", "label", "type"[, "object"]} (HubSpot: properties)
//   POST   /_sandbox/{tenants}/{t}/webhooks                 {"url"[, "event", "id"]} sends one signed event
//   DELETE /_sandbox/{tenants}/{t}/{object}/{id}            deletes (archives) a record
//   POST   /_sandbox/{tenants}/{t}/{action}                 a provider's own action (Graph: invalidate-delta-tokens)
//   POST   /_sandbox/fail-next                              {"count", "retryAfterSeconds"[, provider options]} the
//                                                           provider's rate-limit answer, or with "status"
//                                                           [, "headers": {name: value}, "body"] any answer
//   POST   /_sandbox/settings                               {"accessTokenLifetime"[, provider settings]}
//   GET    /_sandbox/stats                                  {"apiRequestCount", "{tenants}": {t: {...}}}
//   GET    /_sandbox/requests, DELETE /_sandbox/requests    the request log
// It is unauthenticated on purpose: the sandbox listens on loopback and holds only fake data.
class SandboxControlApi
{
public:
    explicit SandboxControlApi(SandboxEmulator &emulator) : m_emulator(emulator) {}

    HttpServerResponse handle(const HttpServerRequest &request);

private:
    HttpServerResponse handleTenant(const HttpServerRequest &request, const QStringList &segments);
    HttpServerResponse failNext(const HttpServerRequest &request);
    HttpServerResponse stats() const;

    SandboxEmulator &m_emulator;
};

} // namespace patchbay::sandbox

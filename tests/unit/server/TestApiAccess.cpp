#include "ApiTestServer.h"
#include "SandboxConnector.h"
#include "auth/CredentialVault.h"
#include "catalog/IntegrationCatalog.h"
#include "core/Clock.h"
#include "hubspot/HubSpotEmulator.h"
#include "store/Store.h"
#include "sync/SyncService.h"

#include <QtTest>

using namespace patchbay;
using namespace patchbay::test;

// Who may call what: every route the server registers × every role × tenant scope (a key for every tenant, one
// bound to the tenant the call is about, one bound to another tenant), against the table below. The table is
// written from the issue's words, not from the router's own declarations: a route the table lacks fails the test,
// so every feature that adds a route adds its row here.
class TestApiAccess : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyRouteHasARow();
    void everyRowIsARoute();
    void everyRouteRoleAndScopeGetsWhatTheTableSays();
};

namespace {

constexpr ApiRole Admin = ApiRole::Admin;
constexpr ApiRole Product = ApiRole::Product;
constexpr ApiRole Support = ApiRole::Support;
constexpr ApiRole Viewer = ApiRole::Viewer;

// How a key bound to a tenant fares on a route its role may call.
enum class Bound {
    Refused,  // 403: only keys for every tenant may (creating and deleting tenants)
    Own,      // its own tenant's things as anyone; another tenant's: 404, as if they did not exist
    Filtered, // allowed; what it lists is its tenant's only
};

struct Row
{
    const char *method;
    const char *pattern;
    const char *path; // {tenant}: the name of the tenant the call is about; {connection}: a new connection of it;
                      // {execution}: an execution of a new connection of it; {delivery}: a notification of a new
                      // connection of it; {webhookEvent}: an applied webhook call of a new connection of it
    const char *body; // {unique}: a name no other call used
    bool open;        // no key needed
    QList<ApiRole> roles;
    Bound bound;
    // What a call that passes the access checks answers on this server: 0 for success (2xx), else the status of the
    // refusal the fixture's connection earns (a command with nothing to do, a credential it lacks).
    int reached = 0;
    // The route relays the call to the connection's provider (the proxy), whose answer is its own: {connection} is a
    // connection to a HubSpot emulator portal of its own, and an allowed call is one the emulator received.
    bool relayed = false;
};

// The expected access table. Open routes first, then by feature.
const QList<Row> &table()
{
    static const QList<Row> rows = {
        {"GET", "/healthz", "/healthz", "", true, {}, Bound::Filtered},
        {"GET", "/readyz", "/readyz", "", true, {}, Bound::Filtered},
        {"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", "", true, {}, Bound::Filtered},
        // Metrics span every tenant: admin and viewer (monitoring) keys for every tenant; scrapers without a key use
        // the metricsListen address, which has no routes.
        {"GET", "/metrics", "/metrics", "", false, {Admin, Viewer}, Bound::Refused},
        // Tenants: product and admin manage them; everyone reads; a bound key sees its own.
        {"GET", "/api/v1/tenants", "/api/v1/tenants", "", false, {Admin, Product, Support, Viewer}, Bound::Filtered},
        {"POST", "/api/v1/tenants", "/api/v1/tenants", R"({"name":"{unique}"})", false, {Admin, Product},
         Bound::Refused},
        {"GET", "/api/v1/tenants/{tenant}", "/api/v1/tenants/{tenant}", "", false, {Admin, Product, Support, Viewer},
         Bound::Own},
        {"DELETE", "/api/v1/tenants/{tenant}", "/api/v1/tenants/{tenant}", "", false, {Admin, Product},
         Bound::Refused},
        // The audit log: the console's roles and admin.
        {"GET", "/api/v1/ops/audit", "/api/v1/ops/audit", "", false, {Admin, Support, Viewer}, Bound::Filtered},
        // The scheduler: product, admin and support sync, pause and resume a connection; everyone lists its jobs; a
        // whole integration spans tenants, so only keys for every tenant pause or resume it.
        {"POST", "/api/v1/connections/{id}/sync", "/api/v1/connections/{connection}/sync", R"({"full":true})", false,
         {Admin, Product, Support}, Bound::Own},
        {"POST", "/api/v1/connections/{id}/pause", "/api/v1/connections/{connection}/pause", "", false,
         {Admin, Product, Support}, Bound::Own},
        {"POST", "/api/v1/connections/{id}/resume", "/api/v1/connections/{connection}/resume", "", false,
         {Admin, Product, Support}, Bound::Own},
        {"GET", "/api/v1/connections/{id}/jobs", "/api/v1/connections/{connection}/jobs", "", false,
         {Admin, Product, Support, Viewer}, Bound::Own},
        {"POST", "/api/v1/integrations/{name}/pause", "/api/v1/integrations/crm-contacts/pause", "", false,
         {Admin, Product, Support}, Bound::Refused},
        {"POST", "/api/v1/integrations/{name}/resume", "/api/v1/integrations/crm-contacts/resume", "", false,
         {Admin, Product, Support}, Bound::Refused},
        // Connections: product and admin create and disconnect them and open connect sessions; everyone reads. The
        // connect link and the OAuth callback carry their own signed proof instead of a key.
        {"GET", "/api/v1/tenants/{tenant}/connections", "/api/v1/tenants/{tenant}/connections", "", false,
         {Admin, Product, Support, Viewer}, Bound::Own},
        {"POST", "/api/v1/tenants/{tenant}/connections", "/api/v1/tenants/{tenant}/connections",
         R"({"provider":"stripe","credential":{"apiKey":"sk_test_{unique}"}})", false, {Admin, Product}, Bound::Own},
        {"GET", "/api/v1/connections/{connection}", "/api/v1/connections/{connection}", "", false,
         {Admin, Product, Support, Viewer}, Bound::Own},
        {"DELETE", "/api/v1/connections/{connection}", "/api/v1/connections/{connection}", "", false,
         {Admin, Product}, Bound::Own},
        {"POST", "/api/v1/tenants/{tenant}/connect-sessions", "/api/v1/tenants/{tenant}/connect-sessions",
         R"({"provider":"hubspot"})", false, {Admin, Product}, Bound::Own},
        {"GET", "/connect/{token}", "/connect/not-a-link", "", true, {}, Bound::Filtered},
        {"GET", "/oauth/callback", "/oauth/callback?state=none&code=none", "", true, {}, Bound::Filtered},
        // The ops API: every role that looks reads it (admin, support, viewer); admin and support act. The product's
        // backend has the product API instead. Environment mappings are every tenant's: a bound key cannot change them.
        {"GET", "/api/v1/ops/tenants", "/api/v1/ops/tenants", "", false, {Admin, Support, Viewer}, Bound::Filtered},
        {"GET", "/api/v1/ops/whoami", "/api/v1/ops/whoami", "", false, {Admin, Product, Support, Viewer},
         Bound::Filtered},
        {"GET", "/api/v1/ops/connections", "/api/v1/ops/connections", "", false, {Admin, Support, Viewer},
         Bound::Filtered},
        {"GET", "/api/v1/ops/connections/{connection}", "/api/v1/ops/connections/{connection}", "", false,
         {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/connections/{connection}/executions", "/api/v1/ops/connections/{connection}/executions",
         "", false, {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/connections/{connection}/mapping",
         "/api/v1/ops/connections/{connection}/mapping?object=contacts&direction=read", "", false,
         {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/connections/{connection}/failed-records",
         "/api/v1/ops/connections/{connection}/failed-records", "", false, {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/executions/{execution}", "/api/v1/ops/executions/{execution}", "", false,
         {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/executions/{execution}/events", "/api/v1/ops/executions/{execution}/events", "", false,
         {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/executions/{execution}/exchanges", "/api/v1/ops/executions/{execution}/exchanges", "",
         false, {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/executions/{execution}/write-items", "/api/v1/ops/executions/{execution}/write-items", "",
         false, {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/executions/{execution}/failed-records",
         "/api/v1/ops/executions/{execution}/failed-records", "", false, {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/executions", "/api/v1/ops/executions?outcome=failed&text=quota", "", false,
         {Admin, Support, Viewer}, Bound::Filtered},
        {"GET", "/api/v1/ops/health", "/api/v1/ops/health?health=failing", "", false, {Admin, Support, Viewer},
         Bound::Filtered},
        {"GET", "/api/v1/ops/connections/{connection}/failed-record-details",
         "/api/v1/ops/connections/{connection}/failed-record-details", "", false, {Admin, Support, Viewer},
         Bound::Own},
        {"GET", "/api/v1/ops/connections/{connection}/refresh-history",
         "/api/v1/ops/connections/{connection}/refresh-history", "", false, {Admin, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/ops/mappings/history",
         "/api/v1/ops/mappings/history?level=environment&scope=production&integration=crm-contacts&object=contacts"
         "&direction=read",
         "", false, {Admin, Support, Viewer}, Bound::Filtered},
        {"POST", "/api/v1/ops/mappings/overrides", "/api/v1/ops/mappings/overrides",
         R"({"level":"environment","scope":"production","integration":"crm-contacts","object":"contacts",)"
         R"("direction":"read","overrides":{"fields":{"nickname":"firstname"}},"reason":"{unique}"})",
         false, {Admin, Support}, Bound::Refused},
        {"POST", "/api/v1/ops/connections/{connection}/mapping/preview",
         "/api/v1/ops/connections/{connection}/mapping/preview",
         R"({"object":"contacts","direction":"read","samples":[{"id":"1","properties":{"email":"a@example.com"}}]})",
         false, {Admin, Support, Viewer}, Bound::Own},
        {"POST", "/api/v1/ops/expressions/check", "/api/v1/ops/expressions/check", R"({"expression":"a.b"})", false,
         {Admin, Support, Viewer}, Bound::Filtered},
        {"POST", "/api/v1/ops/connections/{connection}/sync", "/api/v1/ops/connections/{connection}/sync", "", false,
         {Admin, Support}, Bound::Own},
        {"POST", "/api/v1/ops/connections/{connection}/refresh-token",
         "/api/v1/ops/connections/{connection}/refresh-token", "", false, {Admin, Support}, Bound::Own},
        {"POST", "/api/v1/ops/connections/{connection}/remap-failed-records",
         "/api/v1/ops/connections/{connection}/remap-failed-records", "", false, {Admin, Support}, Bound::Own},
        {"POST", "/api/v1/ops/connections/{connection}/retry-failed-writes",
         "/api/v1/ops/connections/{connection}/retry-failed-writes", "", false, {Admin, Support}, Bound::Own,
         409 /* write.nothing_to_retry: a new connection has no failed write */},
        {"POST", "/api/v1/ops/connections/{connection}/reauthorization",
         "/api/v1/ops/connections/{connection}/reauthorization", "", false, {Admin, Support}, Bound::Own,
         422 /* auth.no_client: a connection made without a credential has no OAuth client to ask with */},
        {"POST", "/api/v1/ops/executions/{execution}/replay", "/api/v1/ops/executions/{execution}/replay", "", false,
         {Admin, Support}, Bound::Own, 409 /* ops.nothing_to_replay: the fixture's execution is still running */},
        // Replay of webhook events and notification deliveries through the ops API (issue 13 item 6): listed by
        // those who look (a bound key its tenant's, or its own connection's), replayed by those who act.
        {"GET", "/api/v1/ops/webhook-events", "/api/v1/ops/webhook-events", "", false, {Admin, Support, Viewer},
         Bound::Filtered},
        {"GET", "/api/v1/ops/notification-deliveries", "/api/v1/ops/notification-deliveries?connectionId={connection}",
         "", false, {Admin, Support, Viewer}, Bound::Own},
        {"POST", "/api/v1/ops/webhook-events/{webhook_event}/replay",
         "/api/v1/ops/webhook-events/{webhookEvent}/replay", "", false, {Admin, Support}, Bound::Own},
        {"POST", "/api/v1/ops/notification-deliveries/{delivery}/replay",
         "/api/v1/ops/notification-deliveries/{delivery}/replay", "", false, {Admin, Support}, Bound::Own},
        // Pause / resume and full resync (connected users health): pausing twice is no error, resuming an active
        // connection answers it as it is.
        {"POST", "/api/v1/ops/connections/{connection}/pause", "/api/v1/ops/connections/{connection}/pause", "", false,
         {Admin, Support}, Bound::Own},
        {"POST", "/api/v1/ops/connections/{connection}/resume", "/api/v1/ops/connections/{connection}/resume", "",
         false, {Admin, Support}, Bound::Own},
        {"POST", "/api/v1/ops/connections/{connection}/full-resync", "/api/v1/ops/connections/{connection}/full-resync",
         R"({"since":"2024-01-01T00:00:00Z"})", false, {Admin, Support}, Bound::Own},
        // Provider webhooks: open, their signature is their proof (a call for no provider answers 404 alike).
        {"POST", "/webhooks/{provider}", "/webhooks/no-such-provider", "{}", true, {}, Bound::Filtered},
        {"POST", "/webhooks/{provider}/{connection}", "/webhooks/no-such-provider/{connection}", "{}", true, {},
         Bound::Filtered},
        {"GET", "/api/v1/webhook-events", "/api/v1/webhook-events?state=failed", "", false,
         {Admin, Product, Support, Viewer}, Bound::Filtered},
        // Replaying a stored call is a support engineer's command (and admin's), for the tenant's own calls.
        {"POST", "/api/v1/webhook-events/{id}/replay", "/api/v1/webhook-events/{webhookEvent}/replay", "", false,
         {Admin, Support}, Bound::Own},
        // Records: everyone reads a connection's change feed; product and admin write and follow their writes.
        {"GET", "/api/v1/connections/{connection}/objects/{object}/records",
         "/api/v1/connections/{connection}/objects/contacts/records", "", false, {Admin, Product, Support, Viewer},
         Bound::Own},
        {"POST", "/api/v1/connections/{connection}/objects/{object}/writes",
         "/api/v1/connections/{connection}/objects/contacts/writes", R"({"records":[{"key":"{unique}","record":{"email":"{unique}@example.com","name":"Ada Lovelace"}}]})", false,
         {Admin, Product}, Bound::Own},
        {"GET", "/api/v1/executions/{execution}", "/api/v1/executions/{execution}", "", false,
         {Admin, Product, Support, Viewer}, Bound::Own},
        {"GET", "/api/v1/executions/{execution}/write-items", "/api/v1/executions/{execution}/write-items", "", false,
         {Admin, Product, Support, Viewer}, Bound::Own},
        // Notifications: everyone reads the delivery log (a bound key its tenant's); product, admin and support
        // replay a delivery; where notifications go is the installation's, for product and admin keys of every tenant.
        {"GET", "/api/v1/notifications/deliveries", "/api/v1/notifications/deliveries?state=pending", "", false,
         {Admin, Product, Support, Viewer}, Bound::Filtered},
        {"GET", "/api/v1/notifications/deliveries/{id}", "/api/v1/notifications/deliveries/{delivery}", "", false,
         {Admin, Product, Support, Viewer}, Bound::Own},
        {"POST", "/api/v1/notifications/deliveries/{id}/replay", "/api/v1/notifications/deliveries/{delivery}/replay",
         "", false, {Admin, Product, Support}, Bound::Own},
        {"GET", "/api/v1/notifications/endpoints", "/api/v1/notifications/endpoints", "", false, {Admin, Product},
         Bound::Refused},
        // The proxy: the product's own calls with a connection's credentials, for product and admin keys only
        // (support and viewer keys read what patchbayd recorded, they do not act at providers).
        {"GET", "/api/v1/proxy/{connection}/{+path}", "/api/v1/proxy/{connection}/crm/v3/objects/contacts", "", false,
         {Admin, Product}, Bound::Own, 0, true},
        {"POST", "/api/v1/proxy/{connection}/{+path}", "/api/v1/proxy/{connection}/crm/v3/objects/contacts",
         R"({"properties":{"email":"{unique}@example.com"}})", false, {Admin, Product}, Bound::Own, 0, true},
        {"PUT", "/api/v1/proxy/{connection}/{+path}", "/api/v1/proxy/{connection}/crm/v3/objects/contacts/1", "{}",
         false, {Admin, Product}, Bound::Own, 0, true},
        {"PATCH", "/api/v1/proxy/{connection}/{+path}", "/api/v1/proxy/{connection}/crm/v3/objects/contacts/1",
         R"({"properties":{"firstname":"{unique}"}})", false, {Admin, Product}, Bound::Own, 0, true},
        {"DELETE", "/api/v1/proxy/{connection}/{+path}", "/api/v1/proxy/{connection}/crm/v3/objects/contacts/1", "",
         false, {Admin, Product}, Bound::Own, 0, true},
        // Tokens (re-authorisation links): a support engineer's command (and admin's), for the tenant's own.
        {"POST", "/api/v1/ops/connections/{connection}/reauthorization-link",
         "/api/v1/ops/connections/{connection}/reauthorization-link", "", false, {Admin, Support}, Bound::Own},
    };
    return rows;
}

const Row *rowFor(const QByteArray &method, const QString &pattern)
{
    for (const Row &row : table()) {
        if (method == row.method && pattern == QLatin1String(row.pattern))
            return &row;
    }
    return nullptr;
}

// The whole server; every call of the matrix comes from the same (empty) address, and refused webhook calls must not
// get it 429.
void everyRouteCanSucceed(DaemonConfig &config)
{
    ApiTestServer::withHubSpotApp(config);
    config.webhookRejectionLimit = 100000;
}

enum class Scope { Unbound, OwnTenant, OtherTenant };

QString scopeName(Scope scope)
{
    switch (scope) {
    case Scope::Unbound: return QStringLiteral("every tenant");
    case Scope::OwnTenant: return QStringLiteral("bound to the tenant");
    case Scope::OtherTenant: return QStringLiteral("bound to another tenant");
    }
    return {};
}

// The status class the table expects: 2xx (0), or the refusal's status.
int expectedRefusal(const Row &row, ApiRole role, Scope scope)
{
    if (row.open)
        return 0;
    if (!row.roles.contains(role))
        return 403;
    if (scope == Scope::Unbound || row.bound == Bound::Filtered)
        return 0;
    if (row.bound == Bound::Refused)
        return 403;
    return scope == Scope::OwnTenant ? 0 : 404;
}

} // namespace

void TestApiAccess::everyRouteHasARow()
{
    ApiTestServer api(ApiTestServer::builtInSync, everyRouteCanSucceed);
    QVERIFY2(api.setUpError().isEmpty(), qPrintable(api.setUpError()));
    QStringList missing;
    for (const ApiRouter::Route &route : api.server().router().routes()) {
        if (!rowFor(route.method, route.pattern))
            missing.append(QString::fromLatin1(route.method) + QLatin1Char(' ') + route.pattern);
    }
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("Routes without a row in TestApiAccess's table (add who may "
                                                          "call them): ") + missing.join(", ")));
}

void TestApiAccess::everyRowIsARoute()
{
    ApiTestServer api(ApiTestServer::builtInSync, everyRouteCanSucceed);
    QVERIFY2(api.setUpError().isEmpty(), qPrintable(api.setUpError()));
    for (const Row &row : table()) {
        const auto &routes = api.server().router().routes();
        const bool served = std::any_of(routes.begin(), routes.end(), [&](const ApiRouter::Route &route) {
            return route.method == row.method && route.pattern == QLatin1String(row.pattern);
        });
        QVERIFY2(served, qPrintable(QStringLiteral("The table has %1 %2, which the server does not serve")
                                        .arg(QLatin1String(row.method), QLatin1String(row.pattern))));
    }
}

void TestApiAccess::everyRouteRoleAndScopeGetsWhatTheTableSays()
{
    ApiTestServer api(ApiTestServer::builtInSync, everyRouteCanSucceed);
    QVERIFY2(api.setUpError().isEmpty(), qPrintable(api.setUpError()));
    sandbox::HubSpotEmulator emulator;
    QVERIFY(emulator.listen() != 0);
    int counter = 0;
    int calls = 0;
    for (const ApiRouter::Route &route : api.server().router().routes()) {
        const Row *row = rowFor(route.method, route.pattern);
        QVERIFY(row);
        const auto callAs = [&](const QByteArray &key, const QString &tenantName) {
            const QString unique = QStringLiteral("made%1").arg(++counter);
            QString path = QString::fromLatin1(row->path).replace(QStringLiteral("{tenant}"), tenantName);
            if (path.contains(QStringLiteral("{connection}"))) {
                const qint64 tenant = api.store().tenants().tenantByName(tenantName)->id;
                // A portal per connection, so that no call waits for another's request budget.
                const qint64 connection =
                    row->relayed ? sandbox::SandboxConnector(api.store(), api.context().sync()->vault())
                                       .connect(tenant, 0, QStringLiteral("hubspot"), unique,
                                                QStringLiteral("https://api.hubapi.com"), emulator.baseUrl(),
                                                emulator.addPortal(unique, 2, quint32(counter)),
                                                QDateTime::currentDateTimeUtc().addSecs(1800))
                                       .value()
                                 : api.createConnection(tenant);
                if (!row->relayed) {
                    // Part of the built-in crm-contacts integration, so that it has a mapping to show.
                    (void)api.store().tenants().setConnectionIntegration(connection, QStringLiteral("crm-contacts"),
                                                                         QStringLiteral("production"));
                }
                path.replace(QStringLiteral("{connection}"), QString::number(connection));
            }
            if (path.contains(QStringLiteral("{execution}"))) {
                const qint64 tenant = api.store().tenants().tenantByName(tenantName)->id;
                const qint64 connection = api.createConnection(tenant);
                const auto execution =
                    api.store().executions().startExecution(connection, QStringLiteral("write"), QStringLiteral("contacts"));
                path.replace(QStringLiteral("{execution}"), QString::number(execution.value()));
            }
            if (path.contains(QStringLiteral("{delivery}"))) {
                const qint64 tenant = api.store().tenants().tenantByName(tenantName)->id;
                NotificationDelivery delivery;
                delivery.deliveryId = QStringLiteral("access-") + unique;
                delivery.eventId = QStringLiteral("evt_access_") + unique;
                delivery.eventType = NotificationType::ConnectionCreated;
                delivery.endpoint = QStringLiteral("product");
                delivery.url = QStringLiteral("http://127.0.0.1:9/hooks");
                delivery.tenantId = tenant;
                delivery.connectionId = api.createConnection(tenant);
                delivery.payload = QByteArrayLiteral(
                    R"({"id":"evt_1","type":"connection.created","createdAt":"2026-03-01T12:00:00.000Z","tenantId":1,)"
                    R"("connectionId":1,"data":{"connection":{"id":1,"tenantId":1,"provider":"stripe",)"
                    R"("status":"active","statusMessage":""}}})");
                delivery.nextAttemptAt = QDateTime::currentDateTimeUtc();
                path.replace(QStringLiteral("{delivery}"),
                             QString::number(api.store().notifications().addDelivery(delivery).value()));
            }
            if (path.contains(QStringLiteral("{webhookEvent}"))) {
                const qint64 tenant = api.store().tenants().tenantByName(tenantName)->id;
                WebhookInboxEntry entry;
                entry.connectionId = api.createConnection(tenant);
                entry.provider = QStringLiteral("hubspot");
                entry.dedupeKey = QStringLiteral("access-") + unique;
                entry.url = QStringLiteral("http://127.0.0.1/webhooks/hubspot");
                entry.body = QByteArrayLiteral("[]");
                const qint64 id = api.store().webhooks().enqueueWebhook(entry).value().id;
                (void)api.store().webhooks().finishWebhook(id, WebhookInboxState::Applied, {}, 0);
                path.replace(QStringLiteral("{webhookEvent}"), QString::number(id));
            }
            const QByteArray body = QByteArray(row->body).replace("{unique}", unique.toUtf8());
            ++calls;
            return api.call(row->method, path, key, body);
        };
        const QString where = QString::fromLatin1(row->method) + QLatin1Char(' ') + QLatin1String(row->pattern);

        // Without a key: open routes answer, the others refuse.
        api.createTenant(QStringLiteral("t%1").arg(++counter));
        const auto anonymous = callAs({}, QStringLiteral("t%1").arg(counter));
        if (row->open)
            QVERIFY2(anonymous.status != 401 && anonymous.status != 403, qPrintable(QStringLiteral("%1 without a key: %2").arg(where).arg(anonymous.status)));
        else
            QVERIFY2(anonymous.status == 401, qPrintable(QStringLiteral("%1 without a key: %2").arg(where).arg(anonymous.status)));

        for (const ApiRole role : allApiRoles()) {
            for (const Scope scope : {Scope::Unbound, Scope::OwnTenant, Scope::OtherTenant}) {
                // Each call gets its own tenants, so that a delete allowed in one case leaves the next intact.
                const QString name = QStringLiteral("t%1").arg(++counter);
                const qint64 about = api.createTenant(name);
                const qint64 other = api.createTenant(QStringLiteral("o%1").arg(counter));
                const std::optional<qint64> bound = scope == Scope::Unbound ? std::nullopt
                    : scope == Scope::OwnTenant                             ? std::optional<qint64>(about)
                                                                            : std::optional<qint64>(other);
                const qsizetype relayedBefore = emulator.requestLog().size();
                const auto reply = callAs(api.createKey(role, bound), name);
                const int expected = expectedRefusal(*row, role, scope);
                const QString what = QStringLiteral("%1 as %2 (%3): expected %4, got %5 %6")
                                         .arg(where, apiRoleName(role), scopeName(scope),
                                              expected ? QString::number(expected) : QStringLiteral("2xx"))
                                         .arg(reply.status)
                                         .arg(QString::fromUtf8(reply.body.left(200)));
                if (row->open) // no key is asked: a key changes nothing, the route answers by its own proof
                    QVERIFY2(reply.status == anonymous.status, qPrintable(what));
                else if (expected == 0 && row->reached)
                    QVERIFY2(reply.status == row->reached, qPrintable(what));
                else if (expected == 0 && row->relayed) // the provider's answer is its own; it got the call
                    QVERIFY2(emulator.requestLog().size() == relayedBefore + 1, qPrintable(what));
                else if (expected == 0)
                    QVERIFY2(reply.status >= 200 && reply.status < 300, qPrintable(what));
                else
                    QVERIFY2(reply.status == expected && emulator.requestLog().size() == relayedBefore,
                             qPrintable(what));
                if (expected == 403)
                    QCOMPARE(reply.errorCode(), QStringLiteral("auth.forbidden"));
            }
        }
    }
    QVERIFY(calls >= table().size() * 13);
    QVERIFY2(api.problems().isEmpty(), qPrintable(api.problems().join('\n')));
}

QTEST_GUILESS_MAIN(TestApiAccess)
#include "TestApiAccess.moc"

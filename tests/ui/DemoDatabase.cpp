#include "DemoDatabase.h"

#include "auth/CredentialVault.h"
#include "catalog/ProviderCatalog.h"
#include "core/Clock.h"
#include "http/Redactor.h"
#include "ops/LocalOps.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

namespace patchbay {

namespace {

QDateTime minutesAgoUtc(int minutes)
{
    return QDateTime::currentDateTimeUtc().addSecs(-60LL * minutes);
}

} // namespace

DemoDatabase::DemoDatabase()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary folder");
        return;
    }
    auto store = SqliteStore::open(path(), m_clock);
    if (!store) {
        fail(store.error());
        return;
    }
    m_store = std::move(store.value());
    m_sync = std::make_shared<SyncService>(path(), CredentialVault::generateKey(), ProviderCatalog::builtIn(),
                                           SystemClock::instance());
}

DemoDatabase::~DemoDatabase() = default;

QString DemoDatabase::path() const
{
    return m_dir.filePath(QStringLiteral("console.sqlite"));
}

std::unique_ptr<Store> DemoDatabase::openStore()
{
    auto store = SqliteStore::open(path());
    if (!store) {
        fail(store.error());
        return nullptr;
    }
    return std::move(store.value());
}

std::unique_ptr<LocalOps> DemoDatabase::createOps()
{
    auto store = openStore();
    if (!store)
        return nullptr;
    return std::make_unique<LocalOps>(std::move(store), m_sync, SystemClock::instance());
}

void DemoDatabase::fail(const Error &error)
{
    if (m_error.isEmpty())
        m_error = error.toString();
}

template <typename T> T DemoDatabase::check(Result<T> result, T fallback)
{
    if (!result) {
        fail(result.error());
        return fallback;
    }
    return result.value();
}

qint64 DemoDatabase::addTenant(const QString &name, const QString &displayName)
{
    return check(m_store->tenants().createTenant(name, displayName), qint64(0));
}

qint64 DemoDatabase::addConnection(qint64 tenantId, const QString &displayName, const QDateTime &tokenExpiresAt)
{
    Connection connection;
    connection.tenantId = tenantId;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = displayName;
    const qint64 id = check(m_store->tenants().createConnection(connection), qint64(0));
    if (id == 0 || !tokenExpiresAt.isValid())
        return id;
    Credential credential;
    credential.accessToken = SecretBytes(QByteArrayLiteral("demo-access-") + QByteArray::number(id));
    credential.refreshToken = SecretBytes(QByteArrayLiteral("demo-refresh-") + QByteArray::number(id));
    credential.clientId = QStringLiteral("demo-client");
    credential.expiresAt = tokenExpiresAt;
    StoredCredential stored;
    stored.connectionId = id;
    stored.sealed = check(m_sync->vault().seal(id, credential), QByteArray());
    stored.expiresAt = tokenExpiresAt;
    stored.refreshedAt = QDateTime::currentDateTimeUtc();
    stored.updatedAt = stored.refreshedAt;
    if (auto saved = m_store->credentials().saveCredential(id, stored); !saved)
        fail(saved.error());
    return id;
}

qint64 DemoDatabase::addExecution(qint64 connectionId, const QString &kind, const QString &object,
                                  const QString &status, const ExecutionCounts &counts, int minutesAgo,
                                  qint64 durationMs, const std::optional<Error> &error)
{
    // The store stamps executions with its clock's time; spread them out so the demo reads like a real history.
    const QDateTime started = minutesAgoUtc(minutesAgo);
    m_clock.setNow(started);
    const qint64 id = check(m_store->executions().startExecution(connectionId, kind, object), qint64(0));
    if (id != 0 && status == ExecutionStatus::Running) {
        if (auto updated = m_store->executions().updateExecutionCounts(id, counts); !updated)
            fail(updated.error());
    } else if (id != 0) {
        m_clock.setNow(started.addMSecs(durationMs));
        if (auto finished = m_store->executions().finishExecution(id, status, counts, error); !finished)
            fail(finished.error());
    }
    m_clock.setNow(QDateTime::currentDateTimeUtc());
    return id;
}

qint64 DemoDatabase::addEvent(qint64 executionId, const QString &level, const QString &message,
                              const QJsonObject &context)
{
    Event event;
    event.executionId = executionId;
    event.level = level;
    event.message = message;
    event.context = context;
    return check(m_store->executions().addEvent(event), qint64(0));
}

qint64 DemoDatabase::addExchange(qint64 executionId, const QByteArray &method, const QString &url, int status,
                                 const QByteArray &requestBody, const QByteArray &responseBody,
                                 const QString &accessToken)
{
    HttpRequest request;
    request.method = method;
    request.url = QUrl(url);
    request.setHeader("Authorization", "Bearer " + accessToken.toUtf8());
    request.setHeader("Accept", "application/json");
    if (!requestBody.isEmpty())
        request.setHeader("Content-Type", "application/json");
    request.body = requestBody;
    HttpResponse response;
    response.status = status;
    response.headers = {{"Content-Type", "application/json;charset=utf-8"}, {"X-HubSpot-RateLimit-Remaining", "97"}};
    response.body = responseBody;
    response.startedAt = QDateTime::currentDateTimeUtc();
    response.durationMs = 120 + (responseBody.size() * 7 + status) % 400;
    if (status == 0)
        response.transportError = QStringLiteral("Connection refused");
    Redactor redactor;
    redactor.addSecret(SecretBytes(accessToken.toUtf8()));
    Exchange exchange = redactor.redact(request, response);
    exchange.executionId = executionId;
    return check(m_store->executions().addExchange(exchange), qint64(0));
}

DemoDatabase::Ids DemoDatabase::populate()
{
    Ids ids;
    if (!isValid())
        return ids;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    ids.leakedToken = QStringLiteral("pat-na1-3f9c2b7e-SECRET-TOKEN");
    ids.acme = addTenant(QStringLiteral("acme"), QStringLiteral("Acme Corporation"));
    ids.globex = addTenant(QStringLiteral("globex"), QStringLiteral("Globex Industries"));
    ids.acmeHubspot = addConnection(ids.acme, QStringLiteral("Acme HubSpot"), now.addSecs(2 * 3600));
    ids.acmeSandbox = addConnection(ids.acme, QStringLiteral("Acme Sandbox Portal"), now.addSecs(3 * 60));
    ids.globexCrm = addConnection(ids.globex, QStringLiteral("Globex CRM"), now.addSecs(-3600));

    addExecution(ids.acmeHubspot, QStringLiteral("refresh"), QString(), ExecutionStatus::Succeeded, {0, 0, 1}, 185,
                 420);
    ids.contactsRead = addExecution(ids.acmeHubspot, QStringLiteral("read"), QStringLiteral("contacts"),
                                    ExecutionStatus::Succeeded, {230, 3, 3}, 12, 2840);
    const QString search = QStringLiteral("https://api.hubapi.com/crm/v3/objects/contacts/search");
    addEvent(ids.contactsRead, EventLevel::Info, QStringLiteral("Reading contacts incrementally"),
             {{QStringLiteral("cursor"), QStringLiteral("2024-03-05T10:00:00Z")}});
    addEvent(ids.contactsRead, EventLevel::Debug, QStringLiteral("Rate limit: 97 requests left in this window"));
    addEvent(ids.contactsRead, EventLevel::Warning, QStringLiteral("HTTP 429, retrying in 2 s"),
             {{QStringLiteral("attempt"), 1}, {QStringLiteral("retryAfter"), 2}});
    addEvent(ids.contactsRead, EventLevel::Info, QStringLiteral("Committed page 3: 30 records"),
             {{QStringLiteral("page"), 3}, {QStringLiteral("records"), 30}});
    const QByteArray requestBody = R"({"limit":100,"after":"200","filterGroups":[{"filters":[{"propertyName":)"
                                   R"("lastmodifieddate","operator":"GTE","value":"1709632800000"}]}]})";
    addExchange(ids.contactsRead, "POST", search, 200, requestBody,
                R"({"total":230,"results":[{"id":"51","properties":{"email":"ada@example.com"}}],)"
                R"("paging":{"next":{"after":"100"}}})",
                ids.leakedToken);
    addExchange(ids.contactsRead, "POST", search, 429, requestBody,
                R"({"status":"error","message":"You have reached your secondly limit.","category":"RATE_LIMITS"})",
                ids.leakedToken);
    addExchange(ids.contactsRead, "POST", search, 200, requestBody, R"({"total":230,"results":[]})", ids.leakedToken);

    addExecution(ids.acmeHubspot, QStringLiteral("backfill"), QStringLiteral("deals"), ExecutionStatus::Failed,
                 {40, 1, 2}, 6, 1310, makeError("http.server_error", QStringLiteral("HubSpot answered 502 twice")));
    ids.companiesRead = addExecution(ids.acmeHubspot, QStringLiteral("read"), QStringLiteral("companies"),
                                     ExecutionStatus::Running, {100, 1, 1}, 0);
    addEvent(ids.companiesRead, EventLevel::Info, QStringLiteral("Reading companies"));

    const qint64 failedRefresh = addExecution(
        ids.globexCrm, QStringLiteral("refresh"), QString(), ExecutionStatus::Failed, {0, 0, 1}, 48, 350,
        makeError("auth.revoked", QStringLiteral("The refresh token was revoked; ask the user to re-authorise")));
    addEvent(failedRefresh, EventLevel::Error, QStringLiteral("Token endpoint answered invalid_grant"),
             {{QStringLiteral("status"), 400}});
    if (auto marked = m_store->tenants().setConnectionStatus(
            ids.globexCrm, ConnectionStatus::NeedsReauth,
            QStringLiteral("The refresh token was revoked. Send Globex a re-auth link."));
        !marked) {
        fail(marked.error());
    }
    return ids;
}

} // namespace patchbay

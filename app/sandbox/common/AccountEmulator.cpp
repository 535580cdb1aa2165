#include "AccountEmulator.h"

#include "SandboxHttp.h"

namespace patchbay::sandbox {

namespace {

QString objectOf(const SandboxAccount &account, const QJsonObject &body)
{
    return body.value(QStringLiteral("object")).toString(account.mainObject());
}

} // namespace

AccountEmulator::AccountEmulator(QObject *parent) : SandboxEmulator(parent) {}

AccountEmulator::~AccountEmulator() = default;

SandboxAccountCredentials AccountEmulator::addAccount(const QString &tenant, int recordCount, quint32 seed)
{
    m_accounts.replace(tenant, createAccount(tenant, seed)).seed(recordCount, now());
    issueFirstTokens(tenant, seed);
    return *credentials(tenant);
}

std::optional<SandboxAccountCredentials> AccountEmulator::credentials(const QString &tenant) const
{
    const SandboxAccount *found = findAccount(tenant);
    const auto oauth = oauthCredentials(tenant);
    if (!found || !oauth)
        return std::nullopt;
    SandboxAccountCredentials credentials;
    static_cast<OAuthCredentials &>(credentials) = *oauth;
    credentials.tenant = tenant;
    credentials.url = tenantUrl(tenant);
    credentials.apiKey = found->apiKey();
    credentials.webhookSecret = found->webhookSecret();
    return credentials;
}

QString AccountEmulator::tenantUrl(const QString &) const
{
    return baseUrl().toString(QUrl::StripTrailingSlash);
}

QString AccountEmulator::addCustomField(const QString &tenant, const QString &object, const QString &label,
                                        FieldKind kind)
{
    SandboxAccount *found = findAccount(tenant);
    return found ? found->addCustomField(object, label, kind) : QString();
}

QStringList AccountEmulator::touchRecords(const QString &tenant, const QString &object, int count)
{
    SandboxAccount *found = findAccount(tenant);
    return found ? found->touch(object, count, now()) : QStringList();
}

bool AccountEmulator::deleteRecord(const QString &tenant, const QString &object, const QString &id)
{
    SandboxAccount *found = findAccount(tenant);
    return found && found->remove(object, id, now());
}

SandboxAccount *AccountEmulator::findAccountWhere(const std::function<bool(const SandboxAccount &)> &matches) const
{
    for (const QString &name : m_accounts.names()) {
        SandboxAccount *candidate = m_accounts.find(name);
        if (matches(*candidate))
            return candidate;
    }
    return nullptr;
}

void AccountEmulator::decorateTenantJson(const QString &, QJsonObject &) const {}

AccountEmulator::TenantRoute AccountEmulator::routeByHostOrPrefix(const HttpServerRequest &request,
                                                                  const QString &hostSuffix,
                                                                  const QString &prefix) const
{
    TenantRoute route{{}, request.path(), {}};
    const QString marker = QLatin1Char('/') + prefix + QLatin1Char('/');
    const QString hostHeader = QString::fromLatin1(request.header("host"));
    const QString host = hostHeader.section(QLatin1Char(':'), 0, 0);
    if (route.path.startsWith(marker)) {
        route.tenant = route.path.section(QLatin1Char('/'), 2, 2);
        route.path = QLatin1Char('/') + route.path.section(QLatin1Char('/'), 3);
        route.apiBase = baseUrl().toString(QUrl::StripTrailingSlash) + marker + route.tenant;
    } else if (host.endsWith(hostSuffix) || host.endsWith(QLatin1String(".localhost"))) {
        route.tenant = host.section(QLatin1Char('.'), 0, 0);
        route.apiBase = QStringLiteral("http://") + hostHeader;
    }
    return route;
}

QString AccountEmulator::tenantOfBearer(const HttpServerRequest &request, const QDateTime &now) const
{
    const auto check = tokens().checkAccessToken(SandboxHttp::bearerToken(request), now);
    return check.state == OAuthTokenService::AccessState::Valid ? check.tenant : QString();
}

std::optional<HttpServerResponse> AccountEmulator::admit(bool authenticated,
                                                         const std::function<HttpServerResponse()> &refusal)
{
    countApiRequest();
    if (!authenticated)
        return refusal();
    return takeInjectedFailure();
}

FieldKind AccountEmulator::kindFromType(const QString &type)
{
    const QString word = type.toLower();
    for (const char *number : {"number", "integer", "int", "decimal", "double", "float", "currency", "monetary"}) {
        if (word == QLatin1String(number))
            return FieldKind::Number;
    }
    for (const char *flag : {"bool", "boolean", "checkbox", "true_false"}) {
        if (word == QLatin1String(flag))
            return FieldKind::Bool;
    }
    for (const char *pick : {"picklist", "enum", "select", "option", "single_select", "dropdown", "choice", "tagger"}) {
        if (word == QLatin1String(pick))
            return FieldKind::Picklist;
    }
    if (word == QLatin1String("date") || word == QLatin1String("datepicker"))
        return FieldKind::Date;
    if (word == QLatin1String("datetime") || word == QLatin1String("glide_date_time") ||
        word == QLatin1String("date_time"))
        return FieldKind::DateTime;
    return FieldKind::Text;
}

QJsonObject AccountEmulator::tenantJson(const QString &tenant) const
{
    const SandboxAccountCredentials credentials = *this->credentials(tenant);
    QJsonObject json{{QStringLiteral("name"), tenant},
                     {QStringLiteral("url"), credentials.url},
                     {QStringLiteral("apiKey"), credentials.apiKey},
                     {QStringLiteral("clientId"), credentials.clientId},
                     {QStringLiteral("clientSecret"), credentials.clientSecret},
                     {QStringLiteral("accessToken"), credentials.accessToken},
                     {QStringLiteral("refreshToken"), credentials.refreshToken},
                     {QStringLiteral("expiresIn"), credentials.expiresIn},
                     {QStringLiteral("webhookSecret"), credentials.webhookSecret},
                     {QStringLiteral("tokenRefreshCount"), tokenRefreshCount(tenant)}};
    const SandboxAccount *found = findAccount(tenant);
    for (const QString &object : found->objects())
        json.insert(object, found->table(object)->count(false));
    decorateTenantJson(tenant, json);
    return json;
}

QString AccountEmulator::addTenantFromControl(const QJsonObject &body)
{
    const QString name = body.value(QStringLiteral("name")).toString();
    if (!name.isEmpty())
        addAccount(name, body.value(QStringLiteral("records")).toInt(100),
                   static_cast<quint32>(body.value(QStringLiteral("seed")).toInteger(1)));
    return name;
}

QStringList AccountEmulator::touchFromControl(const QString &tenant, const QJsonObject &body)
{
    return touchRecords(tenant, objectOf(*findAccount(tenant), body), body.value(QStringLiteral("count")).toInt(1));
}

bool AccountEmulator::addCustomFieldFromControl(const QString &tenant, const QJsonObject &body)
{
    const QString label = body.value(QStringLiteral("label")).toString(body.value(QStringLiteral("name")).toString());
    return !label.isEmpty() && !addCustomField(tenant, objectOf(*findAccount(tenant), body), label,
                                               kindFromType(body.value(QStringLiteral("type")).toString()))
                                    .isEmpty();
}

bool AccountEmulator::deleteFromControl(const QString &tenant, const QString &object, const QString &id)
{
    return deleteRecord(tenant, object, id);
}

bool AccountEmulator::sendWebhookFromControl(const QString &tenant, const QJsonObject &body)
{
    const SandboxAccount &found = *findAccount(tenant);
    const QString object = objectOf(found, body);
    QString id = body.value(QStringLiteral("id")).toVariant().toString();
    if (id.isEmpty() && found.table(object) && !found.table(object)->records().empty())
        id = found.table(object)->records().front().id;
    return sendWebhook(tenant, QUrl(body.value(QStringLiteral("url")).toString()), object, id);
}

} // namespace patchbay::sandbox

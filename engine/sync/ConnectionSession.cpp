#include "ConnectionSession.h"

#include "http/RequestObserver.h"
#include "auth/CredentialVault.h"
#include "auth/TokenRefresher.h"
#include "catalog/OriginOverrides.h"
#include "catalog/TemplateText.h"
#include "core/Clock.h"
#include "http/RateLimitHold.h"
#include "http/RequestBudget.h"
#include "http/RequestRunner.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QMap>
#include <QScopeGuard>
#include <QSysInfo>
#include <QUuid>
#include <QMutex>
#include <QUrlQuery>

#include <memory>

namespace patchbay {

namespace {

// One mutex per connection for the whole process: the single-flight of token refresh.
QMutex &refreshMutexFor(qint64 connectionId)
{
    static QMutex registryMutex;
    static QMap<qint64, std::shared_ptr<QMutex>> registry;
    QMutexLocker lock(&registryMutex);
    auto &slot = registry[connectionId];
    if (!slot)
        slot = std::make_shared<QMutex>();
    return *slot;
}

} // namespace

ConnectionSession::ConnectionSession(Store &store, const CredentialVault &vault, const ProviderDefinition &definition,
                                     Connection connection, RequestRunner &runner, RequestObserver &journal,
                                     Clock &clock)
    : m_store(store), m_vault(vault), m_definition(definition), m_connection(std::move(connection)), m_runner(runner),
      m_journal(journal), m_clock(clock)
{
    const RateLimitSpec &limits = definition.rateLimit;
    // The account a budget or window counts is named by the connection's config; connections that name the same
    // one share its budget and its holds. Without a key, the connection is its own account. Both are scoped to the
    // database: its connections run on one clock (a budget's times mean nothing on another), and connection ids are
    // unique within it only.
    const auto account = [&](const QString &keyTemplate) {
        auto rendered =
            keyTemplate.isEmpty() ? Result<QString>(QString()) : TemplateText::render(keyTemplate, bindings());
        const bool named = rendered && !rendered->isEmpty();
        const QString scope = m_store.path() + QLatin1Char('|') + definition.name + QLatin1Char('|');
        return std::pair{named ? scope + rendered.value() : scope + QStringLiteral("connection %1").arg(m_connection.id),
                         named ? QStringLiteral("%1 account %2").arg(definition.displayName, rendered.value())
                               : QStringLiteral("connection %1").arg(m_connection.id)};
    };
    for (const BudgetSpec &budget : limits.budgets) {
        const auto [key, name] = account(budget.key);
        m_runner.addBudget(RequestBudget::shared(key, budget.requests, std::chrono::seconds(budget.perSeconds)), name);
    }
    for (qsizetype i = 0; i < limits.windows.size(); ++i) {
        const RemainingWindow &window = limits.windows.at(i);
        const auto [key, name] = account(window.key);
        m_runner.setWindowHold(i, RateLimitHold::shared(key, window.remainingHeader), name);
    }
}

QUrl ConnectionSession::resolve(const QString &url) const
{
    return OriginOverrides::apply(m_connection.config, url, bindings());
}

jsonata::Bindings ConnectionSession::bindings() const
{
    jsonata::Bindings bindings;
    bindings.set("connection", jsonata::Value::fromQJsonValue(m_connection.config));
    QJsonObject credential;
    if (m_credential) {
        credential.insert(QStringLiteral("client_id"), m_credential->clientId);
        // Templates may put the API key where a provider wants it (a basic password); rendered
        // values are redacted like every other secret.
        credential.insert(QStringLiteral("api_key"), QString::fromUtf8(m_credential->apiKey.reveal()));
    }
    bindings.set("credential", jsonata::Value::fromQJsonValue(credential));
    bindings.set("now", jsonata::Value::string(m_clock.now().toString(Qt::ISODateWithMs).toStdString()));
    return bindings;
}

Result<QString> ConnectionSession::baseUrl(const jsonata::Bindings &bindings) const
{
    auto base = TemplateText::renderUrl(m_definition.baseUrl, bindings);
    if (!base)
        return base.error();
    QString url = base.value();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

QUrl ConnectionSession::onBaseOrigin(const QString &baseUrl, const QString &target) const
{
    if (target.startsWith(QLatin1String("http://")) || target.startsWith(QLatin1String("https://")))
        return resolve(target);
    // A link that is already rooted at the base URL's path (Salesforce's nextRecordsUrl) is taken on its origin.
    const QUrl parsedBase(baseUrl);
    if (!parsedBase.path().isEmpty() && parsedBase.path() != QLatin1String("/") && target.startsWith(parsedBase.path()))
        return resolve(parsedBase.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString() + target);
    return resolve(baseUrl + target);
}

Result<QUrl> ConnectionSession::apiUrl(const QString &path, const jsonata::Bindings &bindings) const
{
    auto renderedPath = TemplateText::renderUrl(path, bindings);
    if (!renderedPath)
        return renderedPath.error();
    auto base = baseUrl(bindings);
    if (!base)
        return base.error();
    return onBaseOrigin(base.value(), renderedPath.value());
}

Result<QUrl> ConnectionSession::linkUrl(const QString &link) const
{
    auto base = baseUrl(bindings());
    if (!base)
        return base.error();
    return onBaseOrigin(base.value(), link);
}

Result<QUrl> ConnectionSession::urlBelowBase(const QString &encodedPath, const QString &encodedQuery) const
{
    auto base = baseUrl(bindings());
    if (!base)
        return base.error();
    const QUrl baseUrl = resolve(base.value());
    QUrl url = QUrl(baseUrl.toString(QUrl::FullyEncoded) + QLatin1Char('/') + encodedPath, QUrl::StrictMode);
    if (!encodedQuery.isEmpty())
        url.setQuery(encodedQuery, QUrl::StrictMode);
    // Whatever the path held, the URL must still be on the base URL's origin and below its path.
    const QString basePath = baseUrl.path(QUrl::FullyEncoded);
    if (!url.isValid() || OriginOverrides::originKey(url) != OriginOverrides::originKey(baseUrl)
        || !url.path(QUrl::FullyEncoded).startsWith(basePath + QLatin1Char('/'))) {
        return makeError("request.bad_proxy_path",
                         QStringLiteral("The path does not name a place below %1's API.").arg(m_definition.displayName));
    }
    return url;
}

Result<QString> ConnectionSession::apiOrigin() const
{
    auto base = baseUrl(bindings());
    if (!base)
        return base.error();
    const QUrl url = resolve(base.value());
    if (!url.isValid() || url.host().isEmpty()) {
        return makeError("http.no_origin", QStringLiteral("The %1 base URL '%2' names no host; check the connection's "
                                                          "config")
                                               .arg(m_definition.displayName, m_definition.baseUrl));
    }
    return OriginOverrides::originKey(url);
}

Result<void> ConnectionSession::checkOrigin(const QUrl &url) const
{
    auto allowed = apiOrigin();
    if (!allowed)
        return allowed.error();
    if (OriginOverrides::originKey(url) == allowed.value())
        return {};
    // Like a browser's same-origin rule: a link in an answer must not carry the connection's credentials elsewhere.
    const auto originText = [](const QUrl &of) {
        return of.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo)
            .toString();
    };
    return makeError("http.foreign_origin",
                     QStringLiteral("Refused to send the connection's credentials to %1: %2's API is at %3 (from the "
                                    "definition's base URL and the connection's config), and a link in its answer "
                                    "(a next page) or a request named another origin. Nothing was sent there.")
                         .arg(originText(url), m_definition.displayName, originText(QUrl(allowed.value()))));
}

Result<void> ConnectionSession::saveCaptured(const QJsonObject &captured)
{
    if (captured.isEmpty())
        return {};
    QJsonObject config = m_connection.config;
    for (auto it = captured.begin(); it != captured.end(); ++it)
        config.insert(it.key(), it.value());
    if (auto saved = m_store.tenants().setConnectionConfig(m_connection.id, config); !saved)
        return saved;
    m_connection.config = config;
    m_journal.recordEvent(EventLevel::Info, QStringLiteral("Connection config updated from the token response: %1")
                                                .arg(captured.keys().join(QStringLiteral(", "))));
    return {};
}

Result<Credential> ConnectionSession::credential(bool forceRefresh)
{
    QMutexLocker lock(&refreshMutexFor(m_connection.id));
    // Read the stored credential under the lock: another execution may have just refreshed it.
    auto stored = m_store.credentials().credential(m_connection.id);
    if (!stored)
        return stored.error();
    auto opened = m_vault.open(m_connection.id, stored->sealed);
    if (!opened)
        return opened.error();
    Credential current = std::move(opened).value();
    m_runner.redactor().addSecret(current.accessToken);
    m_runner.redactor().addSecret(current.refreshToken);
    m_runner.redactor().addSecret(current.apiKey);
    m_runner.redactor().addSecret(current.clientSecret);
    m_runner.redactor().addSecret(current.webhookSecret);

    const bool oauth = m_definition.auth.type == QLatin1String("oauth2");
    // An app-only connection (client credentials) starts with no token at all.
    const bool expiring = (current.expiresAt.isValid()
                           && m_clock.now().secsTo(current.expiresAt) <= m_definition.auth.refreshMarginSeconds)
                          || (current.accessToken.isEmpty()
                              && m_definition.auth.grant == QLatin1String("client_credentials"));
    // A 401 to a token that another execution has replaced since is answered by using the new one.
    const bool replacedSince = forceRefresh && m_credential && !(m_credential->accessToken == current.accessToken);
    if (oauth && replacedSince) {
        m_journal.recordEvent(EventLevel::Info,
                              QStringLiteral("Another execution refreshed the access token meanwhile; using it"));
    } else if (oauth && (forceRefresh || expiring)) {
        // Processes sharing the database (patchbayd workers, the console) take a lease, so one of them refreshes
        // and the others use its result.
        auto leased = leaseOrUseTheirs(stored.value(), &current);
        if (!leased)
            return leased.error();
        if (!leased.value()) {
            m_credential = current;
            return current;
        }
        const auto release =
            qScopeGuard([&] { (void)m_store.credentials().releaseRefreshLease(m_connection.id, leaseHolder()); });
        if (forceRefresh) {
            m_journal.recordEvent(EventLevel::Info, QStringLiteral("Refreshing the access token"));
        } else if (!current.expiresAt.isValid()) {
            // An app-only connection before its first token: there is no expiry to name.
            m_journal.recordEvent(EventLevel::Info,
                                  QStringLiteral("No access token yet; asking for one with the client credentials"));
        } else {
            m_journal.recordEvent(
                EventLevel::Info,
                QStringLiteral("Access token %1 at %2; refreshing it first")
                    .arg(m_clock.now() >= current.expiresAt ? QStringLiteral("expired") : QStringLiteral("expires"),
                         current.expiresAt.toUTC().toString(Qt::ISODate)));
        }
        auto refreshed = refreshLocked(current);
        if (!refreshed)
            return refreshed.error();
        current = std::move(refreshed).value();
    }
    m_credential = current;
    return current;
}

QString ConnectionSession::leaseHolder()
{
    static const QString holder = QStringLiteral("%1@%2:%3")
                                      .arg(QCoreApplication::applicationPid())
                                      .arg(QSysInfo::machineHostName(),
                                           QUuid::createUuid().toString(QUuid::WithoutBraces).left(8));
    return holder;
}

Result<bool> ConnectionSession::leaseOrUseTheirs(const StoredCredential &seen, Credential *current)
{
    constexpr int kLeaseSeconds = 60;
    constexpr std::chrono::milliseconds kPoll(250);
    const QDateTime giveUpAt = m_clock.now().addSecs(2 * kLeaseSeconds);
    bool told = false;
    for (;;) {
        const QDateTime now = m_clock.now();
        auto taken =
            m_store.credentials().takeRefreshLease(m_connection.id, leaseHolder(), now.addSecs(kLeaseSeconds), now);
        if (!taken)
            return taken.error();
        // Whether it got the lease or waited for it, what is stored now may be another process's fresh token.
        auto stored = m_store.credentials().credential(m_connection.id);
        if (!stored)
            return stored.error();
        if (stored->sealed != seen.sealed) {
            if (taken.value())
                (void)m_store.credentials().releaseRefreshLease(m_connection.id, leaseHolder());
            auto opened = m_vault.open(m_connection.id, stored->sealed);
            if (!opened)
                return opened.error();
            *current = std::move(opened).value();
            m_runner.redactor().addSecret(current->accessToken);
            m_runner.redactor().addSecret(current->refreshToken);
            m_journal.recordEvent(EventLevel::Info,
                                  QStringLiteral("Another Patchbay process refreshed the access token; using it"));
            return false;
        }
        if (taken.value())
            return true;
        if (!told) {
            told = true;
            m_journal.recordEvent(EventLevel::Info, QStringLiteral("Another Patchbay process is refreshing this "
                                                                   "connection's access token; waiting for it"));
        }
        if (now >= giveUpAt) {
            return makeError("auth.refresh_busy",
                             QStringLiteral("Another process has held this connection's token refresh for over %1 s; "
                                            "try again later")
                                 .arg(2 * kLeaseSeconds));
        }
        m_clock.sleep(kPoll);
    }
}

Result<Credential> ConnectionSession::refreshLocked(const Credential &current)
{
    TokenRefresher refresher(m_definition, m_runner, m_clock);
    auto tokenUrl = TemplateText::renderUrl(m_definition.auth.tokenUrl, bindings());
    if (!tokenUrl)
        return tokenUrl.error();
    QJsonObject captured;
    auto refreshed = refresher.refresh(current, resolve(tokenUrl.value()), &captured);
    if (!refreshed) {
        m_journal.tokenRefreshFailed(refreshed.error().code);
        if (refreshed.error().code == QLatin1String("auth.revoked")) {
            const auto marked = m_store.tenants().setConnectionStatus(m_connection.id, ConnectionStatus::NeedsReauth,
                                                                      refreshed.error().message);
            m_journal.recordEvent(EventLevel::Error,
                                  marked ? QStringLiteral("Connection marked as needing re-authorisation")
                                         : QStringLiteral("Could not mark the connection as needing "
                                                          "re-authorisation: %1").arg(marked.error().message));
        }
        return refreshed.error();
    }
    auto sealed = m_vault.seal(m_connection.id, refreshed.value());
    if (!sealed)
        return sealed.error();
    StoredCredential row{m_connection.id, sealed.value(), refreshed->expiresAt, m_clock.now(), {}};
    if (auto saved = m_store.credentials().saveCredential(m_connection.id, row); !saved)
        return saved.error();
    if (auto saved = saveCaptured(captured); !saved)
        return saved.error();
    if (m_connection.status == ConnectionStatus::NeedsReauth) {
        if (auto reactivated =
                m_store.tenants().setConnectionStatus(m_connection.id, ConnectionStatus::Active, QString());
            reactivated)
            m_connection.status = ConnectionStatus::Active;
    }
    m_journal.recordEvent(EventLevel::Info,
                          refreshed->expiresAt.isValid()
                              ? QStringLiteral("Access token refreshed; valid until %1")
                                    .arg(refreshed->expiresAt.toString(Qt::ISODate))
                              : QStringLiteral("Access token refreshed; the provider gave no lifetime"),
                          {{QStringLiteral("rotatedRefreshToken"),
                            !(refreshed->refreshToken == current.refreshToken)}});
    return refreshed;
}

Result<void> ConnectionSession::authorize(HttpRequest &request)
{
    if (!m_credential) {
        auto loaded = credential();
        if (!loaded)
            return loaded.error();
    }
    const AuthSpec &auth = m_definition.auth;
    if (auth.type == QLatin1String("oauth2")) {
        request.setHeader("Authorization", "Bearer " + m_credential->accessToken.reveal());
    } else if (auth.type == QLatin1String("bearer")) {
        // A static token is what users call an API key (Stripe's secret key): taken from either field.
        const SecretBytes &token =
            m_credential->accessToken.isEmpty() ? m_credential->apiKey : m_credential->accessToken;
        request.setHeader("Authorization", "Bearer " + token.reveal());
    } else if (auth.type == QLatin1String("api-key")) {
        const QByteArray value = auth.apiKeyPrefix.toUtf8() + m_credential->apiKey.reveal();
        if (auth.apiKeyIn == QLatin1String("query")) {
            QUrlQuery query(request.url);
            query.addQueryItem(auth.apiKeyName, QString::fromUtf8(value));
            request.url.setQuery(query);
        } else {
            request.setHeader(auth.apiKeyName.toLatin1(), value);
        }
    } else if (auth.type == QLatin1String("basic")) {
        const jsonata::Bindings values = bindings();
        auto user = auth.basicUsername.isEmpty() ? Result<QString>(QString::fromUtf8(m_credential->apiKey.reveal()))
                                                 : TemplateText::render(auth.basicUsername, values);
        auto password = TemplateText::render(auth.basicPassword, values);
        if (!user)
            return user.error();
        if (!password)
            return password.error();
        request.setHeader("Authorization", "Basic " + (user->toUtf8() + ':' + password->toUtf8()).toBase64());
    }
    return {};
}

Result<HttpResponse> ConnectionSession::send(HttpRequest request)
{
    const HttpRequest unsigned_ = request;
    for (bool refreshed = false;;) {
        // Checked on every attempt: a refresh may capture a new instance URL.
        if (auto allowed = checkOrigin(unsigned_.url); !allowed)
            return allowed.error();
        request = unsigned_;
        if (auto authorized = authorize(request); !authorized)
            return authorized.error();
        auto sent = m_runner.send(request);
        if (!sent)
            return sent.error();
        if (sent->status == 401 && !refreshed && m_definition.auth.type == QLatin1String("oauth2")) {
            m_journal.recordEvent(EventLevel::Warning,
                                  QStringLiteral("The provider rejected the access token (HTTP 401); refreshing it "
                                                 "and sending the request again"));
            refreshed = true;
            if (auto again = credential(true); !again)
                return again.error();
            continue;
        }
        if (sent->status == 401 && m_definition.auth.type != QLatin1String("oauth2")) {
            // A key, a static token or a password the provider refuses cannot be refreshed: someone has to enter a
            // new one. The connection says so until then, and no execution spends requests on it.
            const ProviderError error = providerErrorFrom(m_definition.errors, sent->body);
            const QString message = QStringLiteral("%1 refused the connection's %2 (HTTP 401%3); enter a new one")
                                         .arg(m_definition.displayName,
                                              m_definition.auth.type == QLatin1String("basic") ? QStringLiteral("credentials")
                                              : m_definition.auth.type == QLatin1String("bearer") ? QStringLiteral("token")
                                                                                                 : QStringLiteral("API key"),
                                              error.message.isEmpty() ? QString() : QStringLiteral(": ") + error.message);
            if (auto marked =
                    m_store.tenants().setConnectionStatus(m_connection.id, ConnectionStatus::NeedsReauth, message);
                !marked)
                return marked.error();
            m_journal.recordEvent(EventLevel::Error, QStringLiteral("Connection marked as needing re-authorisation"));
            return makeError("auth.revoked", message);
        }
        return sent;
    }
}

} // namespace patchbay

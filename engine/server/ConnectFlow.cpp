#include "ConnectFlow.h"

#include "auth/CredentialVault.h"
#include "core/Clock.h"
#include "core/Executions.h"
#include "core/Logging.h"
#include "ops/LocalOps.h"
#include "server/ApiResponse.h"
#include "server/ApiRouter.h"
#include "server/ServerContext.h"
#include "store/sqlite/SqliteStore.h"
#include "sync/SyncService.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QPointer>
#include <QRandomGenerator>
#include <QUrlQuery>

namespace patchbay {

namespace {

constexpr auto kEncoding = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QString randomId()
{
    QByteArray bytes(18, Qt::Uninitialized);
    for (char &c : bytes)
        c = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(bytes.toBase64(kEncoding));
}

// Compares in time independent of where the inputs differ, so a forger learns nothing from timing.
bool sameBytes(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

bool isWebUrl(const QUrl &url)
{
    return url.isValid() && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
           && !url.host().isEmpty();
}

} // namespace

// What a link or a callback came to, for the page and for a JSON client alike.
struct ConnectFlow::Outcome
{
    int status = 200;
    QString code;       // empty: success
    QString title;      // the page's heading
    QString message;    // what happened and what to do
    QUrl forwardTo;     // the product's page to continue on, when the session has one
    QJsonObject result; // success, for a JSON client
};

ConnectFlow::ConnectFlow(QString databasePath, SyncService &sync, SecretBytes signingKey, Settings settings,
                         Clock &clock)
    : m_databasePath(std::move(databasePath)), m_sync(sync), m_signingKey(std::move(signingKey)),
      m_settings(std::move(settings)), m_clock(clock)
{
}

std::shared_ptr<ConnectFlow> ConnectFlow::forServer(ServerContext &context)
{
    Settings settings;
    settings.publicBaseUrl = context.publicBaseUrl();
    settings.sessionMinutes = context.config().connectSessionMinutes;
    settings.providers = context.config().providers;
    // On the server's thread, where the ops API lives; not at all once the server is gone.
    settings.reauthorized = [receiver = QPointer<QObject>(context.receiver()), &context](qint64 connectionId) {
        if (!receiver)
            return;
        QMetaObject::invokeMethod(receiver.data(), [&context, connectionId] {
            if (LocalOps *ops = context.ops())
                ops->syncNow(connectionId);
        });
    };
    SyncService &sync = *context.sync();
    return std::make_shared<ConnectFlow>(context.config().databasePath, sync, signingKeyFrom(sync.vault()),
                                         std::move(settings), context.clock());
}

SecretBytes ConnectFlow::signingKeyFrom(const CredentialVault &vault)
{
    return vault.derivedKey("patchbay connect-session links v1");
}

QByteArray ConnectFlow::sign(const QByteArray &payload) const
{
    return QMessageAuthenticationCode::hash(payload, m_signingKey.reveal(), QCryptographicHash::Sha256)
        .toBase64(kEncoding);
}

QUrl ConnectFlow::callbackUrl(const QUrl &publicBaseUrl)
{
    QUrl uri = publicBaseUrl;
    QString path = uri.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    uri.setPath(path + QStringLiteral("/oauth/callback"));
    return uri;
}

bool ConnectFlow::wantsJson(const HttpServerRequest &request)
{
    return request.header("accept").contains("application/json");
}

// Whether this server can have a customer authorise the provider in a browser.
Result<void> ConnectFlow::checkProvider(const QString &provider) const
{
    const ProviderDefinition *definition = m_sync.catalog().find(provider);
    if (!definition)
        return makeError("connect.unknown_provider", QStringLiteral("There is no provider '%1'.").arg(provider));
    if (definition->auth.type != QLatin1String("oauth2") || definition->auth.grant != QLatin1String("authorization_code"))
        return makeError("connect.not_oauth", QStringLiteral("%1 connections are not authorised in a browser; create "
                                                             "the connection with its credential instead.")
                                                  .arg(definition->displayName));
    if (m_settings.providers.value(provider).clientId.isEmpty())
        return makeError("connect.no_app", QStringLiteral("patchbayd has no OAuth app for %1: set providers.%2.clientId "
                                                          "and its secret in the server's configuration.")
                                               .arg(definition->displayName, provider));
    return {};
}

Result<ConnectSessionLink> ConnectFlow::createSession(qint64 tenantId, const QString &provider,
                                                      const QString &integration, const QString &redirectUrl,
                                                      const ApiCaller *creator)
{
    if (auto usable = checkProvider(provider); !usable)
        return usable.error();
    if (!integration.isEmpty()) {
        const IntegrationDefinition *found = m_sync.integrations().find(integration);
        if (!found || found->provider != provider)
            return makeError("connect.unknown_integration",
                             QStringLiteral("There is no integration '%1' for %2.").arg(integration, provider));
    }
    if (!redirectUrl.isEmpty() && !isWebUrl(QUrl(redirectUrl, QUrl::StrictMode)))
        return makeError("connect.bad_redirect",
                         QStringLiteral("redirectUrl must be an absolute http:// or https:// URL."));

    ConnectSession session;
    session.tenantId = tenantId;
    session.provider = provider;
    session.integration = integration;
    session.redirectUrl = redirectUrl;
    return issue(std::move(session), creator);
}

Result<ConnectSessionLink> ConnectFlow::createReauthorizationSession(qint64 connectionId, const ApiCaller *creator)
{
    auto store = SqliteStore::open(m_databasePath, m_clock);
    if (!store)
        return store.error();
    auto connection = store.value()->tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    if (auto usable = checkProvider(connection->provider); !usable)
        return usable.error();
    ConnectSession session;
    session.tenantId = connection->tenantId;
    session.provider = connection->provider;
    session.integration = connection->integration;
    session.reauthorizes = connectionId;
    return issue(std::move(session), creator);
}

// Keeps the session, with its id, creator and expiry, and signs its link.
Result<ConnectSessionLink> ConnectFlow::issue(ConnectSession session, const ApiCaller *creator)
{
    session.id = randomId();
    if (creator) {
        session.creatorKeyId = creator->keyId;
        session.creatorKeyName = creator->keyName;
        session.creatorRole = apiRoleName(creator->role);
    }
    // Whole seconds: the expiry travels in the link, and the store keeps what the link says.
    session.expiresAt = QDateTime::fromSecsSinceEpoch(
        m_clock.now().addSecs(qint64(m_settings.sessionMinutes) * 60).toSecsSinceEpoch(), Qt::UTC);
    auto store = SqliteStore::open(m_databasePath, m_clock);
    if (!store)
        return store.error();
    if (auto added = store.value()->credentials().addConnectSession(session); !added)
        return added.error();

    const QByteArray payload =
        QJsonDocument(QJsonObject{{QStringLiteral("s"), session.id},
                                  {QStringLiteral("e"), session.expiresAt.toSecsSinceEpoch()}})
            .toJson(QJsonDocument::Compact)
            .toBase64(kEncoding);
    QUrl url = m_settings.publicBaseUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/connect/") + QString::fromLatin1(payload + '.' + sign(payload)));
    return ConnectSessionLink{session.id, url, session.expiresAt};
}

// The session a link names, when its signature is ours and it has not expired.
Result<QString> ConnectFlow::verifiedSessionId(const QString &token) const
{
    const QStringList parts = token.split(QLatin1Char('.'));
    const Error bad = makeError("connect.bad_link", QStringLiteral("This connect link is not valid. Ask the "
                                                                   "application that sent you here for a new one."));
    if (parts.size() != 2 || !sameBytes(sign(parts.at(0).toLatin1()), parts.at(1).toLatin1()))
        return bad;
    const QJsonObject payload =
        QJsonDocument::fromJson(QByteArray::fromBase64(parts.at(0).toLatin1(), kEncoding)).object();
    const QString id = payload.value(QStringLiteral("s")).toString();
    if (id.isEmpty())
        return bad;
    const QDateTime expiresAt =
        QDateTime::fromSecsSinceEpoch(payload.value(QStringLiteral("e")).toInteger(), Qt::UTC);
    if (expiresAt < m_clock.now())
        return makeError("connect.link_expired",
                         QStringLiteral("This connect link expired at %1. Go back to the application that sent you "
                                        "here and start connecting again; it will give you a new link.")
                             .arg(expiresAt.toString(Qt::ISODate)));
    return id;
}

// Creates the session's pending connection, seeds its credential with the server's OAuth app and starts the
// provider's authorization; returns where to send the browser. Nothing of it is kept when a step fails.
Result<QUrl> ConnectFlow::startAuthorization(Store &store, const ConnectSession &session)
{
    const ProviderDefinition *definition = m_sync.catalog().find(session.provider);
    const ProviderSettings app = m_settings.providers.value(session.provider);
    if (!definition || app.clientId.isEmpty())
        return makeError("connect.no_app", QStringLiteral("patchbayd no longer connects %1.").arg(session.provider));
    Connection connection;
    connection.tenantId = session.tenantId;
    connection.provider = session.provider;
    connection.displayName = definition->displayName;
    connection.integration = session.integration;
    connection.status = ConnectionStatus::NeedsReauth;
    connection.statusMessage = QStringLiteral("Waiting for the customer to authorise the connection");
    if (!app.originOverrides.isEmpty())
        connection.config.insert(QStringLiteral("originOverrides"), app.originOverrides);
    auto created = store.tenants().createConnection(connection);
    if (!created)
        return created.error();
    const qint64 connectionId = created.value();
    const auto started = [&]() -> Result<QUrl> {
        if (auto status = store.tenants().setConnectionStatus(connectionId, connection.status, connection.statusMessage);
            !status)
            return status.error();
        Credential client;
        client.clientId = app.clientId;
        client.clientSecret = app.clientSecret;
        auto sealed = m_sync.vault().seal(connectionId, client);
        if (!sealed)
            return sealed.error();
        if (auto saved = store.credentials().saveCredential(connectionId, {connectionId, sealed.value(), {}, {}, {}});
            !saved)
            return saved.error();
        auto start = m_sync.beginAuthorization(connectionId, callbackUrl(m_settings.publicBaseUrl));
        if (!start)
            return start.error();
        if (auto noted = store.credentials().setConnectSessionAuthorization(session.id, connectionId, start->state);
            !noted)
            return noted.error();
        return start->url;
    }();
    if (!started)
        (void)store.tenants().deleteConnection(connectionId);
    return started;
}

// Starts authorising the session's existing connection again, with the credential it has (its OAuth app kept).
Result<QUrl> ConnectFlow::startReauthorization(Store &store, const ConnectSession &session)
{
    auto connection = store.tenants().connection(session.reauthorizes);
    if (!connection)
        return makeError("connect.no_connection", QStringLiteral("The connection this link was for no longer exists."));
    auto start = m_sync.beginAuthorization(session.reauthorizes, callbackUrl(m_settings.publicBaseUrl));
    if (!start)
        return start.error();
    if (auto noted = store.credentials().setConnectSessionAuthorization(session.id, session.reauthorizes, start->state);
        !noted)
        return noted.error();
    return start->url;
}

HttpServerResponse ConnectFlow::openLink(const QString &token, bool wantsJson)
{
    Outcome outcome;
    outcome.title = QStringLiteral("Connect");
    auto id = verifiedSessionId(token);
    if (!id) {
        outcome.code = id.error().code;
        outcome.status = outcome.code == QLatin1String("connect.link_expired") ? 410 : 404;
        outcome.title = outcome.status == 410 ? QStringLiteral("This link has expired")
                                              : QStringLiteral("This link is not valid");
        outcome.message = id.error().message;
        return answer(outcome, wantsJson);
    }
    auto store = SqliteStore::open(m_databasePath, m_clock);
    auto session = store ? store.value()->credentials().openConnectSession(id.value())
                         : Result<std::optional<ConnectSession>>(store.error());
    if (session && !session.value()) {
        outcome.status = 409;
        outcome.code = QStringLiteral("connect.link_used");
        outcome.title = QStringLiteral("This link was already used");
        outcome.message = QStringLiteral("A connect link works once. Go back to the application that sent you here "
                                         "and start connecting again.");
        return answer(outcome, wantsJson);
    }
    auto location = !session                            ? Result<QUrl>(session.error())
                    : session.value()->reauthorizes != 0 ? startReauthorization(*store.value(), *session.value())
                                                         : startAuthorization(*store.value(), *session.value());
    if (!location) {
        outcome.status = 500;
        outcome.code = QStringLiteral("connect.failed");
        outcome.title = QStringLiteral("The connection could not be started");
        outcome.message = location.error().message;
        return answer(outcome, wantsJson);
    }
    HttpServerResponse response;
    response.status = 302;
    response.withHeader("Location", location->toEncoded());
    response.withHeader("Cache-Control", "no-store");
    return response;
}

HttpServerResponse ConnectFlow::callback(const QUrlQuery &query, bool wantsJson)
{
    const QString state = query.queryItemValue(QStringLiteral("state"), QUrl::FullyDecoded);
    const QString code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
    const QString refusal = query.queryItemValue(QStringLiteral("error"), QUrl::FullyDecoded);
    Outcome outcome;
    std::optional<ConnectSession> session;
    if (!state.isEmpty()) {
        if (auto store = SqliteStore::open(m_databasePath, m_clock))
            session = store.value()->credentials().connectSessionByState(state);
    }
    const QString providerName = session ? session->provider : QString();
    const ProviderDefinition *definition = m_sync.catalog().find(providerName);
    const QString displayName = definition ? definition->displayName : QStringLiteral("the provider");
    if (session && !session->redirectUrl.isEmpty()) {
        outcome.forwardTo = QUrl(session->redirectUrl);
        QUrlQuery forward(outcome.forwardTo);
        forward.addQueryItem(QStringLiteral("connectSession"), session->id);
        outcome.forwardTo.setQuery(forward);
    }

    // The state is taken (used up) whatever happens, so a refused or failed authorization cannot be finished later.
    auto execution = m_sync.completeAuthorization(state, refusal.isEmpty() ? code : QString(), {},
                                                  query.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded));
    const bool unknownState = !execution && execution.error().code == QLatin1String("auth.unknown_state");
    if (state.isEmpty() || unknownState) {
        outcome.status = 400;
        outcome.code = QStringLiteral("connect.bad_callback");
        outcome.title = QStringLiteral("This authorisation is not valid");
        outcome.message = QStringLiteral("This authorisation is unknown, already finished or older than 10 minutes. "
                                         "Go back to the application that sent you here and start connecting again.");
        outcome.forwardTo.clear(); // an unknown state names no session to go back to
        return answer(outcome, wantsJson);
    }
    const bool connected = execution && execution->status == ExecutionStatus::Succeeded;
    if (!connected) {
        outcome.status = 400;
        outcome.code = QStringLiteral("connect.refused");
        outcome.title = QStringLiteral("%1 did not connect").arg(displayName);
        QString reason = !refusal.isEmpty() ? refusal : execution ? execution->errorMessage : execution.error().message;
        const QString description = query.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
        if (!refusal.isEmpty() && !description.isEmpty())
            reason += QStringLiteral(": ") + description;
        outcome.message = QStringLiteral("%1 refused the connection (%2). Go back to the application that sent you "
                                         "here to try again.")
                              .arg(displayName, reason.left(500));
        // A connection this session created and never authorised is nobody's: it goes again (one it re-authorises
        // is the tenant's and stays).
        if (session && session->connectionId != 0 && session->reauthorizes == 0) {
            if (auto store = SqliteStore::open(m_databasePath, m_clock)) {
                auto connection = store.value()->tenants().connection(session->connectionId);
                if (connection && connection->status == ConnectionStatus::NeedsReauth)
                    (void)store.value()->tenants().deleteConnection(session->connectionId);
            }
        }
    } else {
        if (session)
            recordCompleted(*session);
        if ((!session || session->reauthorizes != 0) && m_settings.reauthorized)
            m_settings.reauthorized(execution->connectionId);
        outcome.title = QStringLiteral("Connected to %1").arg(displayName);
        outcome.message = QStringLiteral("%1 is connected. You can close this page.").arg(displayName);
        outcome.result = QJsonObject{{QStringLiteral("status"), QStringLiteral("connected")},
                                     {QStringLiteral("connection"), execution->connectionId},
                                     {QStringLiteral("provider"), providerName}};
    }
    if (!outcome.forwardTo.isEmpty()) {
        QUrlQuery forward(outcome.forwardTo);
        forward.addQueryItem(QStringLiteral("status"), connected ? QStringLiteral("connected") : QStringLiteral("refused"));
        if (connected)
            forward.addQueryItem(QStringLiteral("connection"), QString::number(execution->connectionId));
        outcome.forwardTo.setQuery(forward);
    }
    return answer(outcome, wantsJson);
}

// The session is complete (housekeeping leaves its connection alone) and what it did is audited (connection.create
// for a new connection, connection.reauthorize for one authorised again), with the product's key that asked for the
// link as the actor: the customer's browser has no key of its own.
void ConnectFlow::recordCompleted(const ConnectSession &session) const
{
    const bool again = session.reauthorizes != 0;
    auto store = SqliteStore::open(m_databasePath, m_clock);
    const auto recorded = store ? store.value()->inTransaction([&]() -> Result<void> {
        if (auto completed = store.value()->credentials().completeConnectSession(session.id); !completed)
            return completed;
        AuditEntry entry;
        entry.keyId = session.creatorKeyId;
        // A session made before creators were kept names no key.
        entry.keyName = session.creatorKeyName.isEmpty() ? QStringLiteral("connect session") : session.creatorKeyName;
        entry.role = session.creatorRole.isEmpty() ? QStringLiteral("unknown") : session.creatorRole;
        entry.action = again ? QStringLiteral("connection.reauthorize") : QStringLiteral("connection.create");
        entry.target = QStringLiteral("connection:%1").arg(session.connectionId);
        entry.tenantId = session.tenantId;
        QJsonObject after{{QStringLiteral("status"), ConnectionStatus::Active},
                          {QStringLiteral("connectSession"), session.id}};
        if (!again) {
            after.insert(QStringLiteral("id"), session.connectionId);
            after.insert(QStringLiteral("provider"), session.provider);
            after.insert(QStringLiteral("integration"), session.integration);
        }
        entry.after = after;
        if (auto audited = store.value()->audit().appendAudit(entry); !audited)
            return audited.error();
        return {};
    })
                                : Result<void>(store.error());
    if (!recorded)
        qCWarning(lcServer).noquote() << "cannot record the connection of connect session" << session.id << ":"
                                      << recorded.error().toString();
}

HttpServerResponse ConnectFlow::answer(const Outcome &outcome, bool wantsJson) const
{
    if (wantsJson) {
        if (!outcome.code.isEmpty())
            return ApiResponse::error(outcome.status, outcome.code, outcome.message);
        QJsonObject body = outcome.result;
        if (!outcome.forwardTo.isEmpty())
            body.insert(QStringLiteral("redirectUrl"), outcome.forwardTo.toString(QUrl::FullyEncoded));
        return HttpServerResponse::json(QJsonDocument(body).toJson(QJsonDocument::Compact), outcome.status);
    }
    const QString forward = outcome.forwardTo.toString(QUrl::FullyEncoded).toHtmlEscaped();
    QString page = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    if (!forward.isEmpty())
        page += QStringLiteral("<meta http-equiv=\"refresh\" content=\"3; url=%1\">\n").arg(forward);
    page += QStringLiteral("<title>%1</title>\n</head>\n<body>\n<h1>%1</h1>\n<p>%2</p>\n")
                .arg(outcome.title.toHtmlEscaped(), outcome.message.toHtmlEscaped());
    if (!forward.isEmpty())
        page += QStringLiteral("<p><a href=\"%1\">Continue</a></p>\n").arg(forward);
    page += QStringLiteral("</body>\n</html>\n");
    HttpServerResponse response;
    response.status = outcome.status;
    response.body = page.toUtf8();
    response.withHeader("Content-Type", "text/html;charset=utf-8");
    response.withHeader("Cache-Control", "no-store");
    response.withHeader("Content-Security-Policy", "default-src 'none'");
    return response;
}

} // namespace patchbay

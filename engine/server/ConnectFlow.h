#pragma once

#include "core/Authorization.h"
#include "core/Result.h"
#include "core/SecretBytes.h"
#include "server/DaemonConfig.h"
#include "server/HttpService.h"

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

namespace patchbay {

class Clock;
class ServerContext;
class CredentialVault;
class Store;
class SyncService;
struct ApiCaller;

// What a product gets for a connect session: the link to show its customer, and until when it works.
struct ConnectSessionLink
{
    QString id;
    QUrl url;
    QDateTime expiresAt;
};

// Connect sessions: how a product's customer connects an OAuth provider through patchbayd, without the product
// ever touching a token. In the order it happens:
//   createSession()  the product asks for a link (POST .../connect-sessions): a short-lived URL on the public base
//                    URL, /connect/<token>, whose token is the session id and expiry signed with HMAC-SHA256;
//   openLink()       the customer's browser opens it (GET /connect/<token>, no API key: the signed token is the
//                    authority, and works once): a pending connection is created (status needs_reauth, so nothing
//                    schedules it), its credential seeded with the server's OAuth app (DaemonConfig providers:),
//                    and the provider's authorization started (state + PKCE, redirect URI = public base URL +
//                    /oauth/callback); the answer redirects the browser to the provider;
//   callback()       the provider sends the browser back (GET /oauth/callback): the code is exchanged as an
//                    "authorize" execution (SyncService::completeAuthorization) and the answer is a small page that
//                    says what happened, forwarding to the session's redirectUrl (with ?connectSession=&status=
//                    &connection=) when there is one. A connection the provider refused is removed again; one it
//                    authorised is audited as connection.create by the session's creator. Connections of sessions
//                    abandoned half-way are removed by Housekeeping.
// A re-authorisation session (createReauthorizationSession) goes the same way for an existing connection: opening
// its link creates nothing and starts the authorisation of that connection; the callback authorises it again (same
// id, its history kept, active again), audited as connection.reauthorize by the session's creator. Whatever the
// provider answers, that connection is never removed. Every authorisation of an existing connection that the
// callback completes (such a link, or the ops API's re-authorisation) then calls Settings::reauthorized.
// The link and callback answer an HTML page, or the JSON error {"error":{"code","message"}} (and for success a JSON
// object) when the client asks for application/json. Error codes: connect.bad_link (404: forged or malformed),
// connect.link_expired (410), connect.link_used (409), connect.bad_callback (400: no or unknown state),
// connect.refused (400: the provider or the code exchange said no), connect.failed (500).
class ConnectFlow
{
public:
    struct Settings
    {
        QUrl publicBaseUrl;          // the links and the redirect URI are built on it
        int sessionMinutes = 15;
        QMap<QString, ProviderSettings> providers; // the OAuth apps (and origin overrides) by provider
        // Called (on the callback's thread) with an existing connection the provider authorised again, so that it
        // can catch up (patchbayd starts a sync); unset: nothing is done.
        std::function<void(qint64 connectionId)> reauthorized;
    };

    // databasePath: the store each call opens (like SyncService, so calls may run on any thread). signingKey signs
    // the links (see signingKeyFrom).
    ConnectFlow(QString databasePath, SyncService &sync, SecretBytes signingKey, Settings settings, Clock &clock);

    // The flow of a server (context.sync() must be set), with its public URL, session length and OAuth apps; a
    // connection authorised again starts a sync through context.ops().
    static std::shared_ptr<ConnectFlow> forServer(ServerContext &context);

    // The links' signing key, derived from the master key (CredentialVault::derivedKey), so that every process of
    // one deployment signs alike and nothing new has to be kept.
    static SecretBytes signingKeyFrom(const CredentialVault &vault);

    // A new session of the tenant for provider (and integration, when given). Refused: connect.unknown_provider
    // (404), connect.not_oauth (400: the provider is connected with an API key; create the connection instead),
    // connect.no_app (400: no OAuth app for it in the server's config), connect.unknown_integration (404),
    // connect.bad_redirect (400: redirectUrl not an absolute http(s) URL). creator, the API caller asking, is kept
    // with the session as the actor of the audit entry of the connection it makes.
    Result<ConnectSessionLink> createSession(qint64 tenantId, const QString &provider, const QString &integration,
                                             const QString &redirectUrl, const ApiCaller *creator = nullptr);

    // A session whose link authorises the existing connection again, for its customer. Refused: store.not_found
    // (no such connection), connect.not_oauth, connect.no_app (as createSession).
    Result<ConnectSessionLink> createReauthorizationSession(qint64 connectionId, const ApiCaller *creator = nullptr);

    HttpServerResponse openLink(const QString &token, bool wantsJson);
    HttpServerResponse callback(const QUrlQuery &query, bool wantsJson);

    // Whether a request prefers JSON to a page (its Accept header names application/json).
    static bool wantsJson(const HttpServerRequest &request);
    // Where providers send the browser back: publicBaseUrl + /oauth/callback (any path of the base kept, as behind
    // a reverse proxy). Every authorisation the server starts, from a connect session or a re-auth, uses it.
    static QUrl callbackUrl(const QUrl &publicBaseUrl);

private:
    struct Outcome;
    QByteArray sign(const QByteArray &payload) const;
    Result<QString> verifiedSessionId(const QString &token) const;
    Result<void> checkProvider(const QString &provider) const;
    Result<ConnectSessionLink> issue(ConnectSession session, const ApiCaller *creator);
    Result<QUrl> startAuthorization(Store &store, const ConnectSession &session);
    Result<QUrl> startReauthorization(Store &store, const ConnectSession &session);
    HttpServerResponse answer(const Outcome &outcome, bool wantsJson) const;
    void recordCompleted(const ConnectSession &session) const;

    QString m_databasePath;
    SyncService &m_sync;
    SecretBytes m_signingKey;
    Settings m_settings;
    Clock &m_clock;
};

} // namespace patchbay

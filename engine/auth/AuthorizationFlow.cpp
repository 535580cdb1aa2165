#include "AuthorizationFlow.h"

#include "CredentialVault.h"
#include "GrantConcerns.h"
#include "TokenRefresher.h"
#include "catalog/OriginOverrides.h"
#include "catalog/TemplateText.h"
#include "core/Clock.h"
#include "http/RequestObserver.h"
#include "store/sqlite/SqliteStore.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QUrlQuery>

namespace patchbay {

namespace {

QByteArray randomToken(int bytes)
{
    QByteArray data(bytes, Qt::Uninitialized);
    for (char &c : data)
        c = static_cast<char>(QRandomGenerator::system()->bounded(256));
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

// What the PKCE verifier of a state is sealed with, so that it opens only for that connection and state.
QByteArray verifierContext(qint64 connectionId, const QString &state)
{
    return QStringLiteral("pkce:%1:%2").arg(connectionId).arg(state).toUtf8();
}

} // namespace

AuthorizationFlow::AuthorizationFlow(Store &store, const CredentialVault &vault, Clock &clock)
    : m_store(store), m_vault(vault), m_clock(clock)
{
}

QUrl AuthorizationFlow::resolve(const Connection &connection, const QString &url, const jsonata::Bindings &bindings)
{
    return OriginOverrides::apply(connection.config, url, bindings);
}

Result<AuthorizationStart> AuthorizationFlow::begin(const Connection &connection, const ProviderDefinition &definition,
                                                    const QUrl &redirectUri)
{
    const qint64 connectionId = connection.id;
    const AuthSpec &auth = definition.auth;
    if (auth.type != QLatin1String("oauth2") || auth.grant != QLatin1String("authorization_code")
        || auth.authorizeUrl.isEmpty()) {
        return makeError("auth.no_authorize", QStringLiteral("%1 connections are not authorised in a browser (%2); "
                                                             "enter their credentials instead")
                                                  .arg(definition.displayName, auth.type));
    }
    auto stored = m_store.credentials().credential(connectionId);
    if (!stored)
        return makeError("auth.no_client", QStringLiteral("The connection has no app client id yet; save the "
                                                          "app's client id and secret first"));
    auto client = m_vault.open(connectionId, stored->sealed);
    if (!client)
        return client.error();
    if (client->clientId.isEmpty())
        return makeError("auth.no_client", QStringLiteral("The connection has no app client id; save it first"));

    jsonata::Bindings bindings;
    bindings.set("connection", jsonata::Value::fromQJsonValue(connection.config));
    auto rendered = TemplateText::renderUrl(auth.authorizeUrl, bindings);
    if (!rendered)
        return rendered.error();
    // The connection's origin overrides (a sandbox) apply to the authorize page too.
    QUrl url = resolve(connection, rendered.value(), bindings);
    const QString state = QString::fromLatin1(randomToken(24));
    QUrlQuery query(url);
    query.addQueryItem(QStringLiteral("response_type"), QStringLiteral("code"));
    query.addQueryItem(QStringLiteral("client_id"), client->clientId);
    query.addQueryItem(QStringLiteral("redirect_uri"), redirectUri.toString());
    if (!auth.scopes.isEmpty())
        query.addQueryItem(QStringLiteral("scope"), auth.scopes.join(auth.scopeSeparator));
    query.addQueryItem(QStringLiteral("state"), state);
    PendingAuthorization pending{state, connectionId, {}, redirectUri.toString(),
                                 m_clock.now().addSecs(kStateLifetimeSeconds)};
    if (auth.pkce) {
        // RFC 7636: a 43+ character verifier, its S256 challenge in the URL, the verifier sealed until the callback.
        const QByteArray verifier = randomToken(48);
        query.addQueryItem(QStringLiteral("code_challenge"),
                           QString::fromLatin1(QCryptographicHash::hash(verifier, QCryptographicHash::Sha256)
                                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)));
        query.addQueryItem(QStringLiteral("code_challenge_method"), QStringLiteral("S256"));
        auto sealed = m_vault.sealBytes(verifier, verifierContext(connectionId, state));
        if (!sealed)
            return sealed.error();
        pending.sealedVerifier = sealed.value();
    }
    for (auto it = auth.authorizeParams.begin(); it != auth.authorizeParams.end(); ++it) {
        auto value = TemplateText::render(it.value(), bindings);
        if (!value)
            return value.error();
        query.addQueryItem(it.key(), value.value());
    }
    url.setQuery(query);
    if (auto saved = m_store.credentials().addPendingAuthorization(pending); !saved)
        return saved.error();
    return AuthorizationStart{url, state};
}

Result<PendingAuthorization> AuthorizationFlow::takePending(const QString &state, const QString &code)
{
    std::optional<PendingAuthorization> pending = m_store.credentials().takePendingAuthorization(state);
    if (!pending || pending->expiresAt < m_clock.now()) {
        return makeError("auth.unknown_state", QStringLiteral("This authorisation is unknown, already used or older "
                                                              "than 10 minutes; start it again"));
    }
    if (code.isEmpty())
        return makeError("auth.no_code", QStringLiteral("The provider sent no authorisation code (the person may "
                                                        "have refused); start the authorisation again"));
    return *pending;
}

// RFC 9207: a callback's iss names the server that issued the code; a code from another server (a mix-up attack)
// is refused before it is sent anywhere. A declared issuer is compared as a string (RFC 9207 2.4); without one, the
// server is known only by its authorize URL, so iss must name that URL's origin. A sandbox's origin override
// applies to both, so an emulator may name itself.
Result<void> AuthorizationFlow::checkCallbackIssuer(const QString &received, const ProviderDefinition &definition,
                                                    const Connection &connection,
                                                    const jsonata::Bindings &bindings) const
{
    const AuthSpec &auth = definition.auth;
    const auto refuse = [&](const QString &expected) {
        return makeError("auth.wrong_issuer",
                         QStringLiteral("The authorisation came back from '%1', not from %2's authorization server "
                                        "(%3); the code was not used. Start the authorisation again.")
                             .arg(received.left(200), definition.displayName, expected));
    };
    if (!auth.issuer.isEmpty()) {
        const QString resolved = resolve(connection, auth.issuer, bindings).toString(QUrl::StripTrailingSlash);
        if (received != auth.issuer && received != resolved)
            return refuse(auth.issuer);
        return {};
    }
    auto authorize = TemplateText::renderUrl(auth.authorizeUrl, bindings);
    if (!authorize)
        return authorize.error();
    const QUrl issuer(received, QUrl::StrictMode);
    const QString given = OriginOverrides::originKey(issuer);
    if (!issuer.isValid() || issuer.host().isEmpty() ||
        (given != OriginOverrides::originKey(QUrl(authorize.value())) &&
         given != OriginOverrides::originKey(resolve(connection, authorize.value(), bindings))))
        return refuse(OriginOverrides::originOf(authorize.value()));
    return {};
}

Result<QString> AuthorizationFlow::complete(const PendingAuthorization &pending, const QString &code,
                                            const QString &issuer, const ProviderDefinition &definition,
                                            const Connection &connection, const jsonata::Bindings &bindings,
                                            RequestRunner &runner, RequestObserver &journal)
{
    if (!issuer.isEmpty()) {
        if (auto checked = checkCallbackIssuer(issuer, definition, connection, bindings); !checked)
            return checked.error();
    }
    auto stored = m_store.credentials().credential(pending.connectionId);
    if (!stored)
        return stored.error();
    auto client = m_vault.open(pending.connectionId, stored->sealed);
    if (!client)
        return client.error();
    SecretBytes verifier;
    if (!pending.sealedVerifier.isEmpty()) {
        auto opened = m_vault.openBytes(pending.sealedVerifier, verifierContext(pending.connectionId, pending.state));
        if (!opened)
            return opened.error();
        verifier = opened.value();
    }
    auto tokenUrl = TemplateText::renderUrl(definition.auth.tokenUrl, bindings);
    if (!tokenUrl)
        return tokenUrl.error();
    journal.recordEvent(EventLevel::Info, QStringLiteral("Exchanging the authorisation code for tokens"));
    QJsonObject captured;
    TokenRefresher refresher(definition, runner, m_clock);
    auto credential = refresher.exchangeCode(client.value(), code, QUrl(pending.redirectUri), verifier,
                                             resolve(connection, tokenUrl.value(), bindings), &captured);
    if (!credential)
        return credential.error();
    auto sealed = m_vault.seal(pending.connectionId, credential.value());
    if (!sealed)
        return sealed.error();
    if (auto saved = m_store.credentials().saveCredential(pending.connectionId, {pending.connectionId, sealed.value(),
                                                                credential->expiresAt, m_clock.now(), {}});
        !saved)
        return saved.error();
    if (!captured.isEmpty()) {
        QJsonObject config = connection.config;
        for (auto it = captured.begin(); it != captured.end(); ++it)
            config.insert(it.key(), it.value());
        if (auto saved = m_store.tenants().setConnectionConfig(pending.connectionId, config); !saved)
            return saved.error();
    }
    const QStringList concerns = grantConcerns(definition, credential.value());
    for (const QString &concern : concerns)
        journal.recordEvent(EventLevel::Warning, concern);
    // Still usable until the access token expires, so active, with what will go wrong said on it.
    if (auto active = m_store.tenants().setConnectionStatus(pending.connectionId, ConnectionStatus::Active,
                                                concerns.join(QLatin1Char(' ')));
        !active)
        return active.error();
    return QStringLiteral("Connection authorised%1")
        .arg(credential->expiresAt.isValid()
                 ? QStringLiteral("; access token valid until %1").arg(credential->expiresAt.toString(Qt::ISODate))
                 : QString());
}

} // namespace patchbay

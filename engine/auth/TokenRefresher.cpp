#include "TokenRefresher.h"

#include "catalog/DefinitionExpression.h"
#include "core/Timestamps.h"

#include "core/Clock.h"
#include "core/JsonPath.h"
#include "core/Logging.h"
#include "http/RequestRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace patchbay {

ProviderError providerErrorFrom(const ErrorSpec &spec, const QByteArray &body)
{
    ProviderError error;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    const QJsonValue root = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
    QStringList codePaths = spec.codePaths;
    codePaths << QStringLiteral("error");
    QStringList messagePaths = spec.messagePaths;
    messagePaths << QStringLiteral("error_description") << QStringLiteral("message");
    for (const QString &path : std::as_const(codePaths)) {
        error.code = jsonScalarText(jsonValueAt(root, path));
        if (!error.code.isEmpty())
            break;
    }
    for (const QString &path : std::as_const(messagePaths)) {
        error.message = jsonScalarText(jsonValueAt(root, path));
        if (!error.message.isEmpty())
            break;
    }
    if (error.message.isEmpty() && document.isNull())
        error.message = QString::fromUtf8(body.left(200)).simplified();
    return error;
}

std::optional<QString> providerErrorInSuccess(const ErrorSpec &spec, const QJsonValue &body)
{
    if (spec.successErrorPath.isEmpty())
        return std::nullopt;
    auto found = DefinitionExpression::evaluate(spec.successErrorPath, body, {}, QStringLiteral("successErrorPath"));
    if (!found || found->isUndefined() || found->isNull() || found.value() == QJsonValue(false))
        return std::nullopt;
    return jsonText(found.value());
}

TokenRefresher::TokenRefresher(const ProviderDefinition &definition, RequestRunner &runner, Clock &clock)
    : m_definition(definition), m_runner(runner), m_clock(clock)
{
}

Result<Credential> TokenRefresher::refresh(const Credential &current, const QUrl &tokenUrl, QJsonObject *captured)
{
    if (m_definition.auth.grant == QLatin1String("client_credentials"))
        return clientCredentials(current, tokenUrl, captured);
    if (current.refreshToken.isEmpty()) {
        return makeError("auth.revoked", QStringLiteral("The connection has no refresh token, so its access cannot "
                                                        "be renewed. Authorise the connection again."));
    }
    m_runner.redactor().addSecret(current.refreshToken);
    return requestToken(current, tokenUrl,
                        {{QStringLiteral("grant_type"), QStringLiteral("refresh_token")},
                         {QStringLiteral("refresh_token"), QString::fromUtf8(current.refreshToken.reveal())}},
                        Grant::Refresh, captured);
}

Result<Credential> TokenRefresher::exchangeCode(const Credential &client, const QString &code, const QUrl &redirectUri,
                                                const SecretBytes &codeVerifier, const QUrl &tokenUrl,
                                                QJsonObject *captured)
{
    QList<QPair<QString, QString>> params{{QStringLiteral("grant_type"), QStringLiteral("authorization_code")},
                                          {QStringLiteral("code"), code},
                                          {QStringLiteral("redirect_uri"), redirectUri.toString()}};
    if (!codeVerifier.isEmpty())
        params.append({QStringLiteral("code_verifier"), QString::fromUtf8(codeVerifier.reveal())});
    Credential fresh = client;
    fresh.refreshToken = SecretBytes();
    return requestToken(fresh, tokenUrl, params, Grant::Code, captured);
}

Result<Credential> TokenRefresher::clientCredentials(const Credential &client, const QUrl &tokenUrl, QJsonObject *captured)
{
    QList<QPair<QString, QString>> params{{QStringLiteral("grant_type"), QStringLiteral("client_credentials")}};
    if (!m_definition.auth.scopes.isEmpty())
        params.append({QStringLiteral("scope"), m_definition.auth.scopes.join(m_definition.auth.scopeSeparator)});
    return requestToken(client, tokenUrl, params, Grant::ClientCredentials, captured);
}

Result<Credential> TokenRefresher::requestToken(const Credential &current, const QUrl &tokenUrl,
                                                const QList<QPair<QString, QString>> &grantParams, Grant grant,
                                                QJsonObject *captured)
{
    QUrlQuery form;
    for (const auto &[name, value] : grantParams)
        form.addQueryItem(name, value);
    for (auto it = m_definition.auth.tokenParams.begin(); it != m_definition.auth.tokenParams.end(); ++it)
        form.addQueryItem(it.key(), it.value());
    HttpRequest request;
    request.method = "POST";
    request.url = tokenUrl;
    request.setHeader("Content-Type", "application/x-www-form-urlencoded");
    request.setHeader("Accept", "application/json");
    if (m_definition.auth.clientAuth == QLatin1String("basic")) {
        request.setHeader("Authorization",
                          "Basic " + (current.clientId.toUtf8() + ':' + current.clientSecret.reveal()).toBase64());
    } else {
        form.addQueryItem(QStringLiteral("client_id"), current.clientId);
        form.addQueryItem(QStringLiteral("client_secret"), QString::fromUtf8(current.clientSecret.reveal()));
    }
    if (m_definition.auth.tokenRequestFormat == QLatin1String("json")) {
        QJsonObject json;
        for (const auto &[name, value] : form.queryItems(QUrl::FullyDecoded))
            json.insert(name, value);
        request.setHeader("Content-Type", "application/json");
        request.body = QJsonDocument(json).toJson(QJsonDocument::Compact);
    } else {
        request.body = form.toString(QUrl::FullyEncoded).toUtf8();
    }
    m_runner.redactor().addSecret(current.clientSecret);

    qCDebug(lcAuth).noquote() << (grant == Grant::Refresh ? "refreshing a token at"
                                  : grant == Grant::Code  ? "exchanging an authorization code at"
                                                          : "asking for an app-only token at")
                              << tokenUrl.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    auto sent = m_runner.send(request);
    wipeBytes(request.body);
    if (!sent)
        return makeError("auth.refresh_failed", sent.error().message);
    const HttpResponse &response = sent.value();
    if (!response.isSuccess()) {
        const ProviderError providerError = providerErrorFrom(m_definition.errors, response.body);
        const QString said = providerError.message.isEmpty() ? providerError.code : providerError.message;
        const bool revoked = (response.status == 400 || response.status == 401 || response.status == 403)
                             && m_definition.auth.revokedErrors.contains(providerError.code);
        if (grant == Grant::Code) {
            // A code is used once and lives minutes: whatever the reason, the person has to authorise again.
            return makeError("auth.code_refused", QStringLiteral("%1 refused the authorisation code (HTTP %2, %3: %4). "
                                                                 "Start the authorisation again.")
                                                      .arg(m_definition.displayName)
                                                      .arg(response.status)
                                                      .arg(providerError.code, said));
        }
        if (revoked) {
            return makeError("auth.revoked",
                             grant == Grant::ClientCredentials
                                 ? QStringLiteral("%1 refused the client credentials (%2: %3). Enter the app's "
                                                  "current client id and secret.")
                                       .arg(m_definition.displayName, providerError.code, said)
                                 : QStringLiteral("%1 refused the refresh token (%2: %3). The connection needs "
                                                  "re-authorisation by the customer.")
                                       .arg(m_definition.displayName, providerError.code, said));
        }
        return makeError("auth.refresh_failed", QStringLiteral("Token request failed with HTTP %1: %2. It will be "
                                                               "tried again.")
                                                    .arg(response.status)
                                                    .arg(said));
    }

    const QJsonObject body = QJsonDocument::fromJson(response.body).object();
    const QString accessToken = body.value(QStringLiteral("access_token")).toString();
    if (accessToken.isEmpty()) {
        return makeError("auth.refresh_failed",
                         QStringLiteral("The token endpoint answered without an access_token."));
    }
    Credential next = current;
    next.accessToken = SecretBytes(accessToken.toUtf8());
    // Rotation: a provider that returns a new refresh token has invalidated the old one.
    const QString rotated = body.value(QStringLiteral("refresh_token")).toString();
    if (!rotated.isEmpty())
        next.refreshToken = SecretBytes(rotated.toUtf8());
    const QJsonValue expiresIn = body.value(QStringLiteral("expires_in"));
    const std::optional<qint64> expiresAtMs = m_definition.auth.expiresAtPath.isEmpty()
        ? std::nullopt
        : parseTimestampMs(jsonScalarText(jsonValueAt(body, m_definition.auth.expiresAtPath)));
    if (expiresAtMs) {
        next.expiresAt = QDateTime::fromMSecsSinceEpoch(*expiresAtMs, Qt::UTC);
    } else if (!expiresIn.isUndefined()) {
        next.expiresAt = m_clock.now().addSecs(
            static_cast<qint64>(expiresIn.isString() ? expiresIn.toString().toDouble() : expiresIn.toDouble()));
    } else if (m_definition.auth.tokenLifetimeSeconds > 0) {
        // Providers that send no lifetime (Salesforce) have a known session length.
        next.expiresAt = m_clock.now().addSecs(m_definition.auth.tokenLifetimeSeconds);
    } else {
        next.expiresAt = QDateTime();
    }
    if (captured) {
        for (auto it = m_definition.auth.capture.begin(); it != m_definition.auth.capture.end(); ++it) {
            const QJsonValue value = jsonValueAt(body, it.value());
            if (!value.isUndefined())
                captured->insert(it.key(), value);
        }
    }
    if (body.contains(QStringLiteral("token_type")))
        next.tokenType = body.value(QStringLiteral("token_type")).toString();
    // RFC 6749 5.1: the scope is sent when it differs from the one asked for; without it, the grant is as asked.
    // A new grant without scope replaces the previous grant's; a refresh without scope keeps it.
    if (body.value(QStringLiteral("scope")).isString())
        next.scope = body.value(QStringLiteral("scope")).toString();
    else if (grant != Grant::Refresh)
        next.scope.clear();
    m_runner.redactor().addSecret(next.accessToken);
    m_runner.redactor().addSecret(next.refreshToken);
    return next;
}

} // namespace patchbay

#include "HubSpotResponses.h"

#include "common/SandboxHttp.h"

#include <QJsonDocument>
#include <QUuid>

namespace patchbay::sandbox::HubSpotResponses {

HttpServerResponse json(const QJsonObject &body, int status)
{
    return SandboxHttp::json(body, status);
}

QString correlationId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

HttpServerResponse error(int status, const QString &category, const QString &message, const QJsonArray &errors)
{
    QJsonObject body{{QStringLiteral("status"), QStringLiteral("error")},
                     {QStringLiteral("message"), message},
                     {QStringLiteral("correlationId"), correlationId()},
                     {QStringLiteral("category"), category}};
    if (!errors.isEmpty())
        body.insert(QStringLiteral("errors"), errors);
    return json(body, status);
}

QString invalidPropertiesMessage(const QList<HubSpotPropertyProblem> &problems, qint64 hubId)
{
    QJsonArray list;
    for (const HubSpotPropertyProblem &problem : problems)
        list.append(QJsonObject{{QStringLiteral("isValid"), false},
                                {QStringLiteral("message"), problem.message},
                                {QStringLiteral("error"), problem.code},
                                {QStringLiteral("name"), problem.name},
                                {QStringLiteral("localizedErrorMessage"), problem.message},
                                {QStringLiteral("portalId"), hubId}});
    return QStringLiteral("Property values were not valid: ") +
           QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Compact));
}

QJsonArray invalidPropertiesErrors(const QList<HubSpotPropertyProblem> &problems)
{
    QJsonArray errors;
    for (const HubSpotPropertyProblem &problem : problems)
        errors.append(QJsonObject{
            {QStringLiteral("message"), problem.message},
            {QStringLiteral("code"), problem.code},
            {QStringLiteral("context"), QJsonObject{{QStringLiteral("propertyName"), QJsonArray{problem.name}}}}});
    return errors;
}

HttpServerResponse validationError(const QString &message)
{
    return error(400, QStringLiteral("VALIDATION_ERROR"), message);
}

HttpServerResponse oauthError(int status, const QString &statusCode, const QString &message)
{
    return json({{QStringLiteral("status"), statusCode},
                 {QStringLiteral("message"), message},
                 {QStringLiteral("correlationId"), correlationId()}},
                status);
}

HttpServerResponse oauthFailure(OAuthFailure failure)
{
    switch (failure) {
    case OAuthFailure::UnsupportedGrantType:
        return oauthError(400, QStringLiteral("BAD_GRANT_TYPE"), QStringLiteral("missing or unsupported grant_type"));
    case OAuthFailure::UnknownClient:
        return oauthError(400, QStringLiteral("BAD_CLIENT_ID"), QStringLiteral("missing or unknown client id"));
    case OAuthFailure::BadClientSecret:
        return oauthError(400, QStringLiteral("BAD_CLIENT_SECRET"), QStringLiteral("missing or invalid client secret"));
    case OAuthFailure::BadRefreshToken:
        return oauthError(400, QStringLiteral("BAD_REFRESH_TOKEN"), QStringLiteral("missing or invalid refresh token"));
    case OAuthFailure::BadAuthorizationCode:
        return oauthError(400, QStringLiteral("BAD_AUTH_CODE"), QStringLiteral("missing or unknown auth code"));
    case OAuthFailure::RedirectUriMismatch:
        return oauthError(400, QStringLiteral("BAD_REDIRECT_URI"),
                          QStringLiteral("redirect_uri does not match the one used to request the auth code"));
    case OAuthFailure::InvalidRedirectUri:
        break;
    }
    return oauthError(400, QStringLiteral("BAD_REDIRECT_URI"), QStringLiteral("missing or invalid redirect_uri"));
}

HttpServerResponse rateLimited(const QString &policyName, int retryAfterSeconds)
{
    const QString message = QStringLiteral("You have reached your %1 limit.").arg(policyName.toLower());
    HttpServerResponse response = json({{QStringLiteral("status"), QStringLiteral("error")},
                                        {QStringLiteral("message"), message},
                                        {QStringLiteral("errorType"), QStringLiteral("RATE_LIMIT")},
                                        {QStringLiteral("correlationId"), correlationId()},
                                        {QStringLiteral("policyName"), policyName},
                                        {QStringLiteral("requestId"), correlationId()}},
                                       429);
    response.withHeader("Retry-After", QByteArray::number(retryAfterSeconds));
    return response;
}

} // namespace patchbay::sandbox::HubSpotResponses

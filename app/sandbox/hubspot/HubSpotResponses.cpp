#include "HubSpotResponses.h"

#include <QJsonDocument>
#include <QUuid>

namespace patchbay::sandbox::HubSpotResponses {

HttpServerResponse json(const QJsonObject &body, int status)
{
    return HttpServerResponse::json(QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

QString correlationId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

HttpServerResponse error(int status, const QString &category, const QString &message)
{
    return json({{QStringLiteral("status"), QStringLiteral("error")},
                 {QStringLiteral("message"), message},
                 {QStringLiteral("correlationId"), correlationId()},
                 {QStringLiteral("category"), category}},
                status);
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

HttpServerResponse rateLimited(const QString &policyName, int retryAfterSeconds)
{
    const QString message = policyName == QLatin1String("DAILY")
                                ? QStringLiteral("You have reached your daily limit.")
                                : QStringLiteral("You have reached your secondly limit.");
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

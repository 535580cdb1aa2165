#pragma once

#include "HubSpotObjectStore.h"
#include "common/OAuthTokenService.h"
#include "server/HttpService.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace patchbay::sandbox {

// Response bodies shaped like HubSpot's, in one place so every endpoint fails the same way.
// Shapes follow developers.hubspot.com ("Error handling", "API usage guidelines", OAuth tokens).
namespace HubSpotResponses {

HttpServerResponse json(const QJsonObject &body, int status = 200);

// The general CRM error: {status:"error", message, correlationId, category[, errors]}.
HttpServerResponse error(int status, const QString &category, const QString &message, const QJsonArray &errors = {});
HttpServerResponse validationError(const QString &message);

// The message of a write whose properties were refused, as in the CRM objects guide:
// Property values were not valid: [{"isValid":false,"message":...,"error":"PROPERTY_DOESNT_EXIST","name":...}].
QString invalidPropertiesMessage(const QList<HubSpotPropertyProblem> &problems, qint64 hubId);
// Its errors array: [{message, code, context{propertyName[]}}].
QJsonArray invalidPropertiesErrors(const QList<HubSpotPropertyProblem> &problems);

// The OAuth v1 token endpoint's own style: {status:"BAD_REFRESH_TOKEN", message, correlationId}.
HttpServerResponse oauthError(int status, const QString &statusCode, const QString &message);
HttpServerResponse oauthFailure(OAuthFailure failure);

// 429 body from the usage guidelines: {status, message, errorType:"RATE_LIMIT", correlationId, policyName, requestId}.
HttpServerResponse rateLimited(const QString &policyName, int retryAfterSeconds);

QString correlationId();

} // namespace HubSpotResponses

} // namespace patchbay::sandbox

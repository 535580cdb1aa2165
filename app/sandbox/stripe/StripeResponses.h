#pragma once

#include "server/HttpService.h"

#include <QJsonObject>
#include <QString>

namespace patchbay::sandbox {

// Answers shaped like Stripe's (docs.stripe.com/api/errors): {"error": {type, code, param, message, doc_url}}, where
// type is one of api_error, card_error, idempotency_error and invalid_request_error.
namespace StripeResponses {

HttpServerResponse json(const QJsonObject &body, int status = 200);
// code and param are left out when empty; doc_url follows the code.
HttpServerResponse error(int status, const QString &message, const QString &code = {}, const QString &param = {},
                         const QString &type = QStringLiteral("invalid_request_error"));
// 404 resource_missing: "No such customer: 'cus_x'".
HttpServerResponse noSuch(const QString &noun, const QString &id, const QString &param = QStringLiteral("id"));
// 400 parameter_unknown: "Received unknown parameter: x".
HttpServerResponse unknownParameter(const QString &name);
// The key with everything but its mode prefix (sk_test_) and last four characters starred, as Stripe echoes keys.
QString maskedKey(const QString &key);

} // namespace StripeResponses

} // namespace patchbay::sandbox

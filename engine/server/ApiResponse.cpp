#include "ApiResponse.h"

#include "core/Logging.h"

#include <QJsonDocument>

namespace patchbay::ApiResponse {

HttpServerResponse json(const QJsonObject &body, int status)
{
    return HttpServerResponse::json(QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

HttpServerResponse json(const QJsonArray &body, int status)
{
    return HttpServerResponse::json(QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

HttpServerResponse noContent()
{
    HttpServerResponse response;
    response.status = 204;
    return response;
}

HttpServerResponse error(int status, const QString &code, const QString &message)
{
    return json(
        QJsonObject{
            {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}},
        status);
}

HttpServerResponse notFound(const QString &what, const QString &id)
{
    return error(404, what + QStringLiteral(".not_found"), QStringLiteral("No %1 %2.").arg(what, id));
}

int statusForError(const Error &error)
{
    const QString &code = error.code;
    if (code.startsWith(QLatin1String("request.")))
        return 400;
    if (code.endsWith(QLatin1String(".not_found")))
        return 404;
    if (code.endsWith(QLatin1String("_exists")) || code.endsWith(QLatin1String(".conflict")))
        return 409;
    if (code == QLatin1String("auth.forbidden"))
        return 403;
    if (code.startsWith(QLatin1String("auth.missing_key")) || code.startsWith(QLatin1String("auth.bad_key")))
        return 401;
    return 500;
}

HttpServerResponse fromError(const Error &error)
{
    const int status = statusForError(error);
    if (status >= 500)
        qCWarning(lcServer).noquote() << "request failed:" << error.toString();
    return ApiResponse::error(status, error.code, error.message);
}

QFuture<HttpServerResponse> ready(HttpServerResponse response)
{
    return QtFuture::makeReadyFuture(std::move(response));
}

} // namespace patchbay::ApiResponse

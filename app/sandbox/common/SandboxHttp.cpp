#include "SandboxHttp.h"

#include <QJsonDocument>

namespace patchbay::sandbox {

HttpServerResponse SandboxHttp::json(const QJsonObject &body, int status)
{
    return HttpServerResponse::json(QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

HttpServerResponse SandboxHttp::json(const QJsonArray &body, int status)
{
    return HttpServerResponse::json(QJsonDocument(body).toJson(QJsonDocument::Compact), status);
}

QUrlQuery SandboxHttp::formBody(const QByteArray &body)
{
    QByteArray normalized = body;
    normalized.replace('+', "%20");
    return QUrlQuery(QString::fromLatin1(normalized));
}

QUrlQuery SandboxHttp::formOrJsonBody(const HttpServerRequest &request)
{
    if (!request.header("content-type").contains("json"))
        return formBody(request.body);
    QUrlQuery query;
    const QJsonObject object = QJsonDocument::fromJson(request.body).object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString value = it.value().isDouble() ? QString::number(it.value().toInteger()) : it.value().toString();
        query.addQueryItem(it.key(), QString::fromLatin1(QUrl::toPercentEncoding(value)));
    }
    return query;
}

QString SandboxHttp::pathAndQuery(const QUrl &url)
{
    const QString query = url.query(QUrl::FullyEncoded);
    return url.path(QUrl::FullyEncoded) + (query.isEmpty() ? QString() : QLatin1Char('?') + query);
}

QString SandboxHttp::queryParameter(const QUrlQuery &query, const QString &name)
{
    QString raw = query.queryItemValue(name, QUrl::FullyEncoded);
    raw.replace(QLatin1Char('+'), QStringLiteral("%20"));
    return QUrl::fromPercentEncoding(raw.toLatin1());
}

QString SandboxHttp::bearerToken(const HttpServerRequest &request)
{
    const QByteArray authorization = request.header("authorization");
    if (!authorization.toLower().startsWith("bearer "))
        return {};
    return QString::fromLatin1(authorization.mid(7).trimmed());
}

std::optional<SandboxHttp::BasicCredentials> SandboxHttp::basicCredentials(const HttpServerRequest &request)
{
    const QByteArray authorization = request.header("authorization");
    if (!authorization.toLower().startsWith("basic "))
        return std::nullopt;
    const QString decoded = QString::fromUtf8(QByteArray::fromBase64(authorization.mid(6).trimmed()));
    const qsizetype colon = decoded.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return std::nullopt;
    return BasicCredentials{decoded.left(colon), decoded.mid(colon + 1)};
}

HttpServerResponse SandboxHttp::withHeaders(HttpServerResponse response, const Headers &headers)
{
    for (const auto &[name, value] : headers)
        response.withHeader(name, value);
    return response;
}

QString SandboxHttp::isoTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QString SandboxHttp::offsetTimestamp(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) + QStringLiteral("+0000");
}

QDateTime SandboxHttp::parseTimestamp(const QString &text)
{
    QString normalized = text;
    const qsizetype sign = normalized.size() - 5;
    if (sign > 10 && (normalized.at(sign) == QLatin1Char('+') || normalized.at(sign) == QLatin1Char('-')))
        normalized.insert(normalized.size() - 2, QLatin1Char(':')); // +0000 -> +00:00, which Qt reads
    if (normalized.size() == 10)
        return QDateTime(QDate::fromString(normalized, Qt::ISODate), QTime(0, 0), Qt::UTC);
    return QDateTime::fromString(normalized, Qt::ISODateWithMs).toUTC();
}

} // namespace patchbay::sandbox

#include "ApiRouter.h"

#include "core/Logging.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QUrlQuery>

#include <cmath>

namespace patchbay {

AuditEntry ApiCaller::auditEntry(const QString &action, const QString &target, std::optional<qint64> tenant,
                                 const QJsonValue &before, const QJsonValue &after) const
{
    AuditEntry entry;
    entry.keyId = keyId;
    entry.keyName = keyName;
    entry.role = apiRoleName(role);
    entry.action = action;
    entry.target = target;
    entry.tenantId = tenant;
    entry.before = before;
    entry.after = after;
    return entry;
}

ApiAccess ApiAccess::open()
{
    ApiAccess access;
    access.m_requiresKey = false;
    return access;
}

ApiAccess ApiAccess::anyRole()
{
    ApiAccess access;
    access.m_roles = allApiRoles();
    return access;
}

ApiAccess ApiAccess::unboundOnly() const
{
    ApiAccess access = *this;
    access.m_allowsTenantBound = false;
    return access;
}

namespace {

Error requestError(const char *code, const QString &message)
{
    return makeError(code, message);
}

const char *typeName(JsonType type)
{
    switch (type) {
    case JsonType::String: return "a string";
    case JsonType::Integer: return "a whole number";
    case JsonType::Number: return "a number";
    case JsonType::Boolean: return "true or false";
    case JsonType::Object: return "an object";
    case JsonType::Array: return "an array";
    case JsonType::Any: return "a value";
    }
    return "a value";
}

bool hasType(const QJsonValue &value, JsonType type)
{
    switch (type) {
    case JsonType::String: return value.isString();
    case JsonType::Integer: {
        if (!value.isDouble())
            return false;
        const double number = value.toDouble();
        return std::floor(number) == number && std::abs(number) <= 9007199254740992.0;
    }
    case JsonType::Number: return value.isDouble();
    case JsonType::Boolean: return value.isBool();
    case JsonType::Object: return value.isObject();
    case JsonType::Array: return value.isArray();
    case JsonType::Any: return !value.isNull() && !value.isUndefined();
    }
    return false;
}

// The path's segments, each percent-decoded on its own, so that an encoded '/' stays inside its segment.
QStringList segments(const QString &encodedPath)
{
    QStringList result;
    for (const QString &segment : encodedPath.split(QLatin1Char('/')).mid(1))
        result.append(QUrl::fromPercentEncoding(segment.toUtf8()));
    return result;
}

bool isParameter(const QString &segment)
{
    return segment.size() > 2 && segment.startsWith(QLatin1Char('{')) && segment.endsWith(QLatin1Char('}'));
}

bool isRestParameter(const QString &segment)
{
    return isParameter(segment) && segment.at(1) == QLatin1Char('+') && segment.size() > 3;
}

// Whether path (its segments decoded, and as sent) matches pattern, filling parameters; rank says how specific the
// match is (literal segments first, the rest of a path last).
bool matches(const QStringList &pattern, const QStringList &path, const QStringList &rawPath,
             QHash<QString, QString> &parameters, QString &rank)
{
    const bool rest = !pattern.isEmpty() && isRestParameter(pattern.last());
    if (rest ? path.size() < pattern.size() : pattern.size() != path.size())
        return false;
    parameters.clear();
    rank.clear();
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        if (rest && i + 1 == pattern.size()) {
            const QString value = rawPath.mid(i).join(QLatin1Char('/'));
            if (value.isEmpty())
                return false;
            parameters.insert(pattern.at(i).mid(2, pattern.at(i).size() - 3), value);
            rank.append(QLatin1Char('2'));
        } else if (isParameter(pattern.at(i))) {
            if (path.at(i).isEmpty())
                return false;
            parameters.insert(pattern.at(i).mid(1, pattern.at(i).size() - 2), path.at(i));
            rank.append(QLatin1Char('1'));
        } else if (pattern.at(i) == path.at(i)) {
            rank.append(QLatin1Char('0'));
        } else {
            return false;
        }
    }
    return true;
}

HttpServerResponse unauthorized(const char *code, const QString &message)
{
    return ApiResponse::error(401, QString::fromLatin1(code), message).withHeader("WWW-Authenticate", "Bearer");
}

} // namespace

ApiRequest::ApiRequest(HttpServerRequest http, QHash<QString, QString> parameters, std::optional<ApiCaller> caller)
    : m_http(std::move(http)), m_parameters(std::move(parameters)), m_caller(caller.value_or(ApiCaller())),
      m_hasCaller(caller.has_value())
{}

QString ApiRequest::query(const QString &name) const
{
    return m_http.query().queryItemValue(name, QUrl::FullyDecoded);
}

Result<qint64> ApiRequest::queryInteger(const QString &name, qint64 fallback, qint64 min, qint64 max) const
{
    const QString text = query(name);
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < min || value > max) {
        return requestError("request.bad_query", QStringLiteral("The query parameter %1 must be a whole number from "
                                                                "%2 to %3.")
                                                     .arg(name)
                                                     .arg(min)
                                                     .arg(max));
    }
    return value;
}

Result<QJsonObject> ApiRequest::jsonBody(const QList<ApiField> &fields) const
{
    QJsonObject body;
    if (!m_http.body.trimmed().isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(m_http.body, &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return requestError("request.malformed_json", QStringLiteral("The body is not valid JSON: %1 at offset %2.")
                                                              .arg(parseError.errorString())
                                                              .arg(parseError.offset));
        if (!document.isObject())
            return requestError("request.malformed_json", QStringLiteral("The body must be a JSON object."));
        body = document.object();
    }
    for (auto it = body.constBegin(); it != body.constEnd(); ++it) {
        const auto field = std::find_if(fields.cbegin(), fields.cend(),
                                        [&](const ApiField &candidate) { return candidate.name == it.key(); });
        if (field == fields.cend())
            return requestError("request.unknown_field", QStringLiteral("Unknown field \"%1\".").arg(it.key()));
        if (!hasType(it.value(), field->type))
            return requestError("request.bad_field", QStringLiteral("The field \"%1\" must be %2.")
                                                         .arg(it.key(), QLatin1String(typeName(field->type))));
    }
    for (const ApiField &field : fields) {
        if (field.required && !body.contains(field.name))
            return requestError("request.missing_field",
                                QStringLiteral("The field \"%1\" is required.").arg(field.name));
    }
    return body;
}

ApiRouter::ApiRouter(Authenticator authenticate) : m_authenticate(std::move(authenticate)) {}

void ApiRouter::addRoute(Route route)
{
    for (const Route &existing : std::as_const(m_routes))
        Q_ASSERT_X(existing.method != route.method || existing.pattern != route.pattern, "ApiRouter::add",
                   "a method and pattern may be added once");
    m_routes.append(std::move(route));
}

void ApiRouter::setBodyLimit(const QString &pattern, qint64 bytes)
{
    for (Route &route : m_routes) {
        if (route.pattern == pattern)
            route.maxBodyBytes = bytes;
    }
}

qint64 ApiRouter::bodyLimit(const QString &encodedPath, qint64 fallback) const
{
    const QStringList path = segments(encodedPath);
    const QStringList rawPath = encodedPath.split(QLatin1Char('/')).mid(1);
    QHash<QString, QString> parameters;
    QString rank;
    QString bestRank;
    qint64 limit = fallback;
    for (const Route &route : m_routes) {
        if (!matches(segments(route.pattern), path, rawPath, parameters, rank) || (!bestRank.isEmpty() && rank >= bestRank))
            continue;
        bestRank = rank;
        limit = route.maxBodyBytes > 0 ? route.maxBodyBytes : fallback;
    }
    return limit;
}

QFuture<HttpServerResponse> ApiRouter::handle(const HttpServerRequest &request) const
{
    const QString encodedPath = request.url.path(QUrl::FullyEncoded);
    const QStringList path = segments(encodedPath);
    const QStringList rawPath = encodedPath.split(QLatin1Char('/')).mid(1);
    // The routes whose pattern matches most specifically; among them the one of the method (HEAD: GET's when it
    // has none of its own).
    QList<QPair<const Route *, QHash<QString, QString>>> candidates;
    QString bestRank;
    for (const Route &route : m_routes) {
        QHash<QString, QString> routeParameters;
        QString rank;
        if (!matches(segments(route.pattern), path, rawPath, routeParameters, rank))
            continue;
        if (!candidates.isEmpty() && rank > bestRank)
            continue;
        if (candidates.isEmpty() || rank < bestRank)
            candidates.clear();
        bestRank = rank;
        candidates.append({&route, routeParameters});
    }
    const Route *found = nullptr;
    QHash<QString, QString> parameters;
    QList<QByteArray> allowed;
    for (const QByteArray &method : {request.method, request.method == "HEAD" ? QByteArray("GET") : QByteArray()}) {
        for (const auto &[route, routeParameters] : std::as_const(candidates)) {
            if (!found && route->method == method) {
                found = route;
                parameters = routeParameters;
            }
        }
    }
    for (const auto &candidate : std::as_const(candidates))
        allowed.append(candidate.first->method);
    if (allowed.isEmpty())
        return ApiResponse::ready(
            ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("No route for %1.").arg(request.path())));
    if (!found) {
        return ApiResponse::ready(ApiResponse::error(405, QStringLiteral("method_not_allowed"),
                                                     QStringLiteral("%1 takes %2.")
                                                         .arg(request.path(), QString::fromLatin1(allowed.join(", "))))
                                      .withHeader("Allow", allowed.join(", ")));
    }

    if (found->maxBodyBytes > 0 && request.body.size() > found->maxBodyBytes) {
        return ApiResponse::ready(ApiResponse::error(
            413, QStringLiteral("request.too_large"),
            QStringLiteral("The request body is larger than %1 accepts (at most %2 bytes).")
                .arg(found->pattern)
                .arg(found->maxBodyBytes)));
    }
    std::optional<ApiCaller> caller;
    if (found->access.requiresKey()) {
        const QByteArray authorization = request.header("authorization");
        if (authorization.isEmpty())
            return ApiResponse::ready(unauthorized(
                "auth.missing_key", QStringLiteral("This call needs an API key: Authorization: Bearer pb_...")));
        static const QByteArray kScheme = "bearer ";
        const bool isBearer = authorization.size() > kScheme.size()
            && authorization.left(kScheme.size()).toLower() == kScheme;
        auto authenticated = isBearer ? m_authenticate(QString::fromLatin1(authorization.mid(kScheme.size()).trimmed()))
                                      : Result<ApiCaller>(makeError("auth.bad_key", {}));
        if (!authenticated)
            return ApiResponse::ready(
                unauthorized("auth.bad_key", QStringLiteral("The API key is not valid (unknown or revoked).")));
        caller = authenticated.value();
        if (!found->access.allows(caller->role) || (caller->tenantId && !found->access.allowsTenantBound())) {
            return ApiResponse::ready(ApiResponse::error(
                403, QStringLiteral("auth.forbidden"),
                QStringLiteral("A %1 key%2 may not call %3 %4.")
                    .arg(apiRoleName(caller->role),
                         caller->tenantId ? QStringLiteral(" bound to a tenant") : QString(),
                         QString::fromLatin1(found->method), found->pattern)));
        }
        qCDebug(lcServer).noquote() << "key" << caller->keyId << apiRoleName(caller->role) << request.method
                                    << found->pattern;
    }
    return found->handler(ApiRequest(request, parameters, caller));
}

} // namespace patchbay

#include "Redactor.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace patchbay {

namespace {

constexpr int kMinSecretLength = 6; // shorter values would mask ordinary text

// Redactor::isSecretName, remembered: the members of a page's records repeat their names on every record and every
// page, and each check is a dozen case-insensitive searches. Per thread, bounded.
bool isSecretKey(const QString &name)
{
    constexpr qsizetype kMaxRemembered = 4096;
    thread_local QHash<QString, bool> remembered;
    if (const auto it = remembered.constFind(name); it != remembered.cend())
        return *it;
    if (remembered.size() >= kMaxRemembered)
        remembered.clear();
    const bool secret = Redactor::isSecretName(name);
    remembered.insert(name, secret);
    return secret;
}

// True when a member anywhere in value has a secret name: only then has redactJson anything to rewrite (rewriting
// copies every object and array it passes).
bool holdsSecretName(const QJsonValue &value)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (isSecretKey(it.key()) || holdsSecretName(it.value()))
                return true;
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (const QJsonValue &item : array) {
            if (holdsSecretName(item))
                return true;
        }
    }
    return false;
}

QJsonValue redactJson(const QJsonValue &value)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (isSecretKey(it.key()) && !it.value().isObject() && !it.value().isArray())
                it.value() = QString::fromLatin1(Redactor::kMask);
            else
                it.value() = redactJson(it.value());
        }
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = redactJson(*it);
        return array;
    }
    return value;
}

} // namespace

bool Redactor::isSecretName(QStringView name)
{
    static const QStringList fragments = {
        QStringLiteral("token"),    QStringLiteral("secret"),   QStringLiteral("password"),
        QStringLiteral("api_key"),  QStringLiteral("apikey"),   QStringLiteral("authorization"),
        QStringLiteral("assertion"), QStringLiteral("code_verifier"), QStringLiteral("signature"),
    };
    if (name.compare(QLatin1String("code"), Qt::CaseInsensitive) == 0)
        return true;
    // Names that contain "token" but say only what kind of token it is ("Bearer"), which helps debugging auth.
    static const QStringList notSecret = {QStringLiteral("token_type"), QStringLiteral("token_type_hint")};
    for (const QString &kind : notSecret) {
        if (name.compare(kind, Qt::CaseInsensitive) == 0)
            return false;
    }
    for (const QString &fragment : fragments) {
        if (name.contains(fragment, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

void Redactor::addSecret(const SecretBytes &secret)
{
    if (secret.size() >= kMinSecretLength)
        m_secrets.append(secret);
}

QByteArray Redactor::redactText(QByteArray text) const
{
    for (const SecretBytes &secret : m_secrets)
        text.replace(secret.reveal(), kMask);
    return text;
}

HeaderList Redactor::redactHeaders(const HeaderList &headers) const
{
    static const QList<QByteArray> credentialHeaders = {"authorization", "proxy-authorization", "cookie",
                                                        "set-cookie", "x-api-key", "api-key"};
    HeaderList result;
    for (const auto &[name, value] : headers) {
        const QByteArray lower = name.toLower();
        if (lower == "authorization" || lower == "proxy-authorization") {
            // Keep the scheme: "Bearer" vs "Basic" is useful when debugging auth.
            const qsizetype space = value.indexOf(' ');
            result.append({name, space > 0 ? value.left(space + 1) + kMask : kMask});
        } else if (credentialHeaders.contains(lower) || isSecretName(QString::fromLatin1(lower))) {
            result.append({name, kMask});
        } else {
            result.append({name, redactText(value)});
        }
    }
    return result;
}

QByteArray Redactor::redactBody(const QByteArray &body) const
{
    if (body.isEmpty())
        return body;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error == QJsonParseError::NoError) {
        const QJsonValue root = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
        const QJsonValue redacted = holdsSecretName(root) ? redactJson(root) : root;
        const QJsonDocument out = redacted.isArray() ? QJsonDocument(redacted.toArray())
                                                     : QJsonDocument(redacted.toObject());
        return redactText(out.toJson(QJsonDocument::Compact));
    }
    // A form body (a=b&c=d): mask secret-named fields.
    if (!body.contains('\n') && body.contains('=')) {
        QList<QByteArray> parts = body.split('&');
        for (QByteArray &part : parts) {
            const qsizetype eq = part.indexOf('=');
            if (eq > 0 && isSecretName(QString::fromLatin1(QByteArray::fromPercentEncoding(part.left(eq)))))
                part = part.left(eq + 1) + kMask;
        }
        return redactText(parts.join('&'));
    }
    return redactText(body);
}

QString Redactor::redactUrl(const QUrl &url) const
{
    QUrl copy = url;
    copy.setUserInfo(QString());
    QUrlQuery query(copy);
    const auto items = query.queryItems(QUrl::FullyEncoded);
    QUrlQuery cleaned;
    for (const auto &[name, value] : items)
        cleaned.addQueryItem(name, isSecretName(name) ? QString::fromLatin1(kMask) : value);
    if (!items.isEmpty())
        copy.setQuery(cleaned);
    return QString::fromUtf8(redactText(copy.toEncoded()));
}

Exchange Redactor::redact(const HttpRequest &request, const HttpResponse &response) const
{
    Exchange exchange;
    exchange.startedAt = response.startedAt;
    exchange.durationMs = response.durationMs;
    exchange.method = QString::fromLatin1(request.method);
    exchange.url = redactUrl(request.url);
    exchange.requestHeaders = redactHeaders(request.headers);
    exchange.requestBody = redactBody(request.body);
    exchange.status = response.status;
    exchange.responseHeaders = redactHeaders(response.headers);
    exchange.responseBody = redactBody(response.body);
    exchange.error = response.transportError;
    return exchange;
}

} // namespace patchbay

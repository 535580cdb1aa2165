#include "WebhookVerifier.h"

#include "WebhookReceipt.h"
#include "catalog/DefinitionExpression.h"
#include "core/JsonPath.h"
#include "core/Timestamps.h"
#include "http/HttpTypes.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QUrlQuery>

#include <openssl/crypto.h>

#include <cstdlib>

namespace patchbay::webhook {

namespace {

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.constData(), b.constData(), static_cast<size_t>(a.size())) == 0;
}

} // namespace

QJsonValue evaluate(const QString &text, const QJsonValue &input, const jsonata::Bindings &bindings, QString *failure)
{
    if (text.isEmpty())
        return QJsonValue(QJsonValue::Undefined);
    auto value = DefinitionExpression::evaluate(text, input, bindings, QStringLiteral("The expression"));
    if (!value) {
        if (failure)
            *failure = value.error().message;
        return QJsonValue(QJsonValue::Undefined);
    }
    return value.value();
}

bool truthy(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool();
    if (value.isString())
        return !value.toString().isEmpty();
    if (value.isDouble())
        return value.toDouble() != 0;
    return value.isObject() || (value.isArray() && !value.toArray().isEmpty());
}

QJsonValue callJson(const QByteArray &body, QJsonParseError *error)
{
    const QJsonDocument document = QJsonDocument::fromJson(body, error);
    return document.isArray()    ? QJsonValue(document.array())
           : document.isObject() ? QJsonValue(document.object())
                                 : QJsonValue(QJsonValue::Undefined);
}

jsonata::Bindings callBindings(const WebhookCall &call, const QJsonValue &json)
{
    QJsonObject query;
    for (const auto &[name, value] : QUrlQuery(call.url).queryItems(QUrl::FullyDecoded))
        query.insert(name, value);
    jsonata::Bindings bindings;
    bindings.set("body", jsonata::Value::string(call.body.toStdString()));
    bindings.set("json", jsonata::Value::fromQJsonValue(json));
    bindings.set("method", jsonata::Value::string(call.method.toStdString()));
    bindings.set("url", jsonata::Value::string(call.url.toString(QUrl::FullyEncoded).toStdString()));
    bindings.set("headers", jsonata::Value::fromQJsonValue(headersToJson(call.headers)));
    bindings.set("query", jsonata::Value::fromQJsonValue(query));
    return bindings;
}

std::optional<QString> verify(const WebhookSpec &spec, const QJsonValue &json, jsonata::Bindings bindings,
                              const QByteArray &secret, const QDateTime &now)
{
    bindings.set("secret", jsonata::Value::string(secret.toStdString()));
    if (!spec.timestamp.isEmpty()) {
        const QString stamp = jsonScalarText(evaluate(spec.timestamp, json, bindings));
        if (stamp.isEmpty())
            return QStringLiteral("the call carries no timestamp");
        // A number past year 9999 either way is no timestamp, and milliseconds of it would overflow (found by
        // tests/fuzz/webhook_fuzz_verify).
        constexpr qint64 kLatestMs = 253402300799999;
        std::optional<qint64> ms;
        bool ok = false;
        if (spec.timestampFormat == QLatin1String("epochSeconds")) {
            const qint64 seconds = stamp.toLongLong(&ok);
            if (ok && seconds >= -kLatestMs / 1000 && seconds <= kLatestMs / 1000)
                ms = seconds * 1000;
        } else if (spec.timestampFormat == QLatin1String("epochMillis")) {
            const qint64 millis = stamp.toLongLong(&ok);
            if (ok)
                ms = millis;
        } else {
            ms = parseTimestampMs(stamp);
        }
        if (ms && (*ms < -kLatestMs || *ms > kLatestMs))
            ms.reset();
        if (!ms)
            return QStringLiteral("its timestamp '%1' is not %2").arg(stamp, spec.timestampFormat);
        const qint64 skew = std::llabs(now.toMSecsSinceEpoch() - *ms) / 1000;
        if (skew > spec.toleranceSeconds) {
            return QStringLiteral("its timestamp is %1 s away from now (tolerance %2 s): a replayed or delayed call")
                .arg(skew)
                .arg(spec.toleranceSeconds);
        }
        bindings.set("timestamp", jsonata::Value::string(stamp.toStdString()));
    }
    if (spec.algorithm != QLatin1String("none")) {
        if (secret.isEmpty())
            return QStringLiteral("the connection has no %1 to check the signature with").arg(spec.secret);
        QString failure;
        const QJsonValue message = evaluate(spec.message, json, bindings, &failure);
        if (!message.isString())
            return QStringLiteral("the signed message could not be built%1")
                .arg(failure.isEmpty() ? QString() : QStringLiteral(": ") + failure);
        const QJsonValue provided = evaluate(spec.provided, json, bindings);
        QList<QByteArray> candidates;
        if (provided.isArray()) {
            for (const QJsonValue &value : provided.toArray())
                candidates.append(value.toString().toUtf8());
        } else if (provided.isString()) {
            candidates.append(provided.toString().toUtf8());
        }
        candidates.removeAll(QByteArray());
        if (candidates.isEmpty())
            return QStringLiteral("the call carries no signature");
        QByteArray expected;
        if (spec.algorithm == QLatin1String("plain")) {
            expected = message.toString().toUtf8();
        } else {
            const auto algorithm =
                spec.algorithm == QLatin1String("hmac-sha1") ? QCryptographicHash::Sha1 : QCryptographicHash::Sha256;
            const QByteArray mac = QMessageAuthenticationCode::hash(message.toString().toUtf8(), secret, algorithm);
            expected = spec.encoding == QLatin1String("base64") ? mac.toBase64() : mac.toHex();
        }
        bool matched = false;
        for (const QByteArray &candidate : candidates) {
            // Hex digests compare case-insensitively; every candidate is compared, in constant time.
            const bool hexDigest = spec.encoding == QLatin1String("hex") && spec.algorithm != QLatin1String("plain");
            const QByteArray given = hexDigest ? candidate.toLower() : candidate;
            matched = constantTimeEquals(given, expected) || matched;
        }
        if (!matched)
            return QStringLiteral("its signature does not match");
    }
    if (!spec.check.isEmpty() && !truthy(evaluate(spec.check, json, bindings)))
        return QStringLiteral("the definition's check of the call failed");
    return std::nullopt;
}

} // namespace patchbay::webhook

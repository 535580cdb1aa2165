#include "CredentialsFile.h"

#include "core/BoundedFile.h"
#include "core/Timestamps.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QScopeGuard>

#include <algorithm>

using namespace patchbay;

namespace {

QString describeType(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

// 1-based line and column of a byte offset, for JSON syntax errors.
QString positionOf(const QByteArray &text, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, text.size());
    const qsizetype lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    return QStringLiteral("%1:%2").arg(text.left(offset).count('\n') + 1).arg(offset - lineStart + 1);
}

const QStringList &secretFields()
{
    static const QStringList fields{QStringLiteral("access_token"), QStringLiteral("refresh_token"),
                                    QStringLiteral("client_secret"), QStringLiteral("api_key"),
                                    QStringLiteral("webhook_secret")};
    return fields;
}

} // namespace

QString CredentialsFile::fieldHelp()
{
    return QStringLiteral("access_token, refresh_token, client_id, client_secret, api_key, webhook_secret (strings),\n"
                          "expires_at (seconds since 1970, or an ISO 8601 string), connection (an object: the\n"
                          "connection config, such as instance_url, subdomain or cloud_id)");
}

Result<CredentialsFile> CredentialsFile::read(const QString &path)
{
    auto bytes = readBoundedFile(path, kMaxBytes);
    if (!bytes)
        return Error{bytes.error().code, QStringLiteral("%1 %2").arg(path, bytes.error().message)};
    const auto wipe = qScopeGuard([&bytes] { wipeBytes(bytes.value()); });
    return parse(bytes.value(), path);
}

Result<CredentialsFile> CredentialsFile::parse(const QByteArray &bytes, const QString &path)
{
    const auto fail = [&path](const QString &message) {
        return makeError("cli.credentials", QStringLiteral("%1: %2").arg(path, message));
    };
    // Parsed inside an array so that a file holding a lone value (null, a string) is named for what it is.
    QByteArray wrapped = '[' + bytes + "\n]";
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(wrapped, &parseError);
    wipeBytes(wrapped);
    if (parseError.error != QJsonParseError::NoError) {
        return fail(QStringLiteral("%1: not valid JSON (%2)")
                        .arg(positionOf(bytes, parseError.offset - 1), parseError.errorString()));
    }
    const QJsonArray values = document.array();
    if (values.size() != 1 || !values.first().isObject()) {
        const QString found = values.isEmpty()    ? QStringLiteral("it is empty")
                              : values.size() > 1 ? QStringLiteral("it holds %1 values").arg(values.size())
                                                  : QStringLiteral("not %1").arg(describeType(values.first()));
        return fail(QStringLiteral("must be one JSON object such as {\"access_token\": \"...\", \"expires_at\": "
                                   "\"2030-01-01T00:00:00Z\"}, %1")
                        .arg(found));
    }
    const QJsonObject object = values.first().toObject();
    CredentialsFile file;
    const QStringList stringFields = secretFields() + QStringList{QStringLiteral("client_id")};
    const QStringList known = stringFields + QStringList{QStringLiteral("expires_at"), QStringLiteral("connection")};
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString &field = it.key();
        const QJsonValue &value = it.value();
        if (stringFields.contains(field)) {
            if (!value.isString())
                return fail(QStringLiteral("field '%1' must be a string, not %2").arg(field, describeType(value)));
            const QByteArray text = value.toString().toUtf8();
            if (field == QLatin1String("access_token"))
                file.credential.accessToken = SecretBytes(text);
            else if (field == QLatin1String("refresh_token"))
                file.credential.refreshToken = SecretBytes(text);
            else if (field == QLatin1String("client_secret"))
                file.credential.clientSecret = SecretBytes(text);
            else if (field == QLatin1String("api_key"))
                file.credential.apiKey = SecretBytes(text);
            else if (field == QLatin1String("webhook_secret"))
                file.credential.webhookSecret = SecretBytes(text);
            else
                file.credential.clientId = value.toString();
        } else if (field == QLatin1String("expires_at")) {
            const QString expected =
                QStringLiteral("field 'expires_at' must be a number of seconds since 1970 or an ISO 8601 string");
            // The latest second an ISO 8601 string can name (9999-12-31T23:59:59Z): a larger number does not fit
            // a millisecond count (found by tests/fuzz).
            constexpr double kLatestSeconds = 253402300799.0;
            std::optional<qint64> ms;
            if (value.isDouble() && value.toDouble() >= 0) {
                if (value.toDouble() <= kLatestSeconds)
                    ms = static_cast<qint64>(value.toDouble() * 1000);
            } else if (value.isString()) {
                ms = parseTimestampMs(value.toString());
            } else {
                return fail(QStringLiteral("%1, not %2").arg(expected, describeType(value)));
            }
            if (!ms) {
                const QString text = value.isDouble() ? QString::number(value.toDouble()) : value.toString();
                return fail(
                    QStringLiteral("%1 such as 2030-01-01T00:00:00Z; '%2' is not one").arg(expected, text.left(40)));
            }
            file.credential.expiresAt = QDateTime::fromMSecsSinceEpoch(*ms, Qt::UTC);
        } else if (field == QLatin1String("connection")) {
            if (!value.isObject()) {
                return fail(QStringLiteral("field 'connection' must be an object of connection config (such as "
                                           "{\"instance_url\": \"https://...\"}), not %1")
                                .arg(describeType(value)));
            }
            file.connection = value.toObject();
        } else {
            return fail(
                QStringLiteral("unknown field '%1'; the fields are %2").arg(field, known.join(QStringLiteral(", "))));
        }
    }
    return file;
}

Result<void> CredentialsFile::writeTokens(const QString &path, const Credential &credential)
{
    auto bytes = readBoundedFile(path, kMaxBytes);
    if (!bytes)
        return Error{bytes.error().code, QStringLiteral("%1 %2").arg(path, bytes.error().message)};
    const auto wipe = qScopeGuard([&bytes] { wipeBytes(bytes.value()); });
    QJsonObject object = QJsonDocument::fromJson(bytes.value()).object();
    object.insert(QStringLiteral("access_token"), QString::fromUtf8(credential.accessToken.reveal()));
    if (!credential.refreshToken.isEmpty())
        object.insert(QStringLiteral("refresh_token"), QString::fromUtf8(credential.refreshToken.reveal()));
    if (credential.expiresAt.isValid())
        object.insert(QStringLiteral("expires_at"), credential.expiresAt.toUTC().toString(Qt::ISODate));
    else
        object.remove(QStringLiteral("expires_at"));
    QByteArray text = QJsonDocument(object).toJson();
    const auto wipeText = qScopeGuard([&text] { wipeBytes(text); });

    // QSaveFile writes a temporary file beside the target with the target's permissions, syncs it to disk on
    // commit and renames it over the target.
    QSaveFile file(path);
    const auto fail = [&path, &file] {
        return makeError("cli.credentials_write",
                         QStringLiteral("%1: could not write the refreshed tokens (%2)").arg(path, file.errorString()));
    };
    if (!file.open(QIODevice::WriteOnly))
        return fail();
    if (file.write(text) != text.size()) {
        file.cancelWriting();
        return fail();
    }
    if (!file.commit())
        return fail();
    return {};
}

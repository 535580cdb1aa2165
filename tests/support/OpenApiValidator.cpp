#include "OpenApiValidator.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <cmath>

namespace patchbay::test {

namespace {

bool hasType(const QJsonValue &value, const QString &type)
{
    if (type == QLatin1String("object"))
        return value.isObject();
    if (type == QLatin1String("array"))
        return value.isArray();
    if (type == QLatin1String("string"))
        return value.isString();
    if (type == QLatin1String("boolean"))
        return value.isBool();
    if (type == QLatin1String("null"))
        return value.isNull();
    if (type == QLatin1String("number"))
        return value.isDouble();
    if (type == QLatin1String("integer"))
        return value.isDouble() && std::floor(value.toDouble()) == value.toDouble();
    return false;
}

QString describe(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact)).mid(1).chopped(1).left(80);
}

} // namespace

QJsonObject OpenApiValidator::resolve(const QJsonObject &maybeRef) const
{
    QJsonObject object = maybeRef;
    for (int depth = 0; depth < 16 && object.contains(QStringLiteral("$ref")); ++depth) {
        const QString ref = object.value(QStringLiteral("$ref")).toString();
        if (!ref.startsWith(QLatin1String("#/")))
            return {};
        QJsonValue at = m_document;
        for (const QString &part : ref.mid(2).split(QLatin1Char('/')))
            at = at.toObject().value(part);
        object = at.toObject();
    }
    return object;
}

QString OpenApiValidator::pathFor(const QString &path) const
{
    const QStringList segments = path.split(QLatin1Char('/'));
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    QString best;
    QString bestRank;
    for (auto it = paths.constBegin(); it != paths.constEnd(); ++it) {
        const QStringList pattern = it.key().split(QLatin1Char('/'));
        // A last segment {+name} takes the rest of the path (the router's rest-of-path parameter).
        const bool rest = pattern.last().startsWith(QLatin1String("{+"));
        if (rest ? segments.size() < pattern.size() : pattern.size() != segments.size())
            continue;
        QString rank;
        bool matches = true;
        for (qsizetype i = 0; i < pattern.size() && matches; ++i) {
            if (rest && i + 1 == pattern.size()) {
                matches = !segments.mid(i).join(QLatin1Char('/')).isEmpty();
                rank.append(QLatin1Char('2'));
                break;
            }
            const bool parameter = pattern.at(i).startsWith(QLatin1Char('{'));
            matches = parameter ? !segments.at(i).isEmpty() : pattern.at(i) == segments.at(i);
            rank.append(parameter ? QLatin1Char('1') : QLatin1Char('0'));
        }
        if (matches && (best.isEmpty() || rank < bestRank)) {
            best = it.key();
            bestRank = rank;
        }
    }
    return best;
}

QStringList OpenApiValidator::checkResponse(const QByteArray &method, const QString &path, int status,
                                            const QByteArray &body) const
{
    const QString pattern = pathFor(QUrl(path).path());
    if (pattern.isEmpty())
        return {QStringLiteral("%1 is not in the document").arg(path)};
    const QString where = QStringLiteral("%1 %2 %3").arg(QString::fromLatin1(method), pattern).arg(status);
    const QJsonObject operation = m_document.value(QStringLiteral("paths"))
                                      .toObject()
                                      .value(pattern)
                                      .toObject()
                                      .value(QString::fromLatin1(method).toLower())
                                      .toObject();
    if (operation.isEmpty())
        return {QStringLiteral("%1: the operation is not in the document").arg(where)};
    const QJsonObject responses = operation.value(QStringLiteral("responses")).toObject();
    QJsonValue response = responses.value(QString::number(status));
    if (response.isUndefined())
        response = responses.value(QStringLiteral("%1XX").arg(status / 100));
    if (response.isUndefined())
        response = responses.value(QStringLiteral("default"));
    if (response.isUndefined())
        return {QStringLiteral("%1: the status is not in the document").arg(where)};
    const QJsonObject content = resolve(response.toObject()).value(QStringLiteral("content")).toObject();
    if (content.isEmpty()) {
        if (!body.isEmpty())
            return {QStringLiteral("%1: a body where the document says none").arg(where)};
        return {};
    }
    const QJsonObject schema = content.value(QStringLiteral("application/json"))
                                   .toObject()
                                   .value(QStringLiteral("schema"))
                                   .toObject();
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        // A page for a browser (the connect link, the OAuth callback): fine where the document declares one.
        const QStringList types = content.keys();
        const bool otherMediaType = std::any_of(types.begin(), types.end(), [](const QString &type) {
            return type != QLatin1String("application/json");
        });
        if (otherMediaType && !body.isEmpty())
            return {};
        return {QStringLiteral("%1: the body is not JSON").arg(where)};
    }
    return checkValue(parsed.isObject() ? QJsonValue(parsed.object()) : QJsonValue(parsed.array()), schema,
                      where + QStringLiteral(" body"));
}

QStringList OpenApiValidator::checkValue(const QJsonValue &value, const QJsonObject &unresolved,
                                         const QString &where) const
{
    const QJsonObject schema = resolve(unresolved);
    QStringList problems;
    for (const char *keyword : {"anyOf", "oneOf"}) {
        const QJsonArray options = schema.value(QLatin1String(keyword)).toArray();
        if (options.isEmpty())
            continue;
        const bool fits = std::any_of(options.begin(), options.end(), [&](const QJsonValue &option) {
            return checkValue(value, option.toObject(), where).isEmpty();
        });
        if (!fits)
            problems.append(QStringLiteral("%1: %2 fits none of %3").arg(where, describe(value), QLatin1String(keyword)));
    }
    if (const QJsonValue type = schema.value(QStringLiteral("type")); !type.isUndefined()) {
        const QJsonArray types = type.isArray() ? type.toArray() : QJsonArray{type};
        const bool fits = std::any_of(types.begin(), types.end(),
                                      [&](const QJsonValue &name) { return hasType(value, name.toString()); });
        if (!fits) {
            problems.append(QStringLiteral("%1: %2 is not of type %3")
                                .arg(where, describe(value), describe(type)));
            return problems;
        }
    }
    if (const QJsonArray allowed = schema.value(QStringLiteral("enum")).toArray();
        !allowed.isEmpty() && !allowed.contains(value))
        problems.append(QStringLiteral("%1: %2 is not one of %3").arg(where, describe(value), describe(allowed)));
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        const QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
        for (const QJsonValue &name : schema.value(QStringLiteral("required")).toArray()) {
            if (!object.contains(name.toString()))
                problems.append(QStringLiteral("%1: lacks the required %2").arg(where, name.toString()));
        }
        const QJsonValue additional = schema.value(QStringLiteral("additionalProperties"));
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const QString at = where + QLatin1Char('.') + it.key();
            if (properties.contains(it.key()))
                problems += checkValue(it.value(), properties.value(it.key()).toObject(), at);
            else if (additional.isBool() && !additional.toBool())
                problems.append(QStringLiteral("%1: not in the schema").arg(at));
            else if (additional.isObject())
                problems += checkValue(it.value(), additional.toObject(), at);
        }
    }
    if (value.isArray() && schema.contains(QStringLiteral("items"))) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            problems += checkValue(array.at(i), schema.value(QStringLiteral("items")).toObject(),
                                   QStringLiteral("%1[%2]").arg(where).arg(i));
    }
    return problems;
}

} // namespace patchbay::test

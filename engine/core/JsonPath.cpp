#include "JsonPath.h"

#include <QJsonDocument>

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay {

namespace {

QJsonValue step(const QJsonValue &current, QStringView name)
{
    if (current.isObject())
        return current.toObject().value(name);
    if (current.isArray()) {
        bool ok = false;
        const int index = name.toInt(&ok);
        const QJsonArray array = current.toArray();
        if (ok && index >= 0 && index < array.size())
            return array.at(index);
    }
    return QJsonValue(QJsonValue::Undefined);
}

} // namespace

QJsonValue jsonValueAt(const QJsonValue &root, const QString &dottedPath)
{
    if (dottedPath.isEmpty())
        return root;
    // Keys may hold dots themselves ("@odata.nextLink"): at each level the longest key that matches wins.
    const QStringView path(dottedPath);
    if (root.isObject() && root.toObject().contains(path))
        return root.toObject().value(path);
    for (qsizetype dot = path.indexOf(QLatin1Char('.')); dot >= 0; dot = path.indexOf(QLatin1Char('.'), dot + 1)) {
        const QJsonValue head = step(root, path.left(dot));
        if (!head.isUndefined()) {
            const QJsonValue found = jsonValueAt(head, path.mid(dot + 1).toString());
            if (!found.isUndefined())
                return found;
        }
    }
    return step(root, path);
}

QString jsonScalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return value.toString();
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (d == static_cast<double>(static_cast<qint64>(d)))
            return QString::number(static_cast<qint64>(d));
        return QString::number(d, 'g', 17);
    }
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    default: return {};
    }
}

QString jsonText(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return jsonScalarText(value);
}

} // namespace patchbay

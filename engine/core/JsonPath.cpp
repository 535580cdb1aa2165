#include "JsonPath.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay {

QJsonValue jsonValueAt(const QJsonValue &root, const QString &dottedPath)
{
    if (dottedPath.isEmpty())
        return root;
    QJsonValue current = root;
    for (const QStringView step : QStringView(dottedPath).split(QLatin1Char('.'))) {
        if (current.isObject()) {
            current = current.toObject().value(step);
        } else if (current.isArray()) {
            bool ok = false;
            const int index = step.toInt(&ok);
            const QJsonArray array = current.toArray();
            if (!ok || index < 0 || index >= array.size())
                return QJsonValue(QJsonValue::Undefined);
            current = array.at(index);
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return current;
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

} // namespace patchbay

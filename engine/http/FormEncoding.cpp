#include "FormEncoding.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QUrl>

namespace patchbay {

namespace {

void append(QByteArray &out, const QString &name, const QJsonValue &value)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            append(out, name.isEmpty() ? it.key() : name + QLatin1Char('[') + it.key() + QLatin1Char(']'), it.value());
        return;
    }
    if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            append(out, name + QStringLiteral("[%1]").arg(i), array.at(i));
        return;
    }
    if (name.isEmpty() || value.isUndefined())
        return;
    QString text;
    if (value.isBool())
        text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    else if (value.isDouble())
        text = QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    else if (value.isString())
        text = value.toString();
    if (!out.isEmpty())
        out += '&';
    out += QUrl::toPercentEncoding(name) + '=' + QUrl::toPercentEncoding(text);
}

} // namespace

QByteArray encodeForm(const QJsonValue &value)
{
    QByteArray out;
    append(out, QString(), value);
    return out;
}

} // namespace patchbay

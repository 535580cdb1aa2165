#include "TimeFormat.h"

#include "jsonata/Expression.h"

#include <QDateTime>

namespace patchbay {

Result<QString> formatTimestamp(qint64 ms, const QString &format)
{
    if (format == QLatin1String("epochMillis"))
        return QString::number(ms);
    if (format == QLatin1String("epochSeconds"))
        return QString::number(ms / 1000);
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    if (format.isEmpty() || format == QLatin1String("iso8601"))
        return time.toString(Qt::ISODate);
    if (format == QLatin1String("iso8601ms"))
        return time.toString(Qt::ISODateWithMs);
    static const auto formatter = jsonata::Expression::compile(std::string_view("$fromMillis($ms, $picture)"));
    jsonata::Bindings bindings;
    bindings.set("ms", jsonata::Value::number(static_cast<double>(ms)));
    bindings.set("picture", jsonata::Value::string(format.toStdString()));
    auto formatted = formatter.value().evaluate(jsonata::Value::null(), bindings);
    if (!formatted || !formatted.value().isString()) {
        return makeError("time.bad_format", QStringLiteral("'%1' is not a time format: use iso8601, epochSeconds, "
                                                           "epochMillis or a $fromMillis picture")
                                                .arg(format));
    }
    return QString::fromStdString(formatted.value().asString());
}

} // namespace patchbay

#include "Timestamps.h"

#include "jsonata/Expression.h"

#include <QDateTime>
#include <QRegularExpression>

namespace patchbay {

std::optional<qint64> parseTimestampMs(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    bool numeric = false;
    const double number = trimmed.toDouble(&numeric);
    if (numeric) {
        const double ms = number > 1e11 ? number : number * 1000;
        // Past year 9999 either way (or NaN) is no timestamp, and does not fit a qint64 (found by tests/fuzz).
        if (!(ms >= -253402300799999.0 && ms <= 253402300799999.0))
            return std::nullopt;
        return static_cast<qint64>(ms);
    }
    QString iso = trimmed;
    if (iso.size() >= 19 && iso.at(10) == QLatin1Char(' '))
        iso[10] = QLatin1Char('T');
    static const QRegularExpression offsetWithoutColon(QStringLiteral("([+-]\\d\\d)(\\d\\d)$"));
    iso.replace(offsetWithoutColon, QStringLiteral("\\1:\\2"));
    QDateTime time = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeSpec(Qt::UTC); // no zone given: providers mean UTC
    return time.toMSecsSinceEpoch();
}

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

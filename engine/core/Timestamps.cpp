#include "Timestamps.h"

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

} // namespace patchbay

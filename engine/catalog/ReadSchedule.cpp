#include "ReadSchedule.h"

#include <QRegularExpression>

namespace patchbay {

QDateTime ReadSchedule::nextAfter(const QDateTime &previous) const
{
    if (cron)
        return cron->nextAfter(previous);
    return previous.addSecs(every.count());
}

QString ReadSchedule::describe() const
{
    if (cron)
        return QStringLiteral("cron %1").arg(cron->text());
    const qint64 seconds = every.count();
    for (const auto &[unit, size] : {std::pair{'d', 86400}, std::pair{'h', 3600}, std::pair{'m', 60}}) {
        if (seconds % size == 0)
            return QStringLiteral("every %1%2").arg(seconds / size).arg(QLatin1Char(unit));
    }
    return QStringLiteral("every %1s").arg(seconds);
}

Result<std::chrono::seconds> ReadSchedule::parseSpan(const QString &text)
{
    static const QRegularExpression span(QStringLiteral("^(\\d{1,9})([smhd])$"));
    const auto match = span.match(text.trimmed());
    const qint64 count = match.hasMatch() ? match.captured(1).toLongLong() : 0;
    if (count <= 0) {
        return makeError("catalog.bad_span", QStringLiteral("'%1' is not a span; write a whole number above 0 and a "
                                                            "unit: s, m, h or d (e.g. 30m)")
                                                 .arg(text));
    }
    static const QHash<QChar, qint64> unitSeconds = {
        {QLatin1Char('s'), 1}, {QLatin1Char('m'), 60}, {QLatin1Char('h'), 3600}, {QLatin1Char('d'), 86400}};
    return std::chrono::seconds(count * unitSeconds.value(match.captured(2).at(0)));
}

qint64 BackfillStart::startMs(const QDateTime &now) const
{
    if (at.isValid())
        return at.toMSecsSinceEpoch();
    if (ago.count() > 0)
        return now.addSecs(-ago.count()).toMSecsSinceEpoch();
    return 0;
}

Result<BackfillStart> BackfillStart::parse(const QString &text)
{
    BackfillStart start;
    if (auto span = ReadSchedule::parseSpan(text)) {
        start.ago = span.value();
        return start;
    }
    const QString trimmed = text.trimmed();
    const QDate date = QDate::fromString(trimmed, Qt::ISODate);
    if (date.isValid() && trimmed.size() == 10) {
        start.at = QDateTime(date, QTime(0, 0), Qt::UTC);
        return start;
    }
    QDateTime time = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    if (time.isValid()) {
        if (time.timeSpec() == Qt::LocalTime)
            time.setTimeSpec(Qt::UTC); // no offset written: UTC, as everywhere in manifests
        start.at = time.toUTC();
        return start;
    }
    return makeError("catalog.bad_since", QStringLiteral("'%1' is neither a date (2024-01-31), a time "
                                                         "(2024-01-31T08:00:00Z) nor a span back from the read (90d)")
                                              .arg(text));
}

} // namespace patchbay

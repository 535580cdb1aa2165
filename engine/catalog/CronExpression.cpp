#include "CronExpression.h"

#include <QRegularExpression>
#include <QStringList>

namespace patchbay {

namespace {

struct FieldRange
{
    const char *name;
    int min;
    int max;
};

constexpr FieldRange kFields[] = {
    {"minute", 0, 59}, {"hour", 0, 23}, {"day of month", 1, 31}, {"month", 1, 12}, {"day of week", 0, 7}};

Error badField(int index, const QString &field, const QString &problem)
{
    const FieldRange &range = kFields[index];
    return makeError("catalog.bad_cron", QStringLiteral("field %1 (%2) '%3': %4; it takes *, %5-%6, ranges a-b, "
                                                        "steps */n or a-b/n, and lists of those")
                                             .arg(index + 1)
                                             .arg(QLatin1String(range.name), field, problem)
                                             .arg(range.min)
                                             .arg(range.max));
}

// Sets the values one field allows in bits (indexed by value); whether it restricts anything (is not `*`).
Result<bool> parseField(int index, const QString &field, std::bitset<64> &bits)
{
    const FieldRange &range = kFields[index];
    static const QRegularExpression item(QStringLiteral("^(\\*|(\\d{1,2})(?:-(\\d{1,2}))?)(?:/(\\d{1,2}))?$"));
    for (const QString &part : field.split(QLatin1Char(','))) {
        const auto match = item.match(part);
        if (!match.hasMatch())
            return badField(index, field, QStringLiteral("'%1' is not a value, range or step").arg(part));
        int from = range.min;
        int to = range.max;
        if (match.captured(1) != QLatin1String("*")) {
            from = match.captured(2).toInt();
            // `a/n` steps from a to the end of the range, as in cron.
            to = match.hasCaptured(3) ? match.captured(3).toInt()
                                      : (match.hasCaptured(4) ? range.max : from);
        }
        const int step = match.hasCaptured(4) ? match.captured(4).toInt() : 1;
        if (from < range.min || to > range.max || from > to)
            return badField(index, field, QStringLiteral("'%1' is out of range").arg(part));
        if (step < 1)
            return badField(index, field, QStringLiteral("'%1' has a step of 0").arg(part));
        for (int value = from; value <= to; value += step)
            bits.set(static_cast<size_t>(value));
    }
    return field != QLatin1String("*");
}

template <size_t N> std::bitset<N> narrow(const std::bitset<64> &bits)
{
    std::bitset<N> result;
    for (size_t i = 0; i < N; ++i)
        result[i] = bits[i];
    return result;
}

} // namespace

Result<CronExpression> CronExpression::parse(const QString &text)
{
    const QStringList fields = text.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (fields.size() != 5) {
        return makeError("catalog.bad_cron", QStringLiteral("'%1' has %2 fields; a cron schedule has 5: minute, hour, "
                                                            "day of month, month and day of week (UTC)")
                                                 .arg(text)
                                                 .arg(fields.size()));
    }
    CronExpression cron;
    cron.m_text = fields.join(QLatin1Char(' '));
    std::bitset<64> bits[5];
    bool restricted[5] = {};
    for (int i = 0; i < 5; ++i) {
        auto parsed = parseField(i, fields.at(i), bits[i]);
        if (!parsed)
            return parsed.error();
        restricted[i] = parsed.value();
    }
    cron.m_minutes = narrow<60>(bits[0]);
    cron.m_hours = narrow<24>(bits[1]);
    cron.m_daysOfMonth = narrow<32>(bits[2]);
    cron.m_months = narrow<13>(bits[3]);
    cron.m_daysOfWeek = narrow<7>(bits[4]);
    if (bits[4][7])
        cron.m_daysOfWeek.set(0); // 7 is Sunday too
    cron.m_dayOfMonthRestricted = restricted[2];
    cron.m_dayOfWeekRestricted = restricted[4];
    // 2000-01-01 starts a leap year, so a 29 February schedule is found; nothing found means never.
    if (!cron.nextAfter(QDateTime(QDate(2000, 1, 1), QTime(0, 0), Qt::UTC)).isValid()) {
        return makeError("catalog.bad_cron",
                         QStringLiteral("'%1' never fires: no month has that day").arg(cron.m_text));
    }
    return cron;
}

bool CronExpression::dayMatches(const QDate &date) const
{
    const bool dayOfMonth = m_daysOfMonth[static_cast<size_t>(date.day())];
    const bool dayOfWeek = m_daysOfWeek[static_cast<size_t>(date.dayOfWeek() % 7)];
    if (m_dayOfMonthRestricted && m_dayOfWeekRestricted)
        return dayOfMonth || dayOfWeek;
    return dayOfMonth && dayOfWeek;
}

QDateTime CronExpression::nextAfter(const QDateTime &after) const
{
    const QDateTime utc = after.toUTC();
    QDate date = utc.date();
    // The next whole minute: seconds are dropped, so a time on a firing minute moves on to the next one.
    int minuteOfDay = utc.time().hour() * 60 + utc.time().minute() + 1;
    const QDate limit = date.addYears(8);
    while (date <= limit) {
        if (minuteOfDay >= 24 * 60 || !m_months[static_cast<size_t>(date.month())] || !dayMatches(date)) {
            // Skip the rest of the day (or month) at once.
            date = m_months[static_cast<size_t>(date.month())] ? date.addDays(1)
                                                              : QDate(date.year(), date.month(), 1).addMonths(1);
            minuteOfDay = 0;
            continue;
        }
        const int hour = minuteOfDay / 60;
        if (!m_hours[static_cast<size_t>(hour)]) {
            minuteOfDay = (hour + 1) * 60;
            continue;
        }
        if (!m_minutes[static_cast<size_t>(minuteOfDay % 60)]) {
            ++minuteOfDay;
            continue;
        }
        return QDateTime(date, QTime(hour, minuteOfDay % 60), Qt::UTC);
    }
    return {};
}

} // namespace patchbay

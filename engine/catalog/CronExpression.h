#pragma once

#include "core/Result.h"

#include <QDateTime>
#include <QString>

#include <bitset>

namespace patchbay {

// A cron-style schedule of five fields — minute (0-59), hour (0-23), day of month (1-31), month (1-12), day of week
// (0-7, 0 and 7 both Sunday) — read in UTC. Each field is `*`, a number, a range `a-b`, a step `*/n`, `a-b/n` or
// `a/n`, or a comma-separated list of those. As in cron, when both day fields are restricted a day matching either
// one fires.
class CronExpression
{
public:
    // Fails with catalog.bad_cron naming the field and what it accepts; an expression that can never fire (31 February)
    // is refused too.
    static Result<CronExpression> parse(const QString &text);

    // The first minute strictly after `after` (in UTC) at which it fires; invalid when there is none within years.
    QDateTime nextAfter(const QDateTime &after) const;

    const QString &text() const { return m_text; }

private:
    bool dayMatches(const QDate &date) const;

    QString m_text;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_daysOfMonth;
    std::bitset<13> m_months;
    std::bitset<7> m_daysOfWeek;
    bool m_dayOfMonthRestricted = false;
    bool m_dayOfWeekRestricted = false;
};

} // namespace patchbay

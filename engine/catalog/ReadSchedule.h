#pragma once

#include "CronExpression.h"
#include "core/Result.h"

#include <QDateTime>
#include <QString>

#include <chrono>
#include <optional>

namespace patchbay {

// When an integration reads an object on its own (a read object's `schedule:`): every fixed interval, or on a cron
// schedule in UTC. Not set: the object is read only when asked.
struct ReadSchedule
{
    std::chrono::seconds every{0};
    std::optional<CronExpression> cron;

    bool isSet() const { return every.count() > 0 || cron.has_value(); }
    // The first time after `previous` (the last run's due time) that the object is due again.
    QDateTime nextAfter(const QDateTime &previous) const;
    // "every 30m", "cron */15 * * * *": for logs and messages.
    QString describe() const;

    // A span as the manifests write it: a whole number and a unit, s, m, h or d ("30m", "90d"); more than zero.
    static Result<std::chrono::seconds> parseSpan(const QString &text);
};

// Where the first read of an object (its backfill) starts (a read object's `since:`): a date or time (ISO 8601, UTC
// unless it says otherwise), or a span back from the read ("90d"). Not set: the whole history. Later reads go on from
// the stored cursor.
struct BackfillStart
{
    QDateTime at;
    std::chrono::seconds ago{0};

    bool isSet() const { return at.isValid() || ago.count() > 0; }
    // The start in milliseconds since 1970 for a read at `now`; 0 when not set.
    qint64 startMs(const QDateTime &now) const;

    // Fails with catalog.bad_since saying what it takes.
    static Result<BackfillStart> parse(const QString &text);
};

} // namespace patchbay

#include "DisplayFormat.h"

#include "core/ExecutionQuery.h"
#include "core/Executions.h"
#include "core/Tenancy.h"

#include <QGuiApplication>
#include <QLocale>

namespace patchbay::DisplayFormat {

namespace {

const QColor kGreen(0x2e, 0x7d, 0x32);
const QColor kAmber(0xb2, 0x6a, 0x00);
const QColor kRed(0xc6, 0x28, 0x28);
const QColor kDarkRed(0x7f, 0x00, 0x00);
const QColor kBlue(0x15, 0x65, 0xc0);
const QColor kGrey(0x75, 0x75, 0x75);

QString ago(qint64 secs)
{
    if (secs < 45)
        return QStringLiteral("just now");
    if (secs < 3600)
        return QStringLiteral("%1 min").arg(qMax<qint64>(1, (secs + 30) / 60));
    if (secs < 48 * 3600)
        return QStringLiteral("%1 h").arg((secs + 1800) / 3600);
    return QStringLiteral("%1 d").arg((secs + 43200) / 86400);
}

} // namespace

QString relativeTime(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid())
        return QStringLiteral("never");
    const qint64 secs = time.secsTo(now);
    if (secs >= 0) {
        const QString amount = ago(secs);
        return secs < 45 ? amount : amount + QStringLiteral(" ago");
    }
    const qint64 ahead = -secs;
    return ahead < 45 ? QStringLiteral("now") : QStringLiteral("in ") + ago(ahead);
}

QString shortTime(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid())
        return QString();
    const QDateTime local = time.toLocalTime();
    const QDateTime localNow = now.toLocalTime();
    if (local.date() == localNow.date())
        return local.toString(QStringLiteral("HH:mm:ss"));
    if (local.date().year() == localNow.date().year())
        return QLocale::c().toString(local, QStringLiteral("MMM d HH:mm"));
    return QLocale::c().toString(local, QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString fullTime(const QDateTime &time)
{
    if (!time.isValid())
        return QString();
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t"));
}

QString duration(qint64 milliseconds)
{
    if (milliseconds < 0)
        return QString();
    if (milliseconds < 1000)
        return QStringLiteral("%1 ms").arg(milliseconds);
    if (milliseconds < 60'000)
        return QStringLiteral("%1 s").arg(QLocale::c().toString(milliseconds / 1000.0, 'f', 1));
    const qint64 secs = milliseconds / 1000;
    if (secs < 3600)
        return QStringLiteral("%1 min %2 s").arg(secs / 60).arg(secs % 60);
    return QStringLiteral("%1 h %2 min").arg(secs / 3600).arg((secs % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString connectionStatusText(const QString &status)
{
    if (status == ConnectionStatus::Active)
        return QStringLiteral("Active");
    if (status == ConnectionStatus::NeedsReauth)
        return QStringLiteral("Needs re-auth");
    if (status == ConnectionStatus::Paused)
        return QStringLiteral("Paused");
    return status;
}

QString executionStatusText(const QString &status)
{
    if (status == ExecutionStatus::Running)
        return QStringLiteral("running");
    if (status == ExecutionStatus::Succeeded)
        return QStringLiteral("succeeded");
    if (status == ExecutionStatus::Failed)
        return QStringLiteral("failed");
    if (status == ExecutionStatus::Interrupted)
        return QStringLiteral("interrupted");
    return status;
}

QColor tokenStateColor(TokenState state)
{
    switch (state) {
    case TokenState::Valid:
        return kGreen;
    case TokenState::Expiring:
        return kAmber;
    case TokenState::Expired:
        return kRed;
    case TokenState::NeedsReauth:
        return kDarkRed;
    case TokenState::Unknown:
        break;
    }
    return kGrey;
}

QColor executionStatusColor(const QString &status)
{
    if (status == ExecutionStatus::Succeeded)
        return kGreen;
    if (status == ExecutionStatus::Failed)
        return kRed;
    if (status == ExecutionStatus::Running)
        return kBlue;
    // Not the run's own failure (its process stopped), but it did not finish either.
    if (status == ExecutionStatus::Interrupted)
        return kAmber;
    return kGrey;
}

QString executionOutcomeText(const QString &outcome, qint64 failedRecords)
{
    if (outcome == ExecutionOutcome::Partial)
        return QStringLiteral("succeeded with %1 failed record%2")
            .arg(failedRecords)
            .arg(failedRecords == 1 ? QLatin1String() : QLatin1String("s"));
    return executionStatusText(outcome);
}

QColor executionOutcomeColor(const QString &outcome, const QPalette &palette)
{
    if (outcome != ExecutionOutcome::Partial)
        return executionStatusColor(outcome);
    // Between the text's lightness and the middle: dark orange on a light theme, light orange on a dark one.
    const int lightness = (palette.color(QPalette::Text).lightness() + 2 * 128) / 3;
    return QColor::fromHsl(28, 220, lightness);
}

QColor eventLevelColor(const QString &level)
{
    if (level == EventLevel::Error)
        return kRed;
    if (level == EventLevel::Warning)
        return kAmber;
    if (level == EventLevel::Debug)
        return kGrey;
    return kBlue;
}

QColor httpStatusColor(int status)
{
    if (status >= 200 && status < 300)
        return kGreen;
    if (status == 429 || (status >= 300 && status < 500 && status != 401 && status != 403))
        return kAmber;
    return kRed; // 0 (no response), 401/403, 5xx
}

QPalette applicationPalette()
{
    return qobject_cast<QGuiApplication *>(QCoreApplication::instance()) ? QGuiApplication::palette() : QPalette();
}

} // namespace patchbay::DisplayFormat

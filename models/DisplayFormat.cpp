#include "DisplayFormat.h"

#include "core/ExecutionQuery.h"
#include "core/Executions.h"
#include "core/Tenancy.h"
#include "ops/OpsTypes.h"

#include <QGuiApplication>
#include <QLocale>

namespace patchbay::DisplayFormat {

namespace {

// Status colours are hues, made as light or dark as the palette needs: halfway between its text and the middle grey,
// so dark on a light theme and light on a dark one, and always readable over the base colour.
QColor readable(int hue, int saturation, const QPalette &palette = applicationPalette())
{
    const int lightness = (palette.color(QPalette::Text).lightness() + 128) / 2;
    return QColor::fromHsl(hue, saturation, lightness);
}

QColor green() { return readable(123, 170); }
QColor amber() { return readable(36, 255); }
QColor red() { return readable(0, 200); }
QColor magenta() { return readable(320, 200); } // needs re-auth: as urgent as red, told apart from it
QColor blue() { return readable(212, 200); }
QColor grey() { return readable(0, 0); }

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
        return green();
    case TokenState::Expiring:
        return amber();
    case TokenState::Expired:
        return red();
    case TokenState::NeedsReauth:
        return magenta();
    case TokenState::Unknown:
        break;
    }
    return grey();
}

QColor executionStatusColor(const QString &status)
{
    if (status == ExecutionStatus::Succeeded)
        return green();
    if (status == ExecutionStatus::Failed)
        return red();
    if (status == ExecutionStatus::Running)
        return blue();
    // Not the run's own failure (its process stopped), but it did not finish either.
    if (status == ExecutionStatus::Interrupted)
        return amber();
    return grey();
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
    return readable(24, 255, palette);
}

QString healthText(const QString &health)
{
    if (health == ConnectionHealth::NeedsReauth)
        return QStringLiteral("needs re-auth");
    return health;
}

QColor healthColor(const QString &health, const QPalette &palette)
{
    if (health == ConnectionHealth::Healthy)
        return readable(123, 170, palette);
    if (health == ConnectionHealth::Degraded)
        return executionOutcomeColor(ExecutionOutcome::Partial, palette);
    if (health == ConnectionHealth::NeedsReauth)
        return readable(320, 200, palette);
    if (health == ConnectionHealth::Failing)
        return readable(0, 200, palette);
    return readable(0, 0, palette); // paused, or not known yet
}

QString tenantHealthText(const TenantHealthRow &tenant)
{
    if (tenant.health == ConnectionHealth::Healthy || tenant.health.isEmpty())
        return tenant.connections == 1 ? QStringLiteral("healthy")
                                       : QStringLiteral("all %1 healthy").arg(tenant.connections);
    const qint64 counts[] = {tenant.healthy, tenant.paused, tenant.degraded, tenant.needsReauth, tenant.failing};
    return QStringLiteral("%1 of %2 %3")
        .arg(counts[ConnectionHealth::rank(tenant.health)])
        .arg(tenant.connections)
        .arg(healthText(tenant.health));
}

QString tenantHealthDetail(const TenantHealthRow &tenant)
{
    QStringList parts;
    const std::pair<qint64, QString> counts[] = {{tenant.failing, ConnectionHealth::Failing},
                                                 {tenant.needsReauth, ConnectionHealth::NeedsReauth},
                                                 {tenant.degraded, ConnectionHealth::Degraded},
                                                 {tenant.paused, ConnectionHealth::Paused},
                                                 {tenant.healthy, ConnectionHealth::Healthy}};
    for (const auto &[count, health] : counts) {
        if (count > 0)
            parts.append(QStringLiteral("%1 %2").arg(count).arg(healthText(health)));
    }
    return QStringLiteral("%1 connection%2: %3")
        .arg(tenant.connections)
        .arg(tenant.connections == 1 ? QLatin1String() : QLatin1String("s"))
        .arg(parts.join(QStringLiteral(", ")));
}

QString lastSyncText(const ConnectionHealthRow &row, const QDateTime &now, const QString &separator)
{
    const QString when = relativeTime(row.lastSyncAt, now);
    if (!row.lastSyncAt.isValid() || row.lastSyncOutcome.isEmpty())
        return when;
    return when + separator + executionOutcomeText(row.lastSyncOutcome, row.lastSyncFailedRecords);
}

QColor statusBackgroundColor(const QColor &status, const QPalette &palette)
{
    // A tint of the status over the window colour: pale on a light theme, deep on a dark one.
    const QColor window = palette.color(QPalette::Window);
    const auto mix = [](int a, int b) { return (a * 90 + b * 10) / 100; };
    return QColor(mix(window.red(), status.red()), mix(window.green(), status.green()),
                  mix(window.blue(), status.blue()));
}

QColor eventLevelColor(const QString &level)
{
    if (level == EventLevel::Error)
        return red();
    if (level == EventLevel::Warning)
        return amber();
    if (level == EventLevel::Debug)
        return grey();
    return blue();
}

QColor httpStatusColor(int status)
{
    if (status >= 200 && status < 300)
        return green();
    if (status == 429 || (status >= 300 && status < 500 && status != 401 && status != 403))
        return amber();
    return red(); // 0 (no response), 401/403, 5xx
}

QPalette applicationPalette()
{
    return qobject_cast<QGuiApplication *>(QCoreApplication::instance()) ? QGuiApplication::palette() : QPalette();
}

} // namespace patchbay::DisplayFormat

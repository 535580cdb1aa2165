#pragma once

#include "core/TokenState.h"
#include "ops/OpsTypes.h"

#include <QColor>
#include <QDateTime>
#include <QPalette>
#include <QString>

namespace patchbay::DisplayFormat {

// The words and colours the console uses for engine values, shared by the models and the widgets
// so a state looks the same in the tree, the header and the tables. Every colour comes from the application's palette
// (a hue made as dark or light as its text needs), so a dark theme stays readable: no widget names a colour itself.

// The application's palette; a default one where there is no GUI application (models in a console-less test).
QPalette applicationPalette();

// "just now", "3 min ago", "2 h ago", "5 d ago"; "in 4 min" for times after now; "never" when invalid.
QString relativeTime(const QDateTime &time, const QDateTime &now);
// A timestamp in local time: "14:03:21" today, "Mar 5 14:03" this year, otherwise with the year.
QString shortTime(const QDateTime &time, const QDateTime &now);
// A full local timestamp for tooltips.
QString fullTime(const QDateTime &time);
// "850 ms", "12.4 s", "3 min 20 s", "1 h 05 min".
QString duration(qint64 milliseconds);

QString connectionStatusText(const QString &status); // "active" -> "Active", "needs_reauth" -> "Needs re-auth"
QString executionStatusText(const QString &status);
// An ExecutionOutcome in words: "succeeded with 161 failed records" for a partial failure.
QString executionOutcomeText(const QString &outcome, qint64 failedRecords);

QColor tokenStateColor(TokenState state);
QColor executionStatusColor(const QString &status);
QColor eventLevelColor(const QString &level);
QColor httpStatusColor(int status);
// An outcome's colour: a status's, and for a partial failure an orange of its own, as light or dark as the
// palette's text so that it reads on a dark theme too.
QColor executionOutcomeColor(const QString &outcome, const QPalette &palette);
// A ConnectionHealth in words ("needs re-auth") and its colour.
QString healthText(const QString &health);
QColor healthColor(const QString &health, const QPalette &palette = applicationPalette());
// A tenant's roll-up: "2 of 5 failing", "all 5 healthy"; and every count, for a tooltip.
QString tenantHealthText(const TenantHealthRow &tenant);
QString tenantHealthDetail(const TenantHealthRow &tenant);
// The last read or write and its outcome: "2 min ago<separator>succeeded with 161 failed records"; "never".
QString lastSyncText(const ConnectionHealthRow &row, const QDateTime &now, const QString &separator);
// A background for a message in a status's colour (a warning strip): that colour faintly over the window colour.
QColor statusBackgroundColor(const QColor &status, const QPalette &palette = applicationPalette());

} // namespace patchbay::DisplayFormat

#pragma once

#include "core/TokenState.h"

#include <QColor>
#include <QDateTime>
#include <QString>

namespace patchbay::DisplayFormat {

// The words and colours the console uses for engine values, shared by the models and the widgets
// so a state looks the same in the tree, the header and the tables.

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

QColor tokenStateColor(TokenState state);
QColor executionStatusColor(const QString &status);
QColor eventLevelColor(const QString &level);
QColor httpStatusColor(int status);

} // namespace patchbay::DisplayFormat

#pragma once

#include <QJsonValue>
#include <QString>

namespace patchbay {

// Reads a dotted path ("paging.next.after", "errors.0.message") from a JSON value.
// An empty path is the value itself; a missing step gives an undefined QJsonValue.
QJsonValue jsonValueAt(const QJsonValue &root, const QString &dottedPath);

// A scalar as text (numbers without a trailing ".0"); empty for null, undefined, arrays and objects.
QString jsonScalarText(const QJsonValue &value);
// Like jsonScalarText, with objects and arrays as compact JSON (an error a provider reports as an object).
QString jsonText(const QJsonValue &value);

} // namespace patchbay

#pragma once

// Stored versions of mapping overrides.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace patchbay {

namespace MappingLevel {
inline const QString Environment = QStringLiteral("environment");
inline const QString Connection = QStringLiteral("connection");
} // namespace MappingLevel

// One stored version of a mapping override at one level (the base lives in the manifest).
struct MappingVersion
{
    qint64 id = 0;
    QString level;   // MappingLevel
    QString scope;   // environment name, or connection id
    QString integration;
    QString object;
    QString direction; // read | write
    int version = 0;
    QJsonObject overrides;
    QString author;
    QString reason;
    QDateTime createdAt;

    bool operator==(const MappingVersion &) const = default;
};

} // namespace patchbay

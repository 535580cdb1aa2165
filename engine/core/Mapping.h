#pragma once

// Field mappings as the console and the server see them: the effective tree, its problems and a preview.
// Plain types of the engine's vocabulary (engine/core): no engine includes.

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace patchbay {

// A mapping is a tree of product fields whose leaves are JSONata expressions over one provider record
// (or, reversed, over one product record). Nested objects build nested output.
using MappingTree = QJsonObject;

// One problem with one expression of a mapping: the JSONata error code and position inside the expression.
struct MappingIssue
{
    QString field;     // dotted path of the product field ("address.city"); empty for a lone expression
    QString code;      // JSONata error code (S0201, T2001, ...)
    int position = -1; // character position in the expression, -1 when none
    QString message;

    QString toString() const
    {
        QString text = code;
        if (position >= 0)
            text += QStringLiteral(" at position %1").arg(position);
        return text + QStringLiteral(": ") + message;
    }

    bool operator==(const MappingIssue &) const = default;
};

// The mapping that applies to one connection's object: the manifest's base, merged with the environment's and
// the connection's overrides.
struct EffectiveMapping
{
    QString integration;
    MappingTree tree;
    QMap<QString, QString> origin; // field -> "base" | "environment" | "connection"
    int environmentVersion = 0;    // 0: no override at that level
    int connectionVersion = 0;

    bool operator==(const EffectiveMapping &) const = default;
};

// One field of a previewed record.
struct MappingPreviewField
{
    QString field;
    QString expression;
    QJsonValue value = QJsonValue::Undefined; // undefined when the expression gave nothing or failed
    std::optional<MappingIssue> error;

    bool operator==(const MappingPreviewField &) const = default;
};

// A sample provider record run through a mapping, field by field.
struct MappingPreviewRecord
{
    QString recordId; // from the sample's "id", when it has one
    QList<MappingPreviewField> fields;
    QJsonValue output; // the product record as it would be stored

    bool operator==(const MappingPreviewRecord &) const = default;
};

} // namespace patchbay

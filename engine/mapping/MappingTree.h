#pragma once

#include "catalog/IntegrationDefinition.h"
#include "core/Mapping.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay {

// The compile error of one expression, if any.
std::optional<MappingIssue> compileIssue(const QString &expression);

// Every expression of a mapping compiled; allowDrops permits null leaves (an override removing a field).
QList<MappingIssue> validateMapping(const MappingTree &tree, bool allowDrops);

// The effective mapping of base plus an override: an override's expression replaces the field's, a null
// removes the field, a nested mapping merges into the nested one.
MappingTree mergeMappings(const MappingTree &base, const MappingTree &override);

// The dotted paths of the leaves.
QStringList mappingFields(const MappingTree &tree);

// The expression at a dotted path, or a null string.
QString mappingExpression(const MappingTree &tree, const QString &field);

} // namespace patchbay

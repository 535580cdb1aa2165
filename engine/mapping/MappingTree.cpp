#include "MappingTree.h"

#include "jsonata/Expression.h"

namespace patchbay {

std::optional<MappingIssue> compileIssue(const QString &expression)
{
    const auto compiled = jsonata::Expression::compile(expression);
    if (compiled)
        return std::nullopt;
    const jsonata::Error &error = compiled.error();
    return MappingIssue{QString(), QString::fromStdString(error.code), error.position,
                        QString::fromStdString(error.message)};
}

namespace {

void validateInto(const MappingTree &tree, const QString &prefix, bool allowDrops, QList<MappingIssue> &issues)
{
    for (auto it = tree.begin(); it != tree.end(); ++it) {
        const QString field = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        const QJsonValue value = it.value();
        if (value.isObject()) {
            validateInto(value.toObject(), field, allowDrops, issues);
        } else if (value.isString()) {
            if (auto issue = compileIssue(value.toString())) {
                issue->field = field;
                issues.append(*issue);
            }
        } else if (!(value.isNull() && allowDrops)) {
            issues.append({field, QStringLiteral("mapping.invalid"), -1,
                           allowDrops ? QStringLiteral("must be an expression, a nested mapping, or null to remove it")
                                      : QStringLiteral("must be an expression or a nested mapping")});
        }
    }
}

void fieldsInto(const MappingTree &tree, const QString &prefix, QStringList &fields)
{
    for (auto it = tree.begin(); it != tree.end(); ++it) {
        const QString field = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject())
            fieldsInto(it.value().toObject(), field, fields);
        else
            fields.append(field);
    }
}

} // namespace

QList<MappingIssue> validateMapping(const MappingTree &tree, bool allowDrops)
{
    QList<MappingIssue> issues;
    validateInto(tree, QString(), allowDrops, issues);
    return issues;
}

MappingTree mergeMappings(const MappingTree &base, const MappingTree &override)
{
    MappingTree merged = base;
    for (auto it = override.begin(); it != override.end(); ++it) {
        if (it.value().isNull())
            merged.remove(it.key());
        else if (it.value().isObject() && merged.value(it.key()).isObject())
            merged.insert(it.key(), mergeMappings(merged.value(it.key()).toObject(), it.value().toObject()));
        else if (it.value().isObject())
            merged.insert(it.key(), mergeMappings({}, it.value().toObject())); // drops inside a new branch vanish
        else
            merged.insert(it.key(), it.value());
    }
    return merged;
}

QStringList mappingFields(const MappingTree &tree)
{
    QStringList fields;
    fieldsInto(tree, QString(), fields);
    return fields;
}

QString mappingExpression(const MappingTree &tree, const QString &field)
{
    QJsonValue current = tree;
    for (const QString &step : field.split(QLatin1Char('.')))
        current = current.toObject().value(step);
    return current.isString() ? current.toString() : QString();
}

} // namespace patchbay

#include "MappingService.h"

#include "catalog/IntegrationCatalog.h"
#include "store/Store.h"

namespace patchbay {

namespace {

void recordOrigin(const MappingTree &overrides, const QString &prefix, const QString &level,
                  QMap<QString, QString> &origin)
{
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        const QString field = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it.value().isObject()) {
            recordOrigin(it.value().toObject(), field, level, origin);
        } else {
            // A dropped branch takes its leaves with it.
            for (auto leaf = origin.begin(); leaf != origin.end();) {
                if (leaf.key() == field || leaf.key().startsWith(field + QLatin1Char('.')))
                    leaf = origin.erase(leaf);
                else
                    ++leaf;
            }
            if (!it.value().isNull())
                origin.insert(field, level);
        }
    }
}

Error invalidMapping(const QList<MappingIssue> &issues)
{
    QStringList lines;
    for (const MappingIssue &issue : issues)
        lines.append(QStringLiteral("field '%1': %2").arg(issue.field, issue.toString()));
    return makeError("mapping.invalid",
                     QStringLiteral("The mapping was not saved: %1").arg(lines.join(QStringLiteral("; "))));
}

} // namespace

MappingService::MappingService(Store &store, const IntegrationCatalog &integrations)
    : m_store(store), m_integrations(integrations)
{}

jsonata::EvalLimits MappingService::tenantLimits()
{
    // Tenant-supplied expressions run per record: a runaway one must fail that field, not stall the sync or take
    // the memory of the records running beside it.
    return jsonata::EvalLimits{250, 400, 64};
}

Result<MappingTree> MappingService::base(const QString &integration, const QString &object,
                                         const QString &direction) const
{
    auto definition = m_integrations.get(integration);
    if (!definition)
        return definition.error();
    if (direction == MappingDirection::Write) {
        if (const WriteObjectSpec *spec = definition->writeObject(object))
            return spec->reverseMapping;
    } else if (const ReadObjectSpec *spec = definition->readObject(object)) {
        return spec->mapping;
    }
    return makeError("mapping.unknown_object",
                     QStringLiteral("The integration '%1' does not %2 '%3'.")
                         .arg(integration,
                              direction == MappingDirection::Write ? QStringLiteral("write") : QStringLiteral("read"),
                              object));
}

Result<MappingService::Effective> MappingService::effective(qint64 connectionId, const QString &object,
                                                            const QString &direction,
                                                            const std::optional<MappingTree> &candidate) const
{
    auto connection = m_store.tenants().connection(connectionId);
    if (!connection)
        return connection.error();
    if (connection->integration.isEmpty()) {
        return makeError("mapping.no_integration", QStringLiteral("The connection '%1' is not part of an integration, "
                                                                  "so it has no mapping.")
                                                       .arg(connection->displayName));
    }
    auto baseTree = base(connection->integration, object, direction);
    if (!baseTree)
        return baseTree.error();
    Effective result;
    result.integration = connection->integration;
    result.tree = baseTree.value();
    for (const QString &field : mappingFields(result.tree))
        result.origin.insert(field, QStringLiteral("base"));

    if (auto environment = m_store.mappings().currentMapping(MappingLevel::Environment, connection->environment,
                                                             connection->integration, object, direction)) {
        result.tree = mergeMappings(result.tree, environment->overrides);
        recordOrigin(environment->overrides, QString(), MappingLevel::Environment, result.origin);
        result.environmentVersion = environment->version;
    }
    std::optional<MappingTree> connectionOverride = candidate;
    if (!connectionOverride) {
        if (auto stored = m_store.mappings().currentMapping(MappingLevel::Connection, QString::number(connectionId),
                                                            connection->integration, object, direction)) {
            connectionOverride = stored->overrides;
            result.connectionVersion = stored->version;
        }
    }
    if (connectionOverride) {
        result.tree = mergeMappings(result.tree, *connectionOverride);
        recordOrigin(*connectionOverride, QString(), MappingLevel::Connection, result.origin);
    }
    return result;
}

Result<MappingVersion> MappingService::setOverride(const QString &level, const QString &scope,
                                                   const QString &integration, const QString &object,
                                                   const QString &direction, const MappingTree &overrides,
                                                   const QString &author, const QString &reason)
{
    if (level != MappingLevel::Environment && level != MappingLevel::Connection) {
        return makeError("mapping.bad_level", QStringLiteral("Mappings are overridden per 'environment' or per "
                                                             "'connection', not '%1'.")
                                                  .arg(level));
    }
    if (author.trimmed().isEmpty() || reason.trimmed().isEmpty()) {
        return makeError("mapping.unexplained", QStringLiteral("Say who changes the mapping and why; both are kept "
                                                               "with the version."));
    }
    if (auto baseTree = base(integration, object, direction); !baseTree)
        return baseTree.error();
    if (level == MappingLevel::Connection) {
        auto connection = m_store.tenants().connection(scope.toLongLong());
        if (!connection)
            return connection.error();
        if (connection->integration != integration) {
            return makeError("mapping.wrong_integration",
                             QStringLiteral("The connection '%1' belongs to the "
                                            "integration '%2', not '%3'.")
                                 .arg(connection->displayName, connection->integration, integration));
        }
    }
    if (const QList<MappingIssue> issues = validateMapping(overrides, true); !issues.isEmpty())
        return invalidMapping(issues);
    MappingVersion version;
    version.level = level;
    version.scope = scope;
    version.integration = integration;
    version.object = object;
    version.direction = direction;
    version.overrides = overrides;
    version.author = author.trimmed();
    version.reason = reason.trimmed();
    return m_store.mappings().saveMappingVersion(version);
}

Result<QList<MappingVersion>> MappingService::history(const QString &level, const QString &scope,
                                                      const QString &integration, const QString &object,
                                                      const QString &direction) const
{
    return m_store.mappings().mappingHistory(level, scope, integration, object, direction);
}

Result<QList<MappingService::PreviewRecord>> MappingService::preview(qint64 connectionId, const QString &object,
                                                                     const QString &direction,
                                                                     const QJsonArray &samples,
                                                                     const std::optional<MappingTree> &candidate) const
{
    if (candidate) {
        if (const QList<MappingIssue> issues = validateMapping(*candidate, true); !issues.isEmpty())
            return invalidMapping(issues);
    }
    auto mapping = effective(connectionId, object, direction, candidate);
    if (!mapping)
        return mapping.error();
    auto compiled = CompiledMapping::compile(mapping->tree);
    if (!compiled)
        return compiled.error();
    QList<PreviewRecord> records;
    for (const QJsonValue &sample : samples) {
        const jsonata::Value input = jsonata::Value::fromQJsonValue(sample);
        PreviewRecord record;
        record.recordId = sample.toObject().value(QStringLiteral("id")).toVariant().toString();
        record.fields = compiled->evaluateFields(input, tenantLimits());
        record.output = compiled->evaluate(input, tenantLimits()).value.toQJsonValue();
        records.append(record);
    }
    return records;
}

} // namespace patchbay

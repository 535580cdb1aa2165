#pragma once

#include "CompiledMapping.h"
#include "MappingTree.h"
#include "core/Result.h"
#include "core/Tenancy.h"
#include "core/MappingVersion.h"

#include <QJsonArray>
#include <QMap>

namespace patchbay {

class IntegrationCatalog;
class Store;

namespace MappingDirection {
inline const QString Read = QStringLiteral("read");   // provider record -> product record
inline const QString Write = QStringLiteral("write"); // product record -> provider record (reverse mapping)
} // namespace MappingDirection

// Tenant field mappings: the manifest's base, overridden per environment and per connection. The effective
// mapping is the deep merge base -> environment -> connection. Overrides are validated before they are
// stored (a broken one is refused and the stored mapping stays as it was) and every version is kept.
class MappingService
{
public:
    using Effective = EffectiveMapping;

    struct PreviewRecord
    {
        QString recordId; // from the sample's "id", when it has one
        QList<CompiledMapping::FieldResult> fields;
        QJsonValue output; // the product record as it would be stored
    };

    MappingService(Store &store, const IntegrationCatalog &integrations);

    static jsonata::EvalLimits tenantLimits();

    Result<MappingTree> base(const QString &integration, const QString &object, const QString &direction) const;
    Result<Effective> effective(qint64 connectionId, const QString &object, const QString &direction,
                                const std::optional<MappingTree> &candidateConnectionOverride = std::nullopt) const;

    // level: MappingLevel::Environment (scope = environment name) or MappingLevel::Connection (scope = id).
    Result<MappingVersion> setOverride(const QString &level, const QString &scope, const QString &integration,
                                       const QString &object, const QString &direction, const MappingTree &overrides,
                                       const QString &author, const QString &reason);
    Result<QList<MappingVersion>> history(const QString &level, const QString &scope, const QString &integration,
                                          const QString &object, const QString &direction) const;

    // Evaluates the effective mapping (or what it would be with a candidate connection override) against
    // sample provider records, field by field.
    Result<QList<PreviewRecord>> preview(qint64 connectionId, const QString &object, const QString &direction,
                                         const QJsonArray &samples,
                                         const std::optional<MappingTree> &candidateConnectionOverride = std::nullopt) const;

private:
    Store &m_store;
    const IntegrationCatalog &m_integrations;
};

} // namespace patchbay

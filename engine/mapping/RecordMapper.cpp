#include "RecordMapper.h"

#include "MappingService.h"

#include <QJsonObject>

namespace patchbay {

QJsonArray RecordMapper::issuesToJson(const QList<MappingIssue> &issues)
{
    QJsonArray array;
    for (const MappingIssue &issue : issues) {
        array.append(QJsonObject{{QStringLiteral("field"), issue.field},
                                 {QStringLiteral("code"), issue.code},
                                 {QStringLiteral("position"), issue.position},
                                 {QStringLiteral("message"), issue.message}});
    }
    return array;
}

void RecordMapper::map(const QString &recordId, const QString &updatedAt, const QByteArray &rawJson,
                       QList<StoredRecord> &rows, QList<FailedRecord> &failed) const
{
    if (!m_mapping) {
        rows.append(StoredRecord{recordId, rawJson, updatedAt});
        return;
    }
    auto input = jsonata::Value::fromJson(rawJson.toStdString());
    const CompiledMapping::Output output =
        input ? m_mapping->evaluate(input.value(), MappingService::tenantLimits()) : CompiledMapping::Output{};
    if (input && output.errors.isEmpty()) {
        rows.append(StoredRecord{recordId, QByteArray::fromStdString(output.value.toJson()), updatedAt});
        return;
    }
    FailedRecord failure;
    failure.object = m_object;
    failure.recordId = recordId;
    failure.updatedAt = updatedAt;
    failure.raw = rawJson;
    failure.errors = input ? issuesToJson(output.errors)
                           : issuesToJson({{QString(), QString::fromStdString(input.error().code), input.error().position,
                                            QString::fromStdString(input.error().message)}});
    failed.append(failure);
}

} // namespace patchbay

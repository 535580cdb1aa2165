#pragma once

#include "CompiledMapping.h"
#include "core/Records.h"

namespace patchbay {

// Maps provider records into rows for the record store, or, when a field fails, into failed records that
// keep the raw record and every field's error. Without a mapping records are stored as they come.
class RecordMapper
{
public:
    RecordMapper(const CompiledMapping *mapping, QString object) : m_mapping(mapping), m_object(std::move(object)) {}

    void map(const QString &recordId, const QString &updatedAt, const QByteArray &rawJson, QList<StoredRecord> &rows,
             QList<FailedRecord> &failed) const;

    static QJsonArray issuesToJson(const QList<MappingIssue> &issues);

private:
    const CompiledMapping *m_mapping;
    QString m_object;
};

} // namespace patchbay

#pragma once

#include "CompiledMapping.h"
#include "core/Records.h"

#include <QHash>
#include <QJsonObject>

#include <functional>

namespace patchbay {

// Maps provider records into rows for the record store, or, when a field fails, into failed records that
// keep the raw record and every field's error. Without a mapping records are stored as they come.
// A mapper belongs to one read or one batch of records: it is not shared between threads.
class RecordMapper
{
public:
    RecordMapper(const CompiledMapping *mapping, QString object) : m_mapping(mapping), m_object(std::move(object)) {}

    // A record as stored (its JSON text), for instance a failed record being mapped again.
    void map(const QString &recordId, const QString &updatedAt, const QByteArray &rawJson, QList<StoredRecord> &rows,
             QList<FailedRecord> &failed) const;
    // A record of a page already parsed: mapped from the parsed form, without writing it out and reading it back,
    // with the same results as the raw-text form above given the record's compact JSON.
    void map(const QString &recordId, const QString &updatedAt, const QJsonObject &record, QList<StoredRecord> &rows,
             QList<FailedRecord> &failed) const;

    static QJsonArray issuesToJson(const QList<MappingIssue> &issues);

private:
    void mapInput(const QString &recordId, const QString &updatedAt, const jsonata::Value &input,
                  const std::function<QByteArray()> &rawJson, QList<StoredRecord> &rows,
                  QList<FailedRecord> &failed) const;

    const CompiledMapping *m_mapping;
    QString m_object;
    // The keys of the records mapped so far: records repeat their keys, so each is converted once.
    mutable QHash<QString, jsonata::Key> m_keys;
};

} // namespace patchbay

#pragma once

#include "RecordGenerator.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace patchbay::sandbox {

// One record of an emulated object. fields holds the provider's own field names and JSON values.
struct SandboxRecord
{
    qint64 key = 0; // ascending insertion order; what generated custom values are seeded by
    QString id;     // the provider's id: "001Dn000001AbCdIAK", "10042", ...
    QJsonObject fields;
    QDateTime createdAt;
    QDateTime updatedAt;
    bool deleted = false;
    QDateTime deletedAt;

    static SandboxRecord create(const QString &id, const QDateTime &createdAt, const QDateTime &updatedAt)
    {
        SandboxRecord record;
        record.id = id;
        record.createdAt = createdAt;
        record.updatedAt = updatedAt;
        return record;
    }
};

// The records of one object of one tenant (Salesforce Account, Jira issues, Zendesk tickets) with its custom
// fields. Providers decide ids, standard fields and wire format; the table keeps order, changes and deletions.
class RecordTable
{
public:
    using Modifier = std::function<void(SandboxRecord &record, RecordGenerator &generator)>;

    explicit RecordTable(quint32 seed = 0) : m_generator(seed) {}

    RecordGenerator &generator() { return m_generator; }
    quint32 seed() const { return m_generator.seed(); }

    // Appends with the next key; fills in values of the custom fields that exist already.
    SandboxRecord &insert(SandboxRecord record);
    const std::vector<SandboxRecord> &records() const { return m_records; }
    SandboxRecord *find(const QString &id);
    const SandboxRecord *find(const QString &id) const;
    int count(bool deleted) const;
    // Records that are not deleted and that keep accepts (all of them without keep), in table order.
    std::vector<const SandboxRecord *> live(const std::function<bool(const SandboxRecord &)> &keep = {}) const;
    qint64 nextKey() const { return m_nextKey; }

    // Changes count random live records at now (the modifier says how); returns their ids in table order.
    QStringList touch(int count, const QDateTime &now, const Modifier &modify);
    // Soft delete, as the providers' recycle bins and archives do.
    bool remove(const QString &id, const QDateTime &now);

    const QList<CustomFieldDefinition> &customFields() const { return m_customFields; }
    const CustomFieldDefinition *customField(const QString &name) const;
    // Returns false when the name is taken; existing records get deterministic values.
    bool addCustomField(CustomFieldDefinition field);

private:
    RecordGenerator m_generator;
    std::vector<SandboxRecord> m_records;
    QList<CustomFieldDefinition> m_customFields;
    qint64 m_nextKey = 1;
};

} // namespace patchbay::sandbox

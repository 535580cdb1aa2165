#include "RecordTable.h"

#include <algorithm>

namespace patchbay::sandbox {

SandboxRecord &RecordTable::insert(SandboxRecord record)
{
    record.key = m_nextKey++;
    for (const CustomFieldDefinition &field : std::as_const(m_customFields)) {
        if (!record.fields.contains(field.name))
            record.fields.insert(
                field.name, RecordGenerator::customJsonValue(m_generator.seed(), field, record.key, record.createdAt));
    }
    m_records.push_back(std::move(record));
    return m_records.back();
}

SandboxRecord *RecordTable::find(const QString &id)
{
    const auto it =
        std::find_if(m_records.begin(), m_records.end(), [&](const SandboxRecord &r) { return r.id == id; });
    return it == m_records.end() ? nullptr : &*it;
}

const SandboxRecord *RecordTable::find(const QString &id) const
{
    return const_cast<RecordTable *>(this)->find(id);
}

int RecordTable::count(bool deleted) const
{
    return static_cast<int>(std::count_if(m_records.begin(), m_records.end(),
                                          [deleted](const SandboxRecord &r) { return r.deleted == deleted; }));
}

QStringList RecordTable::touch(int count, const QDateTime &now, const Modifier &modify)
{
    std::vector<size_t> live;
    for (size_t i = 0; i < m_records.size(); ++i) {
        if (!m_records[i].deleted)
            live.push_back(i);
    }
    std::vector<size_t> chosen;
    for (int i = 0; i < count && !live.empty(); ++i) {
        const auto index = static_cast<size_t>(m_generator.random().bounded(static_cast<quint32>(live.size())));
        chosen.push_back(live[index]);
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(index));
    }
    std::sort(chosen.begin(), chosen.end());
    QStringList ids;
    for (const size_t index : chosen) {
        SandboxRecord &record = m_records[index];
        record.updatedAt = now;
        if (modify)
            modify(record, m_generator);
        ids.append(record.id);
    }
    return ids;
}

std::vector<const SandboxRecord *> RecordTable::live(const std::function<bool(const SandboxRecord &)> &keep) const
{
    std::vector<const SandboxRecord *> found;
    for (const SandboxRecord &record : m_records) {
        if (!record.deleted && (!keep || keep(record)))
            found.push_back(&record);
    }
    return found;
}

bool RecordTable::remove(const QString &id, const QDateTime &now)
{
    SandboxRecord *record = find(id);
    if (!record || record->deleted)
        return false;
    record->deleted = true;
    record->deletedAt = now;
    record->updatedAt = now;
    return true;
}

const CustomFieldDefinition *RecordTable::customField(const QString &name) const
{
    const auto it = std::find_if(m_customFields.begin(), m_customFields.end(),
                                 [&](const CustomFieldDefinition &field) { return field.name == name; });
    return it == m_customFields.end() ? nullptr : &*it;
}

bool RecordTable::addCustomField(CustomFieldDefinition field)
{
    if (field.name.isEmpty() || customField(field.name))
        return false;
    if (field.options.isEmpty())
        field.options = RecordGenerator::fieldKindOptions(field.kind);
    for (SandboxRecord &record : m_records)
        record.fields.insert(field.name,
                             RecordGenerator::customJsonValue(m_generator.seed(), field, record.key, record.createdAt));
    m_customFields.append(field);
    return true;
}

} // namespace patchbay::sandbox

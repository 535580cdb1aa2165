#include "SandboxAccount.h"

#include <QRandomGenerator>

namespace patchbay::sandbox {

SandboxAccount::SandboxAccount(const QString &name, quint32 seed, const QStringList &objects)
    : m_name(name), m_seed(seed), m_objects(objects)
{
    quint32 salt = 0;
    for (const QString &object : objects) // each table its own stream, so adding an object keeps the others' data
        m_tables.emplace(object, RecordTable(seed ^ (0x9e3779b9u * ++salt)));
    m_apiKey = QString::fromLatin1(seededBytes(seed, 0x4b4559u, 16).toHex());
    m_webhookSecret = QString::fromLatin1(
        seededBytes(seed, 0x484f4f4bu, 24).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

SandboxAccount::~SandboxAccount() = default;

QByteArray SandboxAccount::seededBytes(quint32 seed, quint32 salt, int count)
{
    QRandomGenerator random(seed ^ salt);
    QByteArray bytes(count, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = static_cast<char>(random.bounded(256));
    return bytes;
}

RecordTable *SandboxAccount::table(const QString &object)
{
    const auto it = m_tables.find(object);
    return it == m_tables.end() ? nullptr : &it->second;
}

const RecordTable *SandboxAccount::table(const QString &object) const
{
    const auto it = m_tables.find(object);
    return it == m_tables.end() ? nullptr : &it->second;
}

void SandboxAccount::seed(int count, const QDateTime &now)
{
    for (const QString &object : std::as_const(m_objects))
        seedObject(object, count, now);
}

QStringList SandboxAccount::seedObject(const QString &object, int count, const QDateTime &now)
{
    RecordTable &records = *table(object);
    QStringList ids;
    for (const QDateTime &created : records.generator().creationTimes(count, now)) {
        const QDateTime updated = records.generator().lastModified(created, now);
        ids.append(records.insert(newRecord(object, records, created, updated)).id);
    }
    return ids;
}

QString SandboxAccount::addCustomField(const QString &object, const QString &label, FieldKind kind)
{
    RecordTable *records = table(object);
    const QString name = records ? customFieldName(object, label) : QString();
    if (name.isEmpty() ||
        !records->addCustomField(CustomFieldDefinition{name, label, kind, {}, QDateTime::currentDateTimeUtc()}))
        return {};
    customFieldAdded(object, *records->customField(name));
    return name;
}

QStringList SandboxAccount::touch(const QString &object, int count, const QDateTime &now)
{
    RecordTable *records = table(object);
    if (!records)
        return {};
    return records->touch(count, now, [this, &object](SandboxRecord &record, RecordGenerator &generator) {
        touchRecord(object, record, generator);
    });
}

bool SandboxAccount::remove(const QString &object, const QString &id, const QDateTime &now)
{
    RecordTable *records = table(object);
    return records && records->remove(id, now);
}

void SandboxAccount::touchRecord(const QString &, SandboxRecord &, RecordGenerator &) {}

void SandboxAccount::customFieldAdded(const QString &, const CustomFieldDefinition &) {}

} // namespace patchbay::sandbox

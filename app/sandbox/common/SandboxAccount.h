#pragma once

#include "RecordTable.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <map>

namespace patchbay::sandbox {

// One tenant of an emulator whose data is a few record tables (a ServiceNow instance, a mailbox, a Greenhouse
// organization, a Pipedrive company, a GitHub owner, a Square merchant), with the API key and webhook secret it
// hands out. Subclasses decide ids, standard fields and how custom fields are named; the account seeds, touches,
// deletes and adds custom fields the same way for every provider.
class SandboxAccount
{
public:
    SandboxAccount(const QString &name, quint32 seed, const QStringList &objects);
    virtual ~SandboxAccount();

    const QString &name() const { return m_name; }
    quint32 seed() const { return m_seed; }
    // The first object is the one "records" counts and the control API touches when no object is named.
    const QStringList &objects() const { return m_objects; }
    const QString &mainObject() const { return m_objects.first(); }
    RecordTable *table(const QString &object);
    const RecordTable *table(const QString &object) const;
    // 32 hex digits; providers with another shape override apiKey() and webhookSecret().
    virtual QString apiKey() const { return m_apiKey; }
    virtual QString webhookSecret() const { return m_webhookSecret; }

    // Seeds count records into every object; a provider whose objects are not all seeded alike (Zendesk's users,
    // Jira's projects) seeds its own way.
    virtual void seed(int count, const QDateTime &now);
    // Returns the field's provider name (u_plan, a 40-digit hash, plan-tier, ...), or empty when the object is
    // unknown or takes no custom fields, or the name is taken.
    QString addCustomField(const QString &object, const QString &label, FieldKind kind);
    QStringList touch(const QString &object, int count, const QDateTime &now);
    virtual bool remove(const QString &object, const QString &id, const QDateTime &now);

    // Bytes derived from the seed and a salt, so a demo keeps its secrets across runs.
    static QByteArray seededBytes(quint32 seed, quint32 salt, int count);

protected:
    // Adds count generated records to object's table (created over the past, some changed since); their ids.
    QStringList seedObject(const QString &object, int count, const QDateTime &now);
    // A seeded record of object, created and last changed at the given times, with its provider id.
    virtual SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                    const QDateTime &updated) = 0;
    // Empty when the object takes no custom fields.
    virtual QString customFieldName(const QString &object, const QString &label) const = 0;
    // Called once a custom field was added to object's table, for providers that list fields elsewhere too.
    virtual void customFieldAdded(const QString &object, const CustomFieldDefinition &field);
    // What a touch changes besides the update time.
    virtual void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator);

private:
    QString m_name;
    quint32 m_seed = 0;
    QStringList m_objects;
    std::map<QString, RecordTable> m_tables;
    QString m_apiKey;
    QString m_webhookSecret;
};

} // namespace patchbay::sandbox

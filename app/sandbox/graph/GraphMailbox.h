#pragma once

#include "common/SandboxAccount.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay::sandbox {

// One Microsoft 365 tenant with one user's mailbox: inbox messages and calendar events, the schema extensions that
// carry its custom fields, and the generation of its delta tokens (a new generation makes every earlier token
// stale).
class GraphMailbox : public SandboxAccount
{
public:
    GraphMailbox(const QString &name, quint32 seed);

    QString userId() const;
    QString userPrincipalName() const { return QStringLiteral("adele@%1.onmicrosoft.com").arg(name()); }
    QString tenantId() const;
    int deltaGeneration() const { return m_deltaGeneration; }
    void invalidateDeltaTokens() { ++m_deltaGeneration; }
    // Every creation, change and deletion takes the next number, so delta rounds are told apart exactly even when
    // changes fall into the same millisecond.
    qint64 changeSequence() const { return m_changeSequence; }
    static qint64 sequenceOf(const SandboxRecord &record);
    bool remove(const QString &object, const QString &id, const QDateTime &now) override;

    QJsonObject itemJson(const QString &object, const SandboxRecord &record) const;
    // An item that the delta query reports as removed.
    QJsonObject removedJson(const QString &object, const SandboxRecord &record) const;
    // GET /v1.0/schemaExtensions: one extension per object that has custom fields.
    QJsonArray schemaExtensionsJson() const;
    // GET /v1.0/schemaExtensions/{id}: the extension of object, with its properties (maybe none yet).
    QJsonObject schemaExtensionJson(const QString &object) const;
    QString extensionId(const QString &object) const;
    // When an event starts and ends; empty for messages.
    QPair<QDateTime, QDateTime> eventSpan(const SandboxRecord &record) const;
    // Creates an event from a POST body; returns empty and sets *error when it has no usable start and end.
    QString createEvent(const QJsonObject &body, const QDateTime &now, QString *error);
    // Applies a PATCH body to an event: 200, or 404 (no such event) or 400 (unusable times) with *error set.
    int updateEvent(const QString &id, const QJsonObject &body, const QDateTime &now, QString *error);

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    QString customFieldName(const QString &object, const QString &label) const override;
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    QString itemId(const QString &object, qint64 key) const;
    // A dateTimeTimeZone's time, or invalid.
    static QDateTime eventTime(const QJsonValue &dateTimeTimeZone);
    // Values a body sets under the object's schema extension ({extensionId: {property: value}}).
    void setExtensionValues(const QString &object, const QJsonObject &body, SandboxRecord &record) const;
    void stamp(SandboxRecord &record);

    int m_deltaGeneration = 1;
    qint64 m_changeSequence = 0;
};

} // namespace patchbay::sandbox

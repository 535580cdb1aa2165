#pragma once

#include "common/RecordTable.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace patchbay::sandbox {

struct ZendeskTicketField
{
    qint64 id = 0;
    QString type; // subject, description, status, tickettype, priority, ...; custom: text, integer, decimal,
                  // checkbox, date, tagger
    QString title;
    bool removable = false; // false for system fields
    QStringList options;    // tagger values
};

// One Zendesk account (subdomain): tickets with system and custom fields, users (the admin first), the API token of
// its admin and the signing secret of its webhook.
class ZendeskAccount
{
public:
    ZendeskAccount(const QString &subdomain, quint32 seed);

    void seed(int ticketCount, const QDateTime &now);

    QString subdomain() const { return m_subdomain; }
    QString adminEmail() const { return QStringLiteral("admin@%1.example").arg(m_subdomain); }
    QString apiToken() const { return m_apiToken; }
    QString webhookSecret() const { return m_webhookSecret; }
    RecordTable &tickets() { return m_tickets; }
    const RecordTable &tickets() const { return m_tickets; }
    const QList<ZendeskTicketField> &ticketFields() const { return m_fields; }
    RecordTable &users() { return m_users; }
    const RecordTable &users() const { return m_users; }

    // Returns the new field's id.
    qint64 addCustomField(const QString &title, FieldKind kind);
    // Applies a POST/PUT "ticket" object; on failure fills details as Zendesk's {field: [{description, error}]}.
    QString createTicket(const QJsonObject &ticket, const QDateTime &now, QJsonObject *details);
    bool updateTicket(const QString &id, const QJsonObject &ticket, const QDateTime &now, QJsonObject *details);
    QStringList touch(int count, const QDateTime &now);
    // Adds count end users and agents; returns their ids.
    QStringList addUsers(int count, const QDateTime &now);
    // Changes the phone number of count random users.
    QStringList touchUsers(int count, const QDateTime &now);

    QJsonObject ticketJson(const SandboxRecord &ticket, const QString &apiBase) const;
    // The "detail" of a ticket event: a subset of the ticket, with the id as a string.
    QJsonObject ticketEventDetail(const SandboxRecord &ticket) const;
    QJsonObject ticketFieldJson(const ZendeskTicketField &field, const QString &apiBase) const;
    // A deleted user is still shown, with active false.
    QJsonObject userJson(const SandboxRecord &user, const QString &apiBase) const;

private:
    bool apply(SandboxRecord &ticket, const QJsonObject &changes, QJsonObject *details) const;

    QString m_subdomain;
    QString m_apiToken;
    QString m_webhookSecret;
    RecordTable m_tickets;
    RecordTable m_users;
    QList<ZendeskTicketField> m_fields;
    qint64 m_nextFieldId = 360000100001;
};

} // namespace patchbay::sandbox

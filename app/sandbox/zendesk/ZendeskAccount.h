#pragma once

#include "common/SandboxAccount.h"

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

// One Zendesk account (subdomain) on the shared account layer: tickets with system and custom fields and users (the
// admin first, then whatever addUsers adds), the API token of its admin (apiKey) and the signing secret of its
// webhook. Custom ticket fields are named by their numeric id, as custom_fields[{id, value}] shows them.
class ZendeskAccount : public SandboxAccount
{
public:
    ZendeskAccount(const QString &subdomain, quint32 seed);

    // The admin user, then ticketCount tickets; users beyond the admin come from addUsers.
    void seed(int ticketCount, const QDateTime &now) override;

    QString subdomain() const { return name(); }
    QString adminEmail() const { return QStringLiteral("admin@%1.example").arg(name()); }
    QString apiKey() const override { return m_apiToken; }
    QString webhookSecret() const override { return m_webhookSecret; }
    RecordTable &tickets() { return *table(QStringLiteral("tickets")); }
    const RecordTable &tickets() const { return *table(QStringLiteral("tickets")); }
    RecordTable &users() { return *table(QStringLiteral("users")); }
    const RecordTable &users() const { return *table(QStringLiteral("users")); }
    // The system fields, then the custom ones in the order they were added.
    QList<ZendeskTicketField> ticketFields() const;

    // Applies a POST/PUT "ticket" object; on failure fills details as Zendesk's {field: [{description, error}]}.
    QString createTicket(const QJsonObject &ticket, const QDateTime &now, QJsonObject *details);
    bool updateTicket(const QString &id, const QJsonObject &ticket, const QDateTime &now, QJsonObject *details);
    // Adds count end users and agents; returns their ids.
    QStringList addUsers(int count, const QDateTime &now);

    QJsonObject ticketJson(const SandboxRecord &ticket, const QString &apiBase) const;
    // The "detail" of a ticket event: a subset of the ticket, with the id as a string.
    QJsonObject ticketEventDetail(const SandboxRecord &ticket) const;
    QJsonObject ticketFieldJson(const ZendeskTicketField &field, const QString &apiBase) const;
    // A deleted user is still shown, with active false.
    QJsonObject userJson(const SandboxRecord &user, const QString &apiBase) const;

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    // Tickets only: the next id of Zendesk's custom field range. Users take no custom fields here.
    QString customFieldName(const QString &object, const QString &label) const override;
    // A ticket changes its status, a user their phone number.
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    bool apply(SandboxRecord &ticket, const QJsonObject &changes, QJsonObject *details) const;

    QString m_apiToken;
    QString m_webhookSecret;
    QList<ZendeskTicketField> m_systemFields;
};

} // namespace patchbay::sandbox

#include "ZendeskAccount.h"

#include <QRandomGenerator>

namespace patchbay::sandbox {

namespace {

const QStringList kStatuses = {QStringLiteral("new"),  QStringLiteral("open"),   QStringLiteral("pending"),
                               QStringLiteral("hold"), QStringLiteral("solved"), QStringLiteral("closed")};
const QStringList kPriorities = {QStringLiteral("low"), QStringLiteral("normal"), QStringLiteral("high"),
                                 QStringLiteral("urgent")};
const QStringList kTypes = {QStringLiteral("question"), QStringLiteral("incident"), QStringLiteral("problem"),
                            QStringLiteral("task")};

// User ids are account-wide integers; the admin comes first.
constexpr qint64 kFirstUserId = 360000000001;
constexpr qint64 kFirstCustomFieldId = 360000100001;

QString zendeskTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate); // 2026-01-15T10:30:00Z, seconds only, as Zendesk prints
}

QString typeOf(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Number:
        return QStringLiteral("integer");
    case FieldKind::Bool:
        return QStringLiteral("checkbox");
    case FieldKind::Picklist:
        return QStringLiteral("tagger");
    case FieldKind::Date:
    case FieldKind::DateTime:
        return QStringLiteral("date");
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("text");
}

QJsonObject invalid(const QString &field, const QString &description, const QString &error)
{
    return {{field,
             QJsonArray{QJsonObject{{QStringLiteral("description"), description}, {QStringLiteral("error"), error}}}}};
}

} // namespace

ZendeskAccount::ZendeskAccount(const QString &subdomain, quint32 seed)
    : SandboxAccount(subdomain, seed, {QStringLiteral("tickets"), QStringLiteral("users")})
{
    // Zendesk API tokens are 40 characters: the account's own, not the shared 32 hex digits.
    QRandomGenerator random(seed ^ 0x2e4de5c0u);
    for (QString *secret : {&m_apiToken, &m_webhookSecret}) {
        QByteArray bytes(30, Qt::Uninitialized);
        for (char &byte : bytes)
            byte = static_cast<char>(random.bounded(256));
        *secret = QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    }
    qint64 id = 21000001;
    for (const auto &[type, title] :
         {std::pair{"subject", "Subject"}, std::pair{"description", "Description"}, std::pair{"status", "Status"},
          std::pair{"tickettype", "Type"}, std::pair{"priority", "Priority"}, std::pair{"group", "Group"},
          std::pair{"assignee", "Assignee"}})
        m_systemFields.append(ZendeskTicketField{id++, QLatin1String(type), QLatin1String(title), false, {}});
}

void ZendeskAccount::seed(int ticketCount, const QDateTime &now)
{
    // The admin whose API token the account hands out, created before anything else.
    const QDateTime opened = now.addDays(-120);
    SandboxRecord admin = SandboxRecord::create(QString::number(kFirstUserId), opened, opened);
    admin.fields = {{QStringLiteral("name"), QStringLiteral("Admin")},
                    {QStringLiteral("email"), adminEmail()},
                    {QStringLiteral("role"), QStringLiteral("admin")},
                    {QStringLiteral("phone"), QJsonValue(QJsonValue::Null)}};
    users().insert(admin);

    seedObject(QStringLiteral("tickets"), ticketCount, now);
}

SandboxRecord ZendeskAccount::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                        const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    if (object == QLatin1String("users")) {
        static const QStringList kRoles = {QStringLiteral("end-user"), QStringLiteral("end-user"),
                                           QStringLiteral("end-user"), QStringLiteral("agent")};
        SandboxRecord record =
            SandboxRecord::create(QString::number(kFirstUserId + table.nextKey() - 1), created, updated);
        const GeneratedPerson person = generator.person();
        record.fields = {{QStringLiteral("name"), person.firstName + QLatin1Char(' ') + person.lastName},
                         {QStringLiteral("email"), person.email},
                         {QStringLiteral("role"), generator.pick(kRoles)},
                         {QStringLiteral("phone"), generator.phone()}};
        return record;
    }
    SandboxRecord record = SandboxRecord::create(QString::number(table.nextKey()), created, updated);
    const GeneratedPerson requester = generator.person();
    record.fields = {{QStringLiteral("subject"), generator.subject()},
                     {QStringLiteral("description"),
                      QStringLiteral("Reported by %1 <%2>.").arg(requester.firstName, requester.email)},
                     {QStringLiteral("status"), generator.pick(kStatuses)},
                     {QStringLiteral("priority"), generator.pick(kPriorities)},
                     {QStringLiteral("type"), generator.pick(kTypes)},
                     {QStringLiteral("requester_email"), requester.email}};
    return record;
}

QString ZendeskAccount::customFieldName(const QString &object, const QString &) const
{
    if (object != QLatin1String("tickets"))
        return {};
    return QString::number(kFirstCustomFieldId + tickets().customFields().size());
}

QList<ZendeskTicketField> ZendeskAccount::ticketFields() const
{
    QList<ZendeskTicketField> fields = m_systemFields;
    for (const CustomFieldDefinition &field : tickets().customFields())
        fields.append(
            ZendeskTicketField{field.name.toLongLong(), typeOf(field.kind), field.label, true, field.options});
    return fields;
}

void ZendeskAccount::touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator)
{
    if (object == QLatin1String("users"))
        record.fields.insert(QStringLiteral("phone"), generator.phone());
    else
        record.fields.insert(QStringLiteral("status"), generator.pick(kStatuses));
}

bool ZendeskAccount::apply(SandboxRecord &ticket, const QJsonObject &changes, QJsonObject *details) const
{
    for (const char *name : {"subject", "status", "priority", "type"}) {
        const QString key = QLatin1String(name);
        if (changes.contains(key))
            ticket.fields.insert(key, changes.value(key));
    }
    if (changes.contains(QStringLiteral("priority")) &&
        !kPriorities.contains(changes.value(QStringLiteral("priority")).toString()))
        *details = invalid(QStringLiteral("priority"), QStringLiteral("Priority: is not valid"),
                           QStringLiteral("InvalidValue"));
    if (changes.contains(QStringLiteral("status")) &&
        !kStatuses.contains(changes.value(QStringLiteral("status")).toString()))
        *details =
            invalid(QStringLiteral("status"), QStringLiteral("Status: is not valid"), QStringLiteral("InvalidValue"));
    for (const QJsonValue &value : changes.value(QStringLiteral("custom_fields")).toArray()) {
        const QString id = QString::number(value.toObject().value(QStringLiteral("id")).toInteger());
        if (tickets().customField(id)) // Zendesk ignores values of unknown fields
            ticket.fields.insert(id, value.toObject().value(QStringLiteral("value")));
    }
    return details->isEmpty();
}

QString ZendeskAccount::createTicket(const QJsonObject &ticket, const QDateTime &now, QJsonObject *details)
{
    SandboxRecord record = SandboxRecord::create(QString::number(tickets().nextKey()), now, now);
    const QString body = ticket.value(QStringLiteral("comment"))
                             .toObject()
                             .value(QStringLiteral("body"))
                             .toString(ticket.value(QStringLiteral("description")).toString());
    if (body.trimmed().isEmpty())
        *details = invalid(QStringLiteral("description"), QStringLiteral("Description: cannot be blank"),
                           QStringLiteral("BlankValue"));
    record.fields = {{QStringLiteral("subject"), QString()},
                     {QStringLiteral("description"), body},
                     {QStringLiteral("status"), kStatuses.first()},
                     {QStringLiteral("priority"), QStringLiteral("normal")},
                     {QStringLiteral("type"), QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("requester_email"), adminEmail()}};
    if (!details->isEmpty() || !apply(record, ticket, details))
        return {};
    return tickets().insert(record).id;
}

bool ZendeskAccount::updateTicket(const QString &id, const QJsonObject &ticket, const QDateTime &now,
                                  QJsonObject *details)
{
    SandboxRecord *record = tickets().find(id);
    if (!record || record->deleted)
        return false;
    SandboxRecord changed = *record;
    if (!apply(changed, ticket, details))
        return false;
    changed.updatedAt = now;
    *record = changed;
    return true;
}

QJsonObject ZendeskAccount::ticketJson(const SandboxRecord &ticket, const QString &apiBase) const
{
    QJsonArray customFields;
    for (const CustomFieldDefinition &field : tickets().customFields())
        customFields.append(QJsonObject{{QStringLiteral("id"), field.name.toLongLong()},
                                        {QStringLiteral("value"), ticket.fields.value(field.name)}});
    return {{QStringLiteral("id"), ticket.id.toLongLong()},
            {QStringLiteral("url"), QStringLiteral("%1/api/v2/tickets/%2.json").arg(apiBase, ticket.id)},
            {QStringLiteral("subject"), ticket.fields.value(QStringLiteral("subject"))},
            {QStringLiteral("description"), ticket.fields.value(QStringLiteral("description"))},
            {QStringLiteral("status"),
             ticket.deleted ? QStringLiteral("deleted") : ticket.fields.value(QStringLiteral("status")).toString()},
            {QStringLiteral("priority"), ticket.fields.value(QStringLiteral("priority"))},
            {QStringLiteral("type"), ticket.fields.value(QStringLiteral("type"))},
            {QStringLiteral("created_at"), zendeskTime(ticket.createdAt)},
            {QStringLiteral("updated_at"), zendeskTime(ticket.updatedAt)},
            {QStringLiteral("generated_timestamp"), ticket.updatedAt.toSecsSinceEpoch()},
            {QStringLiteral("custom_fields"), customFields},
            {QStringLiteral("tags"), QJsonArray()}};
}

QStringList ZendeskAccount::addUsers(int count, const QDateTime &now)
{
    return seedObject(QStringLiteral("users"), count, now);
}

QJsonObject ZendeskAccount::userJson(const SandboxRecord &user, const QString &apiBase) const
{
    const QString role = user.fields.value(QStringLiteral("role")).toString();
    const QJsonValue null(QJsonValue::Null);
    return {{QStringLiteral("id"), user.id.toLongLong()},
            {QStringLiteral("url"), QStringLiteral("%1/api/v2/users/%2.json").arg(apiBase, user.id)},
            {QStringLiteral("name"), user.fields.value(QStringLiteral("name"))},
            {QStringLiteral("email"), user.fields.value(QStringLiteral("email"))},
            {QStringLiteral("created_at"), zendeskTime(user.createdAt)},
            {QStringLiteral("updated_at"), zendeskTime(user.updatedAt)},
            {QStringLiteral("time_zone"), QStringLiteral("Eastern Time (US & Canada)")},
            {QStringLiteral("iana_time_zone"), QStringLiteral("America/New_York")},
            {QStringLiteral("phone"), user.fields.value(QStringLiteral("phone"))},
            {QStringLiteral("locale"), QStringLiteral("en-US")},
            {QStringLiteral("locale_id"), 1},
            {QStringLiteral("organization_id"), null},
            {QStringLiteral("role"), role},
            {QStringLiteral("role_type"), null},
            {QStringLiteral("verified"), true},
            {QStringLiteral("external_id"), null},
            {QStringLiteral("tags"), QJsonArray()},
            {QStringLiteral("active"), !user.deleted},
            {QStringLiteral("suspended"), false},
            {QStringLiteral("moderator"), role != QLatin1String("end-user")},
            {QStringLiteral("ticket_restriction"),
             role == QLatin1String("end-user") ? QJsonValue(QStringLiteral("requested")) : null},
            {QStringLiteral("restricted_agent"), false},
            {QStringLiteral("shared"), false},
            {QStringLiteral("last_login_at"), null},
            {QStringLiteral("user_fields"), QJsonObject()}};
}

QJsonObject ZendeskAccount::ticketEventDetail(const SandboxRecord &ticket) const
{
    return {{QStringLiteral("id"), ticket.id},
            {QStringLiteral("subject"), ticket.fields.value(QStringLiteral("subject"))},
            {QStringLiteral("description"), ticket.fields.value(QStringLiteral("description"))},
            {QStringLiteral("status"),
             ticket.deleted ? QStringLiteral("deleted") : ticket.fields.value(QStringLiteral("status")).toString()},
            {QStringLiteral("priority"), ticket.fields.value(QStringLiteral("priority"))},
            {QStringLiteral("type"), ticket.fields.value(QStringLiteral("type"))},
            {QStringLiteral("tags"), QJsonArray()},
            {QStringLiteral("is_public"), true},
            {QStringLiteral("created_at"), zendeskTime(ticket.createdAt)},
            {QStringLiteral("updated_at"), zendeskTime(ticket.updatedAt)},
            {QStringLiteral("via"), QJsonObject{{QStringLiteral("channel"), QStringLiteral("api")}}}};
}

QJsonObject ZendeskAccount::ticketFieldJson(const ZendeskTicketField &field, const QString &apiBase) const
{
    QJsonArray options;
    for (const QString &option : field.options)
        options.append(QJsonObject{{QStringLiteral("name"), option}, {QStringLiteral("value"), option}});
    QJsonObject json{
        {QStringLiteral("id"), field.id},
        {QStringLiteral("url"), QStringLiteral("%1/api/v2/ticket_fields/%2.json").arg(apiBase).arg(field.id)},
        {QStringLiteral("type"), field.type},
        {QStringLiteral("title"), field.title},
        {QStringLiteral("raw_title"), field.title},
        {QStringLiteral("active"), true},
        {QStringLiteral("required"), false},
        {QStringLiteral("removable"), field.removable}};
    if (field.type == QLatin1String("tagger"))
        json.insert(QStringLiteral("custom_field_options"), options);
    return json;
}

} // namespace patchbay::sandbox

#include "GraphMailbox.h"

#include <QCryptographicHash>
#include <QUuid>

namespace patchbay::sandbox {

namespace {

const QString kMessages = QStringLiteral("messages");
const QString kEvents = QStringLiteral("events");
const QString kSequence = QStringLiteral("_changeSequence"); // internal, never printed

QString graphTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate); // 2026-01-15T10:30:00Z
}

// Event times are local to their time zone and carry seven fractional digits.
QJsonObject dateTimeTimeZone(const QDateTime &time)
{
    return {{QStringLiteral("dateTime"), time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz0000"))},
            {QStringLiteral("timeZone"), QStringLiteral("UTC")}};
}

QString extensionType(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Number:
        return QStringLiteral("Integer");
    case FieldKind::Bool:
        return QStringLiteral("Boolean");
    case FieldKind::Date:
    case FieldKind::DateTime:
        return QStringLiteral("DateTime");
    case FieldKind::Picklist:
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("String");
}

QUuid uuidOf(const QByteArray &material)
{
    return QUuid::fromRfc4122(QCryptographicHash::hash(material, QCryptographicHash::Md5));
}

} // namespace

GraphMailbox::GraphMailbox(const QString &name, quint32 seed) : SandboxAccount(name, seed, {kMessages, kEvents}) {}

QString GraphMailbox::userId() const
{
    return uuidOf("user/" + name().toUtf8()).toString(QUuid::WithoutBraces);
}

QString GraphMailbox::tenantId() const
{
    return uuidOf("tenant/" + name().toUtf8()).toString(QUuid::WithoutBraces);
}

QString GraphMailbox::itemId(const QString &object, qint64 key) const
{
    const QByteArray digest =
        QCryptographicHash::hash((name() + object).toUtf8() + QByteArray::number(key), QCryptographicHash::Sha1);
    return QStringLiteral("AAMkAD") +
           QString::fromLatin1(digest.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

void GraphMailbox::stamp(SandboxRecord &record)
{
    record.fields.insert(kSequence, ++m_changeSequence);
}

qint64 GraphMailbox::sequenceOf(const SandboxRecord &record)
{
    return record.fields.value(kSequence).toInteger();
}

bool GraphMailbox::remove(const QString &object, const QString &id, const QDateTime &now)
{
    if (!SandboxAccount::remove(object, id, now))
        return false;
    stamp(*table(object)->find(id));
    return true;
}

QString GraphMailbox::extensionId(const QString &object) const
{
    return QStringLiteral("ext%1_patchbay%2")
        .arg(RecordGenerator::stableHash(name()), 8, 16, QLatin1Char('0'))
        .arg(object == kEvents ? QStringLiteral("Event") : QStringLiteral("Message"));
}

SandboxRecord GraphMailbox::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                      const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    SandboxRecord record = SandboxRecord::create(itemId(object, table.nextKey()), created, updated);
    const GeneratedPerson person = generator.person();
    record.fields = {{QStringLiteral("subject"), generator.subject()},
                     {QStringLiteral("name"), person.firstName + QLatin1Char(' ') + person.lastName},
                     {QStringLiteral("address"), person.email},
                     {QStringLiteral("isRead"), generator.random().bounded(2) == 0}};
    if (object == kEvents) {
        const QDateTime start = created.addSecs(3600 * static_cast<qint64>(generator.random().bounded(24, 24 * 60)));
        record.fields.insert(QStringLiteral("start"), graphTime(start));
        record.fields.insert(QStringLiteral("end"), graphTime(start.addSecs(3600)));
    }
    stamp(record);
    return record;
}

QString GraphMailbox::customFieldName(const QString &, const QString &label) const
{
    QString property;
    for (const QString &word : label.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        QString clean;
        for (const QChar c : word) {
            if (c.isLetterOrNumber())
                clean.append(c);
        }
        property += property.isEmpty() ? clean.toLower() : clean.left(1).toUpper() + clean.mid(1).toLower();
    }
    return property;
}

void GraphMailbox::touchRecord(const QString &, SandboxRecord &record, RecordGenerator &)
{
    record.fields.insert(QStringLiteral("isRead"), !record.fields.value(QStringLiteral("isRead")).toBool());
    stamp(record);
}

QPair<QDateTime, QDateTime> GraphMailbox::eventSpan(const SandboxRecord &record) const
{
    return {QDateTime::fromString(record.fields.value(QStringLiteral("start")).toString(), Qt::ISODate),
            QDateTime::fromString(record.fields.value(QStringLiteral("end")).toString(), Qt::ISODate)};
}

QJsonObject GraphMailbox::itemJson(const QString &object, const SandboxRecord &record) const
{
    const QJsonObject person{
        {QStringLiteral("emailAddress"),
         QJsonObject{{QStringLiteral("name"), record.fields.value(QStringLiteral("name"))},
                     {QStringLiteral("address"), record.fields.value(QStringLiteral("address"))}}}};
    QJsonObject json{
        {QStringLiteral("@odata.etag"), QStringLiteral("W/\"%1\"").arg(record.updatedAt.toMSecsSinceEpoch())},
        {QStringLiteral("id"), record.id},
        {QStringLiteral("createdDateTime"), graphTime(record.createdAt)},
        {QStringLiteral("lastModifiedDateTime"), graphTime(record.updatedAt)},
        {QStringLiteral("subject"), record.fields.value(QStringLiteral("subject"))}};
    if (object == kEvents) {
        const auto [start, end] = eventSpan(record);
        json.insert(QStringLiteral("start"), dateTimeTimeZone(start));
        json.insert(QStringLiteral("end"), dateTimeTimeZone(end));
        json.insert(QStringLiteral("organizer"), person);
        json.insert(QStringLiteral("isCancelled"), false);
    } else {
        json.insert(QStringLiteral("receivedDateTime"), graphTime(record.createdAt));
        json.insert(QStringLiteral("sentDateTime"), graphTime(record.createdAt.addSecs(-5)));
        json.insert(QStringLiteral("from"), person);
        json.insert(QStringLiteral("isRead"), record.fields.value(QStringLiteral("isRead")));
        json.insert(QStringLiteral("parentFolderId"), QStringLiteral("inbox"));
        json.insert(QStringLiteral("bodyPreview"), record.fields.value(QStringLiteral("subject")));
    }
    const QList<CustomFieldDefinition> &custom = table(object)->customFields();
    if (!custom.isEmpty()) {
        QJsonObject values;
        for (const CustomFieldDefinition &field : custom)
            values.insert(field.name, record.fields.value(field.name));
        json.insert(extensionId(object), values);
    }
    return json;
}

QJsonObject GraphMailbox::removedJson(const QString &object, const SandboxRecord &record) const
{
    return {{QStringLiteral("@odata.type"),
             object == kEvents ? QStringLiteral("#microsoft.graph.event") : QStringLiteral("#microsoft.graph.message")},
            {QStringLiteral("id"), record.id},
            {QStringLiteral("@removed"), QJsonObject{{QStringLiteral("reason"), QStringLiteral("deleted")}}}};
}

QJsonArray GraphMailbox::schemaExtensionsJson() const
{
    QJsonArray extensions;
    for (const QString &object : objects()) {
        if (!table(object)->customFields().isEmpty())
            extensions.append(schemaExtensionJson(object));
    }
    return extensions;
}

QString GraphMailbox::createEvent(const QJsonObject &body, const QDateTime &now, QString *error)
{
    const QDateTime start = eventTime(body.value(QStringLiteral("start")));
    const QDateTime end = eventTime(body.value(QStringLiteral("end")));
    if (!start.isValid() || !end.isValid() || end < start) {
        *error = QStringLiteral("Your request can't be completed. An event needs a start and an end, and the end "
                                "can't be before the start.");
        return {};
    }
    RecordTable &events = *table(kEvents);
    SandboxRecord record = SandboxRecord::create(itemId(kEvents, events.nextKey()), now, now);
    record.fields = {{QStringLiteral("subject"), body.value(QStringLiteral("subject")).toString()},
                     {QStringLiteral("name"), QStringLiteral("Adele Vance")},
                     {QStringLiteral("address"), userPrincipalName()},
                     {QStringLiteral("isRead"), true},
                     {QStringLiteral("start"), graphTime(start)},
                     {QStringLiteral("end"), graphTime(end)}};
    setExtensionValues(kEvents, body, record);
    stamp(record);
    return events.insert(record).id;
}

int GraphMailbox::updateEvent(const QString &id, const QJsonObject &body, const QDateTime &now, QString *error)
{
    SandboxRecord *record = table(kEvents)->find(id);
    if (!record || record->deleted) {
        *error = QStringLiteral("The specified object was not found in the store.");
        return 404;
    }
    auto [start, end] = eventSpan(*record);
    if (body.contains(QStringLiteral("start")))
        start = eventTime(body.value(QStringLiteral("start")));
    if (body.contains(QStringLiteral("end")))
        end = eventTime(body.value(QStringLiteral("end")));
    if (!start.isValid() || !end.isValid() || end < start) {
        *error = QStringLiteral("Your request can't be completed. An event needs a start and an end, and the end "
                                "can't be before the start.");
        return 400;
    }
    if (body.contains(QStringLiteral("subject")))
        record->fields.insert(QStringLiteral("subject"), body.value(QStringLiteral("subject")).toString());
    record->fields.insert(QStringLiteral("start"), graphTime(start));
    record->fields.insert(QStringLiteral("end"), graphTime(end));
    setExtensionValues(kEvents, body, *record);
    record->updatedAt = now;
    stamp(*record);
    return 200;
}

QDateTime GraphMailbox::eventTime(const QJsonValue &dateTimeTimeZone)
{
    const QString text = dateTimeTimeZone.toObject().value(QStringLiteral("dateTime")).toString();
    const QDateTime local = QDateTime::fromString(text.left(19), Qt::ISODate);
    if (!local.isValid())
        return {};
    return QDateTime(local.date(), local.time(), Qt::UTC); // the emulator reads every time zone as UTC
}

void GraphMailbox::setExtensionValues(const QString &object, const QJsonObject &body, SandboxRecord &record) const
{
    const QJsonObject values = body.value(extensionId(object)).toObject();
    for (const CustomFieldDefinition &field : table(object)->customFields()) {
        if (values.contains(field.name))
            record.fields.insert(field.name, values.value(field.name));
    }
}

QJsonObject GraphMailbox::schemaExtensionJson(const QString &object) const
{
    QJsonArray properties;
    for (const CustomFieldDefinition &field : table(object)->customFields())
        properties.append(
            QJsonObject{{QStringLiteral("name"), field.name}, {QStringLiteral("type"), extensionType(field.kind)}});
    return {{QStringLiteral("id"), extensionId(object)},
            {QStringLiteral("description"), QStringLiteral("Custom fields of %1").arg(object)},
            {QStringLiteral("targetTypes"),
             QJsonArray{object == kEvents ? QStringLiteral("Event") : QStringLiteral("Message")}},
            {QStringLiteral("status"), QStringLiteral("Available")},
            {QStringLiteral("owner"), userId()},
            {QStringLiteral("properties"), properties}};
}

} // namespace patchbay::sandbox

#include "ServiceNowInstance.h"

#include <QCryptographicHash>

#include <algorithm>
#include <span>

namespace patchbay::sandbox {

namespace {

const QString kIncident = QStringLiteral("incident");
const QString kUser = QStringLiteral("sys_user");
const QStringList kStates = {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("6"),
                             QStringLiteral("7")}; // New, In Progress, On Hold, Resolved, Closed
const QStringList kLevels = {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")};
const QString kMandatoryShortDescription = QStringLiteral("Data Policy Exception: \n Short description is mandatory\n");

struct Column
{
    const char *element;
    const char *label;
    const char *type;
};

constexpr Column kIncidentColumns[] = {{"sys_id", "Sys ID", "GUID"},
                                       {"number", "Number", "string"},
                                       {"short_description", "Short description", "string"},
                                       {"description", "Description", "string"},
                                       {"caller_email", "Caller email", "email"},
                                       {"state", "State", "integer"},
                                       {"priority", "Priority", "integer"},
                                       {"urgency", "Urgency", "integer"},
                                       {"active", "Active", "boolean"},
                                       {"sys_created_on", "Created", "glide_date_time"},
                                       {"sys_updated_on", "Updated", "glide_date_time"},
                                       {"sys_mod_count", "Updates", "integer"}};

constexpr Column kUserColumns[] = {{"sys_id", "Sys ID", "GUID"},
                                   {"user_name", "User ID", "string"},
                                   {"first_name", "First name", "string"},
                                   {"last_name", "Last name", "string"},
                                   {"name", "Name", "string"},
                                   {"email", "Email", "email"},
                                   {"title", "Title", "string"},
                                   {"phone", "Business phone", "ph_number"},
                                   {"active", "Active", "boolean"},
                                   {"locked_out", "Locked out", "boolean"},
                                   {"sys_created_on", "Created", "glide_date_time"},
                                   {"sys_updated_on", "Updated", "glide_date_time"},
                                   {"sys_mod_count", "Updates", "integer"}};

const QStringList kTitles = {QStringLiteral("Service Desk Agent"), QStringLiteral("Network Engineer"),
                             QStringLiteral("IT Manager"), QStringLiteral("Accountant"),
                             QStringLiteral("Sales Representative")};

std::span<const Column> columnsOf(const QString &table)
{
    if (table == kUser)
        return kUserColumns;
    return kIncidentColumns;
}

QString tableLabel(const QString &table)
{
    return table == kUser ? QStringLiteral("User") : QStringLiteral("Incident");
}

QString internalType(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Number:
        return QStringLiteral("integer");
    case FieldKind::Bool:
        return QStringLiteral("boolean");
    case FieldKind::Picklist:
        return QStringLiteral("choice");
    case FieldKind::Date:
        return QStringLiteral("glide_date");
    case FieldKind::DateTime:
        return QStringLiteral("glide_date_time");
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("string");
}

QString asText(const QJsonValue &value)
{
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::number(value.toDouble());
    return value.toString();
}

} // namespace

ServiceNowInstance::ServiceNowInstance(const QString &name, quint32 seed)
    : SandboxAccount(name, seed, {kIncident, kUser})
{}

QString ServiceNowInstance::timestamp(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString ServiceNowInstance::nextSysId(RecordTable &table) const
{
    const QByteArray material = name().toUtf8() + '/' + QByteArray::number(table.nextKey());
    return QString::fromLatin1(QCryptographicHash::hash(material, QCryptographicHash::Md5).toHex());
}

SandboxRecord ServiceNowInstance::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                            const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    SandboxRecord record = SandboxRecord::create(nextSysId(table), created, updated);
    const GeneratedPerson person = generator.person();
    const int modCount = created == updated ? 0 : 1;
    if (object == kUser) {
        record.fields = {{QStringLiteral("user_name"), person.email.section(QLatin1Char('@'), 0, 0)},
                         {QStringLiteral("first_name"), person.firstName},
                         {QStringLiteral("last_name"), person.lastName},
                         {QStringLiteral("name"), person.firstName + QLatin1Char(' ') + person.lastName},
                         {QStringLiteral("email"), person.email},
                         {QStringLiteral("title"), generator.pick(kTitles)},
                         {QStringLiteral("phone"), generator.phone()},
                         {QStringLiteral("active"), QStringLiteral("true")},
                         {QStringLiteral("locked_out"), QStringLiteral("false")},
                         {QStringLiteral("sys_mod_count"), modCount}};
        return record;
    }
    const QString state = generator.pick(kStates);
    record.fields = {
        {QStringLiteral("number"), QStringLiteral("INC%1").arg(10000 + table.nextKey(), 7, 10, QLatin1Char('0'))},
        {QStringLiteral("short_description"), generator.subject()},
        {QStringLiteral("description"), QStringLiteral("Reported by %1 %2").arg(person.firstName, person.lastName)},
        {QStringLiteral("caller_email"), person.email},
        {QStringLiteral("state"), state},
        {QStringLiteral("priority"), generator.pick(kLevels)},
        {QStringLiteral("urgency"), generator.pick(kLevels)},
        {QStringLiteral("active"), state == QLatin1String("7") ? "false" : "true"},
        {QStringLiteral("sys_mod_count"), modCount}};
    return record;
}

QString ServiceNowInstance::customFieldName(const QString &, const QString &label) const
{
    // Columns an admin adds get the u_ prefix and the label in lower case with underscores.
    QString element = label.toLower();
    for (QChar &c : element) {
        if (!c.isLetterOrNumber())
            c = QLatin1Char('_');
    }
    return QStringLiteral("u_") + element;
}

void ServiceNowInstance::touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator)
{
    if (object == kUser)
        record.fields.insert(QStringLiteral("title"), generator.pick(kTitles));
    else
        record.fields.insert(QStringLiteral("state"), generator.pick(kStates));
    record.fields.insert(QStringLiteral("sys_mod_count"),
                         record.fields.value(QStringLiteral("sys_mod_count")).toInt() + 1);
}

QJsonObject ServiceNowInstance::rowJson(const QString &, const SandboxRecord &record) const
{
    QJsonObject row{{QStringLiteral("sys_id"), record.id},
                    {QStringLiteral("sys_created_on"), timestamp(record.createdAt)},
                    {QStringLiteral("sys_updated_on"), timestamp(record.updatedAt)},
                    {QStringLiteral("sys_created_by"), adminUser()},
                    {QStringLiteral("sys_updated_by"), adminUser()}};
    for (auto it = record.fields.begin(); it != record.fields.end(); ++it)
        row.insert(it.key(), asText(it.value()));
    return row;
}

QList<QJsonObject> ServiceNowInstance::dictionaryRows(const QString &tableName) const
{
    const RecordTable *records = table(tableName);
    if (!records)
        return {};
    const auto row = [&](const QString &element, const QString &label, const QString &type, int index) {
        return QJsonObject{
            {QStringLiteral("sys_id"), QStringLiteral("%1_%2").arg(tableName).arg(index)},
            {QStringLiteral("name"), tableName},
            {QStringLiteral("element"), element},
            {QStringLiteral("column_label"), label},
            {QStringLiteral("internal_type"), type},
            {QStringLiteral("max_length"), type == QLatin1String("string") ? "160" : "40"},
            {QStringLiteral("mandatory"), element == QLatin1String("short_description") ? "true" : "false"},
            {QStringLiteral("active"), QStringLiteral("true")}};
    };
    QList<QJsonObject> rows{row({}, tableLabel(tableName), QStringLiteral("collection"), 0)};
    for (const Column &column : columnsOf(tableName))
        rows.append(row(QLatin1String(column.element), QLatin1String(column.label), QLatin1String(column.type),
                        static_cast<int>(rows.size())));
    for (const CustomFieldDefinition &field : records->customFields())
        rows.append(row(field.name, field.label, internalType(field.kind), static_cast<int>(rows.size())));
    return rows;
}

bool ServiceNowInstance::assign(const QString &tableName, const RecordTable &records, SandboxRecord &record,
                                const QJsonObject &body)
{
    const std::span<const Column> columns = columnsOf(tableName);
    bool changed = false;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const bool known = std::any_of(columns.begin(), columns.end(),
                                       [&](const Column &c) { return it.key() == QLatin1String(c.element); });
        // Unknown columns are ignored, as the Table API does; system columns are the instance's to set.
        if ((known || records.customField(it.key())) && !it.key().startsWith(QLatin1String("sys_"))) {
            record.fields.insert(it.key(), asText(it.value()));
            changed = true;
        }
    }
    return changed;
}

QString ServiceNowInstance::insert(const QString &tableName, const QJsonObject &body, const QDateTime &now,
                                   QString *detail)
{
    RecordTable *records = table(tableName);
    const bool incident = tableName == kIncident;
    if (incident && body.value(QStringLiteral("short_description")).toString().trimmed().isEmpty()) {
        *detail = kMandatoryShortDescription;
        return {};
    }
    SandboxRecord record = SandboxRecord::create(nextSysId(*records), now, now);
    record.fields = {{QStringLiteral("active"), QStringLiteral("true")}, {QStringLiteral("sys_mod_count"), 0}};
    if (incident) {
        record.fields.insert(QStringLiteral("number"),
                             QStringLiteral("INC%1").arg(10000 + records->nextKey(), 7, 10, QLatin1Char('0')));
        record.fields.insert(QStringLiteral("state"), kStates.first());
        record.fields.insert(QStringLiteral("priority"), QStringLiteral("3"));
        record.fields.insert(QStringLiteral("urgency"), QStringLiteral("3"));
    } else {
        record.fields.insert(QStringLiteral("locked_out"), QStringLiteral("false"));
    }
    assign(tableName, *records, record, body);
    return records->insert(record).id;
}

ServiceNowInstance::UpdateResult ServiceNowInstance::update(const QString &tableName, const QString &sysId,
                                                            const QJsonObject &body, const QDateTime &now,
                                                            QString *detail)
{
    RecordTable *records = table(tableName);
    SandboxRecord *record = records ? records->find(sysId) : nullptr;
    if (!record || record->deleted)
        return UpdateResult::NotFound;
    if (tableName == kIncident && body.contains(QStringLiteral("short_description")) &&
        body.value(QStringLiteral("short_description")).toString().trimmed().isEmpty()) {
        *detail = kMandatoryShortDescription;
        return UpdateResult::Refused;
    }
    if (assign(tableName, *records, *record, body)) {
        record->updatedAt = now;
        record->fields.insert(QStringLiteral("sys_mod_count"),
                              record->fields.value(QStringLiteral("sys_mod_count")).toInt() + 1);
    }
    return UpdateResult::Updated;
}

} // namespace patchbay::sandbox

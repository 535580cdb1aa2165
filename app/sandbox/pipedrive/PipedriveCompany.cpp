#include "PipedriveCompany.h"

#include <QCryptographicHash>

namespace patchbay::sandbox {

namespace {

const QString kPersons = QStringLiteral("persons");
const QString kDeals = QStringLiteral("deals");
const QStringList kDealStatuses = {QStringLiteral("open"), QStringLiteral("won"), QStringLiteral("lost")};

struct StandardField
{
    const char *key;
    const char *name;
    const char *type;
};

constexpr StandardField kPersonFields[] = {
    {"name", "Name", "varchar"},           {"email", "Email", "varchar"}, {"phone", "Phone", "phone"},
    {"org_id", "Organization", "org"},     {"owner_id", "Owner", "user"}, {"add_time", "Person created", "date"},
    {"update_time", "Update time", "date"}};
constexpr StandardField kDealFields[] = {
    {"title", "Title", "varchar"},         {"value", "Value", "monetary"},
    {"status", "Status", "status"},        {"person_id", "Contact person", "people"},
    {"stage_id", "Stage", "stage"},        {"add_time", "Deal created", "date"},
    {"update_time", "Update time", "date"}};

QString fieldType(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Number:
        return QStringLiteral("double");
    case FieldKind::Bool:
    case FieldKind::Picklist:
        return QStringLiteral("enum");
    case FieldKind::Date:
    case FieldKind::DateTime:
        return QStringLiteral("date");
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("varchar");
}

QJsonArray labelled(const QJsonValue &value)
{
    return QJsonArray{QJsonObject{{QStringLiteral("label"), QStringLiteral("work")},
                                  {QStringLiteral("value"), value},
                                  {QStringLiteral("primary"), true}}};
}

} // namespace

PipedriveCompany::PipedriveCompany(const QString &name, quint32 seed) : SandboxAccount(name, seed, {kPersons, kDeals})
{}

QString PipedriveCompany::apiKey() const
{
    return QString::fromLatin1(seededBytes(seed(), 0x50495045u, 20).toHex());
}

QString PipedriveCompany::timestamp(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

SandboxRecord PipedriveCompany::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                          const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    SandboxRecord record = SandboxRecord::create(QString::number(table.nextKey()), created, updated);
    if (object == kDeals) {
        record.fields = {{QStringLiteral("title"), generator.person().company + QStringLiteral(" deal")},
                         {QStringLiteral("value"), static_cast<int>(generator.random().bounded(500, 50000))},
                         {QStringLiteral("status"), generator.pick(kDealStatuses)},
                         {QStringLiteral("stage_id"), static_cast<int>(generator.random().bounded(1, 6))},
                         {QStringLiteral("person_id"), table.nextKey()}};
        return record;
    }
    const GeneratedPerson person = generator.person();
    record.fields = {{QStringLiteral("first_name"), person.firstName},
                     {QStringLiteral("last_name"), person.lastName},
                     {QStringLiteral("email"), person.email},
                     {QStringLiteral("phone"), generator.phone()}};
    return record;
}

QString PipedriveCompany::customFieldName(const QString &object, const QString &label) const
{
    const QByteArray material = (name() + QLatin1Char('/') + object + QLatin1Char('/') + label).toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(material, QCryptographicHash::Sha1).toHex());
}

void PipedriveCompany::touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator)
{
    if (object == kDeals)
        record.fields.insert(QStringLiteral("stage_id"), static_cast<int>(generator.random().bounded(1, 6)));
    else
        record.fields.insert(QStringLiteral("phone"), generator.phone());
}

QJsonObject PipedriveCompany::itemJson(const QString &object, const SandboxRecord &record) const
{
    QJsonObject json{{QStringLiteral("id"), record.id.toLongLong()},
                     {QStringLiteral("company_id"), companyId()},
                     {QStringLiteral("owner_id"),
                      QJsonObject{{QStringLiteral("id"), 1}, {QStringLiteral("name"), QStringLiteral("Admin")}}},
                     {QStringLiteral("add_time"), timestamp(record.createdAt)},
                     {QStringLiteral("update_time"), timestamp(record.updatedAt)},
                     {QStringLiteral("active_flag"), !record.deleted},
                     {QStringLiteral("visible_to"), QStringLiteral("3")}};
    if (object == kDeals) {
        for (const char *key : {"title", "value", "status", "stage_id", "person_id"})
            json.insert(QLatin1String(key), record.fields.value(QLatin1String(key)));
        json.insert(QStringLiteral("currency"), QStringLiteral("USD"));
    } else {
        const QString first = record.fields.value(QStringLiteral("first_name")).toString();
        const QString last = record.fields.value(QStringLiteral("last_name")).toString();
        json.insert(QStringLiteral("name"), last.isEmpty() ? first : first + QLatin1Char(' ') + last);
        json.insert(QStringLiteral("first_name"), first);
        json.insert(QStringLiteral("last_name"), last);
        json.insert(QStringLiteral("email"), labelled(record.fields.value(QStringLiteral("email"))));
        json.insert(QStringLiteral("phone"), labelled(record.fields.value(QStringLiteral("phone"))));
        json.insert(QStringLiteral("org_id"), QJsonValue::Null);
    }
    for (const CustomFieldDefinition &field : table(object)->customFields())
        json.insert(field.name, record.fields.value(field.name));
    return json;
}

QJsonArray PipedriveCompany::fieldsJson(const QString &object) const
{
    QJsonArray fields;
    int id = object == kDeals ? 12450 : 9050;
    const auto add = [&](const QString &key, const QString &name, const QString &type, bool custom,
                         const QStringList &options) {
        QJsonObject field{
            {QStringLiteral("id"), ++id},
            {QStringLiteral("key"), key},
            {QStringLiteral("name"), name},
            {QStringLiteral("field_type"), type},
            {QStringLiteral("active_flag"), true},
            {QStringLiteral("edit_flag"), custom},
            {QStringLiteral("mandatory_flag"), key == QLatin1String("name") || key == QLatin1String("title")},
            {QStringLiteral("add_visible_flag"), true}};
        if (type == QLatin1String("enum")) {
            QJsonArray values;
            for (int i = 0; i < options.size(); ++i)
                values.append(QJsonObject{{QStringLiteral("id"), i + 1}, {QStringLiteral("label"), options.at(i)}});
            field.insert(QStringLiteral("options"), values);
        }
        fields.append(field);
    };
    if (object == kDeals) {
        for (const StandardField &field : kDealFields)
            add(QLatin1String(field.key), QLatin1String(field.name), QLatin1String(field.type), false, {});
    } else {
        for (const StandardField &field : kPersonFields)
            add(QLatin1String(field.key), QLatin1String(field.name), QLatin1String(field.type), false, {});
    }
    for (const CustomFieldDefinition &field : table(object)->customFields())
        add(field.name, field.label, fieldType(field.kind), true, field.options);
    return fields;
}

QString PipedriveCompany::create(const QString &object, const QJsonObject &body, const QDateTime &now, QString *error)
{
    RecordTable &records = *table(object);
    const QString required = object == kDeals ? QStringLiteral("title") : QStringLiteral("name");
    if (body.value(required).toString().trimmed().isEmpty()) {
        *error = object == kDeals ? QStringLiteral("Deal title must be given.") : QStringLiteral("Name must be given.");
        return {};
    }
    SandboxRecord record = SandboxRecord::create(QString::number(records.nextKey()), now, now);
    if (object == kDeals) {
        record.fields = {
            {QStringLiteral("title"), body.value(QStringLiteral("title"))},
            {QStringLiteral("value"), body.value(QStringLiteral("value")).toDouble()},
            {QStringLiteral("status"), body.value(QStringLiteral("status")).toString(QStringLiteral("open"))},
            {QStringLiteral("stage_id"), body.value(QStringLiteral("stage_id")).toInt(1)},
            {QStringLiteral("person_id"), body.value(QStringLiteral("person_id"))}};
    } else {
        const QString name = body.value(QStringLiteral("name")).toString();
        record.fields = {
            {QStringLiteral("first_name"), name.section(QLatin1Char(' '), 0, 0)},
            {QStringLiteral("last_name"), name.section(QLatin1Char(' '), 1)},
            {QStringLiteral("email"),
             body.value(QStringLiteral("email")).isArray()
                 ? body.value(QStringLiteral("email")).toArray().first().toObject().value(QStringLiteral("value"))
                 : body.value(QStringLiteral("email"))},
            {QStringLiteral("phone"), QJsonValue::Null}};
    }
    for (const CustomFieldDefinition &field : records.customFields()) {
        if (body.contains(field.name))
            record.fields.insert(field.name, body.value(field.name));
    }
    return records.insert(record).id;
}

int PipedriveCompany::update(const QString &object, const QString &id, const QJsonObject &body, const QDateTime &now,
                             QString *error)
{
    SandboxRecord *record = table(object)->find(id);
    if (!record || record->deleted)
        return 404;
    const bool deal = object == kDeals;
    const QString required = deal ? QStringLiteral("title") : QStringLiteral("name");
    if (body.contains(required) && body.value(required).toString().trimmed().isEmpty()) {
        *error = deal ? QStringLiteral("Deal title must be given.") : QStringLiteral("Name must be given.");
        return 400;
    }
    if (deal) {
        for (const char *key : {"title", "value", "status", "stage_id", "person_id"}) {
            if (body.contains(QLatin1String(key)))
                record->fields.insert(QLatin1String(key), body.value(QLatin1String(key)));
        }
    } else {
        if (body.contains(QStringLiteral("name"))) {
            const QString name = body.value(QStringLiteral("name")).toString();
            record->fields.insert(QStringLiteral("first_name"), name.section(QLatin1Char(' '), 0, 0));
            record->fields.insert(QStringLiteral("last_name"), name.section(QLatin1Char(' '), 1));
        }
        for (const char *key : {"email", "phone"}) {
            const QJsonValue value = body.value(QLatin1String(key));
            if (!value.isUndefined())
                record->fields.insert(
                    QLatin1String(key),
                    value.isArray() ? value.toArray().first().toObject().value(QStringLiteral("value")) : value);
        }
    }
    for (const CustomFieldDefinition &field : table(object)->customFields()) {
        if (body.contains(field.name))
            record->fields.insert(field.name, body.value(field.name));
    }
    record->updatedAt = now;
    return 200;
}

} // namespace patchbay::sandbox

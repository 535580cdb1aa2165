#include "GreenhouseOrganization.h"

#include "common/SandboxHttp.h"

namespace patchbay::sandbox {

namespace {

const QString kCandidates = QStringLiteral("candidates");
const QString kApplications = QStringLiteral("applications");
constexpr qint64 kCandidateIdBase = 100000;
constexpr qint64 kApplicationIdBase = 500000;
const QStringList kStages = {QStringLiteral("Application Review"), QStringLiteral("Phone Screen"),
                             QStringLiteral("Onsite"), QStringLiteral("Offer")};

QString valueType(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Number:
        return QStringLiteral("number");
    case FieldKind::Bool:
        return QStringLiteral("yes_no");
    case FieldKind::Picklist:
        return QStringLiteral("single_select");
    case FieldKind::Date:
    case FieldKind::DateTime:
        return QStringLiteral("date");
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("short_text");
}

QString fieldTypeOf(const QString &object)
{
    return object == QLatin1String("applications") ? QStringLiteral("application") : QStringLiteral("candidate");
}

} // namespace

GreenhouseOrganization::GreenhouseOrganization(const QString &name, quint32 seed)
    : SandboxAccount(name, seed, {kCandidates, kApplications})
{}

QString GreenhouseOrganization::objectOfFieldType(const QString &fieldType)
{
    if (fieldType == QLatin1String("candidate"))
        return kCandidates;
    if (fieldType == QLatin1String("application"))
        return kApplications;
    return {};
}

SandboxRecord GreenhouseOrganization::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                                const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    const qint64 key = table.nextKey();
    if (object == kApplications) {
        SandboxRecord record = SandboxRecord::create(QString::number(kApplicationIdBase + key), created, updated);
        record.fields = {{QStringLiteral("candidate_id"), kCandidateIdBase + key},
                         {QStringLiteral("stage"), generator.pick(kStages)},
                         {QStringLiteral("status"), QStringLiteral("active")}};
        return record;
    }
    SandboxRecord record = SandboxRecord::create(QString::number(kCandidateIdBase + key), created, updated);
    const GeneratedPerson person = generator.person();
    record.fields = {
        {QStringLiteral("first_name"), person.firstName}, {QStringLiteral("last_name"), person.lastName},
        {QStringLiteral("company"), person.company},      {QStringLiteral("email"), person.email},
        {QStringLiteral("phone"), generator.phone()},     {QStringLiteral("application_id"), kApplicationIdBase + key}};
    return record;
}

QString GreenhouseOrganization::customFieldName(const QString &, const QString &label) const
{
    QString key = label.trimmed().toLower();
    for (QChar &c : key) {
        if (!c.isLetterOrNumber())
            c = QLatin1Char('_');
    }
    return key;
}

void GreenhouseOrganization::touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator)
{
    if (object == kApplications)
        record.fields.insert(QStringLiteral("stage"), generator.pick(kStages));
    else
        record.fields.insert(QStringLiteral("phone"), generator.phone());
}

void GreenhouseOrganization::addCustomValues(const SandboxRecord &record, const QString &object,
                                             QJsonObject &json) const
{
    QJsonObject values;
    QJsonObject keyed;
    for (const CustomFieldDefinition &field : table(object)->customFields()) {
        values.insert(field.name, record.fields.value(field.name));
        keyed.insert(field.name, QJsonObject{{QStringLiteral("name"), field.label},
                                             {QStringLiteral("type"), valueType(field.kind)},
                                             {QStringLiteral("value"), record.fields.value(field.name)}});
    }
    json.insert(QStringLiteral("custom_fields"), values);
    json.insert(QStringLiteral("keyed_custom_fields"), keyed);
}

QJsonObject GreenhouseOrganization::candidateJson(const SandboxRecord &record) const
{
    const auto labelled = [](const QJsonValue &value, const char *type) {
        return QJsonArray{QJsonObject{{QStringLiteral("value"), value}, {QStringLiteral("type"), QLatin1String(type)}}};
    };
    const qint64 applicationId = record.fields.value(QStringLiteral("application_id")).toInteger();
    QJsonObject json{
        {QStringLiteral("id"), record.id.toLongLong()},
        {QStringLiteral("first_name"), record.fields.value(QStringLiteral("first_name"))},
        {QStringLiteral("last_name"), record.fields.value(QStringLiteral("last_name"))},
        {QStringLiteral("company"), record.fields.value(QStringLiteral("company"))},
        {QStringLiteral("title"), QJsonValue::Null},
        {QStringLiteral("created_at"), SandboxHttp::isoTimestamp(record.createdAt)},
        {QStringLiteral("updated_at"), SandboxHttp::isoTimestamp(record.updatedAt)},
        {QStringLiteral("last_activity"), SandboxHttp::isoTimestamp(record.updatedAt)},
        {QStringLiteral("is_private"), false},
        {QStringLiteral("application_ids"), applicationId ? QJsonArray{applicationId} : QJsonArray()},
        {QStringLiteral("email_addresses"), labelled(record.fields.value(QStringLiteral("email")), "personal")},
        {QStringLiteral("phone_numbers"), labelled(record.fields.value(QStringLiteral("phone")), "mobile")},
        {QStringLiteral("tags"), QJsonArray()}};
    addCustomValues(record, kCandidates, json);
    return json;
}

QJsonObject GreenhouseOrganization::applicationJson(const SandboxRecord &record) const
{
    const QString stage = record.fields.value(QStringLiteral("stage")).toString();
    QJsonObject json{
        {QStringLiteral("id"), record.id.toLongLong()},
        {QStringLiteral("candidate_id"), record.fields.value(QStringLiteral("candidate_id"))},
        {QStringLiteral("prospect"), false},
        {QStringLiteral("applied_at"), SandboxHttp::isoTimestamp(record.createdAt)},
        {QStringLiteral("rejected_at"), QJsonValue::Null},
        {QStringLiteral("last_activity_at"), SandboxHttp::isoTimestamp(record.updatedAt)},
        {QStringLiteral("status"), record.fields.value(QStringLiteral("status"))},
        {QStringLiteral("current_stage"),
         QJsonObject{{QStringLiteral("id"), 7000 + kStages.indexOf(stage)}, {QStringLiteral("name"), stage}}},
        {QStringLiteral("jobs"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), 9001}, {QStringLiteral("name"), QStringLiteral("Engineer")}}}}};
    addCustomValues(record, kApplications, json);
    return json;
}

QJsonArray GreenhouseOrganization::customFieldsJson(const QString &fieldType) const
{
    const QString object = objectOfFieldType(fieldType);
    QJsonArray fields;
    if (object.isEmpty())
        return fields;
    qint64 id = 60000 + (object == kApplications ? 500 : 0);
    for (const CustomFieldDefinition &field : table(object)->customFields()) {
        QJsonArray options;
        for (int i = 0; i < field.options.size() && field.kind == FieldKind::Picklist; ++i)
            options.append(QJsonObject{{QStringLiteral("id"), id * 10 + i},
                                       {QStringLiteral("name"), field.options.at(i)},
                                       {QStringLiteral("priority"), i},
                                       {QStringLiteral("external_id"), QJsonValue::Null}});
        fields.append(QJsonObject{{QStringLiteral("id"), ++id},
                                  {QStringLiteral("name"), field.label},
                                  {QStringLiteral("active"), true},
                                  {QStringLiteral("field_type"), fieldTypeOf(object)},
                                  {QStringLiteral("priority"), static_cast<int>(fields.size())},
                                  {QStringLiteral("value_type"), valueType(field.kind)},
                                  {QStringLiteral("private"), false},
                                  {QStringLiteral("required"), false},
                                  {QStringLiteral("require_approval"), false},
                                  {QStringLiteral("trigger_new_version"), false},
                                  {QStringLiteral("name_key"), field.name},
                                  {QStringLiteral("description"), QJsonValue::Null},
                                  {QStringLiteral("expose_in_job_board_api"), false},
                                  {QStringLiteral("api_only"), false},
                                  {QStringLiteral("custom_field_options"), options}});
    }
    return fields;
}

QJsonObject GreenhouseOrganization::candidateWebhookJson(const SandboxRecord &record) const
{
    QJsonObject json = candidateJson(record);
    // Webhooks print custom fields keyed, as {name_key: {name, type, value}}, and leave out the change times.
    json.insert(QStringLiteral("custom_fields"), json.take(QStringLiteral("keyed_custom_fields")));
    json.remove(QStringLiteral("updated_at"));
    json.remove(QStringLiteral("last_activity"));
    json.insert(QStringLiteral("url"), QStringLiteral("https://app.greenhouse.io/people/%1").arg(record.id));
    return json;
}

QJsonObject GreenhouseOrganization::deletedCandidateJson(const SandboxRecord &record) const
{
    const qint64 applicationId = record.fields.value(QStringLiteral("application_id")).toInteger();
    return {{QStringLiteral("id"), record.id.toLongLong()},
            {QStringLiteral("first_name"), record.fields.value(QStringLiteral("first_name"))},
            {QStringLiteral("last_name"), record.fields.value(QStringLiteral("last_name"))},
            {QStringLiteral("company"), record.fields.value(QStringLiteral("company"))},
            {QStringLiteral("title"), QJsonValue::Null},
            {QStringLiteral("created_at"), SandboxHttp::isoTimestamp(record.createdAt)},
            {QStringLiteral("is_private"), false},
            {QStringLiteral("can_email"), true},
            {QStringLiteral("deleted_application_ids"), applicationId ? QJsonArray{applicationId} : QJsonArray()}};
}

QString GreenhouseOrganization::createCandidate(const QJsonObject &body, const QDateTime &now, QJsonArray *errors)
{
    for (const char *required : {"first_name", "last_name"}) {
        if (body.value(QLatin1String(required)).toString().trimmed().isEmpty())
            errors->append(QJsonObject{{QStringLiteral("message"), QStringLiteral("Must be present.")},
                                       {QStringLiteral("field"), QLatin1String(required)}});
    }
    if (!errors->isEmpty())
        return {};
    RecordTable &candidates = *table(kCandidates);
    SandboxRecord record = SandboxRecord::create(QString::number(kCandidateIdBase + candidates.nextKey()), now, now);
    record.fields = {
        {QStringLiteral("first_name"), body.value(QStringLiteral("first_name"))},
        {QStringLiteral("last_name"), body.value(QStringLiteral("last_name"))},
        {QStringLiteral("company"), body.value(QStringLiteral("company"))},
        {QStringLiteral("email"),
         body.value(QStringLiteral("email_addresses")).toArray().first().toObject().value(QStringLiteral("value"))},
        {QStringLiteral("phone"),
         body.value(QStringLiteral("phone_numbers")).toArray().first().toObject().value(QStringLiteral("value"))},
        {QStringLiteral("application_id"), 0}};
    setCustomValues(body, record);
    return candidates.insert(record).id;
}

bool GreenhouseOrganization::updateCandidate(const QString &id, const QJsonObject &body, const QDateTime &now,
                                             QJsonArray *errors)
{
    SandboxRecord *record = table(kCandidates)->find(id);
    if (!record)
        return false;
    for (const char *name : {"first_name", "last_name"}) {
        const QLatin1String key(name);
        if (body.contains(key) && body.value(key).toString().trimmed().isEmpty())
            errors->append(QJsonObject{{QStringLiteral("message"), QStringLiteral("Must be present.")},
                                       {QStringLiteral("field"), key}});
    }
    if (!errors->isEmpty())
        return false;
    for (const char *name : {"first_name", "last_name", "company"}) {
        if (body.contains(QLatin1String(name)))
            record->fields.insert(QLatin1String(name), body.value(QLatin1String(name)));
    }
    // Passing an array replaces the candidate's list; the emulator keeps the first entry.
    if (body.contains(QStringLiteral("email_addresses")))
        record->fields.insert(
            QStringLiteral("email"),
            body.value(QStringLiteral("email_addresses")).toArray().first().toObject().value(QStringLiteral("value")));
    if (body.contains(QStringLiteral("phone_numbers")))
        record->fields.insert(
            QStringLiteral("phone"),
            body.value(QStringLiteral("phone_numbers")).toArray().first().toObject().value(QStringLiteral("value")));
    setCustomValues(body, *record);
    record->updatedAt = now;
    return true;
}

void GreenhouseOrganization::setCustomValues(const QJsonObject &body, SandboxRecord &record) const
{
    // Writes name custom fields by name_key (or id) in an array: [{name_key, value}].
    const RecordTable &candidates = *table(kCandidates);
    for (const QJsonValue &value : body.value(QStringLiteral("custom_fields")).toArray()) {
        const QString key = value.toObject().value(QStringLiteral("name_key")).toString();
        if (candidates.customField(key))
            record.fields.insert(key, value.toObject().value(QStringLiteral("value")));
    }
}

} // namespace patchbay::sandbox

#include "GitHubOwner.h"

namespace patchbay::sandbox {

namespace {

const QString kIssues = QStringLiteral("issues");
const QString kPulls = QStringLiteral("pulls");
constexpr qint64 kIdBase = 1'900'000'000;

QJsonValue timeOrNull(const QJsonValue &value)
{
    return value.toString().isEmpty() ? QJsonValue(QJsonValue::Null) : value;
}

QString typeOf(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Bool:
        return QStringLiteral("true_false");
    case FieldKind::Picklist:
        return QStringLiteral("single_select");
    case FieldKind::Number:
    case FieldKind::Date:
    case FieldKind::DateTime:
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("string");
}

} // namespace

GitHubOwner::GitHubOwner(const QString &login, quint32 seed) : SandboxAccount(login, seed, {kIssues, kPulls}) {}

QString GitHubOwner::apiKey() const
{
    return QStringLiteral("ghp_") + SandboxAccount::apiKey().left(36);
}

QString GitHubOwner::timestamp(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODate); // 2026-01-15T10:30:00Z, seconds only
}

SandboxRecord GitHubOwner::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                     const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    const qint64 number = m_nextNumber++;
    SandboxRecord record = SandboxRecord::create(QString::number(number), created, updated);
    const GeneratedPerson author = generator.person();
    const bool closed = generator.random().bounded(3) == 0;
    record.fields = {
        {QStringLiteral("title"), generator.subject()},
        {QStringLiteral("body"), QStringLiteral("Seen by %1 at %2.").arg(author.firstName, author.company)},
        {QStringLiteral("user"), author.firstName.toLower() + author.lastName.toLower()},
        {QStringLiteral("state"), closed ? "closed" : "open"},
        {QStringLiteral("closed_at"), closed ? timestamp(updated) : QString()},
        {QStringLiteral("comments"), static_cast<int>(generator.random().bounded(8))}};
    if (object == kPulls)
        record.fields.insert(QStringLiteral("head"), QStringLiteral("fix-%1").arg(number));
    return record;
}

QString GitHubOwner::customFieldName(const QString &, const QString &label) const
{
    QString name = label.trimmed().toLower();
    name.replace(QLatin1Char(' '), QLatin1Char('_'));
    return name;
}

void GitHubOwner::touchRecord(const QString &, SandboxRecord &record, RecordGenerator &generator)
{
    record.fields.insert(QStringLiteral("comments"), record.fields.value(QStringLiteral("comments")).toInt() + 1);
    record.fields.insert(QStringLiteral("title"), generator.subject());
}

QJsonObject GitHubOwner::issueJson(const SandboxRecord &record, bool isPull, const QString &apiBase) const
{
    const QString repoUrl = apiBase + QStringLiteral("/repos/") + fullName();
    const QString htmlUrl = QStringLiteral("https://github.com/") + fullName();
    const qint64 number = record.id.toLongLong();
    QJsonObject json{
        {QStringLiteral("id"), kIdBase + number},
        {QStringLiteral("node_id"), QStringLiteral("I_kwDO%1").arg(number)},
        {QStringLiteral("url"), repoUrl + QStringLiteral("/issues/") + record.id},
        {QStringLiteral("repository_url"), repoUrl},
        {QStringLiteral("html_url"),
         htmlUrl + (isPull ? QStringLiteral("/pull/") : QStringLiteral("/issues/")) + record.id},
        {QStringLiteral("number"), number},
        {QStringLiteral("title"), record.fields.value(QStringLiteral("title"))},
        {QStringLiteral("user"), QJsonObject{{QStringLiteral("login"), record.fields.value(QStringLiteral("user"))},
                                             {QStringLiteral("type"), QStringLiteral("User")}}},
        {QStringLiteral("labels"), QJsonArray()},
        {QStringLiteral("state"), record.fields.value(QStringLiteral("state"))},
        {QStringLiteral("locked"), false},
        {QStringLiteral("assignee"), QJsonValue::Null},
        {QStringLiteral("comments"), record.fields.value(QStringLiteral("comments"))},
        {QStringLiteral("created_at"), timestamp(record.createdAt)},
        {QStringLiteral("updated_at"), timestamp(record.updatedAt)},
        {QStringLiteral("closed_at"), timeOrNull(record.fields.value(QStringLiteral("closed_at")))},
        {QStringLiteral("body"), record.fields.value(QStringLiteral("body"))}};
    if (isPull)
        json.insert(QStringLiteral("pull_request"),
                    QJsonObject{{QStringLiteral("url"), repoUrl + QStringLiteral("/pulls/") + record.id},
                                {QStringLiteral("html_url"), htmlUrl + QStringLiteral("/pull/") + record.id}});
    return json;
}

QJsonObject GitHubOwner::pullJson(const SandboxRecord &record, const QString &apiBase) const
{
    QJsonObject json = issueJson(record, true, apiBase);
    json.remove(QStringLiteral("pull_request"));
    json.insert(QStringLiteral("url"),
                apiBase + QStringLiteral("/repos/") + fullName() + QStringLiteral("/pulls/") + record.id);
    json.insert(QStringLiteral("draft"), false);
    json.insert(QStringLiteral("merged_at"), QJsonValue::Null);
    json.insert(QStringLiteral("head"),
                QJsonObject{{QStringLiteral("ref"), record.fields.value(QStringLiteral("head"))}});
    json.insert(QStringLiteral("base"), QJsonObject{{QStringLiteral("ref"), QStringLiteral("main")}});
    return json;
}

QJsonObject GitHubOwner::repositoryJson(const QString &apiBase) const
{
    return {{QStringLiteral("id"), static_cast<qint64>(seed() % 100000000) + 1},
            {QStringLiteral("name"), repositoryName()},
            {QStringLiteral("full_name"), fullName()},
            {QStringLiteral("private"), true},
            {QStringLiteral("owner"),
             QJsonObject{{QStringLiteral("login"), name()}, {QStringLiteral("type"), QStringLiteral("Organization")}}},
            {QStringLiteral("url"), apiBase + QStringLiteral("/repos/") + fullName()},
            {QStringLiteral("custom_properties"), customPropertiesJson()}};
}

QJsonObject GitHubOwner::customPropertiesJson() const
{
    QJsonObject values;
    for (const QJsonValue &value : propertyValuesJson())
        values.insert(value[QStringLiteral("property_name")].toString(), value[QStringLiteral("value")]);
    return values;
}

QJsonArray GitHubOwner::propertySchemaJson() const
{
    QJsonArray schema;
    for (const CustomFieldDefinition &field : table(kIssues)->customFields()) {
        QJsonObject property{{QStringLiteral("property_name"), field.name},
                             {QStringLiteral("value_type"), typeOf(field.kind)},
                             {QStringLiteral("required"), false},
                             {QStringLiteral("default_value"), QJsonValue::Null},
                             {QStringLiteral("description"), field.label},
                             {QStringLiteral("allowed_values"), QJsonValue::Null},
                             {QStringLiteral("values_editable_by"), QStringLiteral("org_actors")}};
        if (field.kind == FieldKind::Picklist || field.kind == FieldKind::Bool)
            property.insert(QStringLiteral("allowed_values"), QJsonArray::fromStringList(field.options));
        schema.append(property);
    }
    return schema;
}

QJsonArray GitHubOwner::propertyValuesJson() const
{
    QJsonArray values;
    for (const CustomFieldDefinition &field : table(kIssues)->customFields())
        values.append(
            QJsonObject{{QStringLiteral("property_name"), field.name},
                        {QStringLiteral("value"), RecordGenerator::customValue(seed(), field, 0, field.createdAt)}});
    return values;
}

QString GitHubOwner::createIssue(const QJsonObject &body, const QDateTime &now, QJsonArray *errors)
{
    const QJsonValue title = body.value(QStringLiteral("title"));
    if (title.isUndefined() || title.isNull() || (title.isString() && title.toString().isEmpty())) {
        errors->append(QJsonObject{{QStringLiteral("resource"), QStringLiteral("Issue")},
                                   {QStringLiteral("code"), QStringLiteral("missing_field")},
                                   {QStringLiteral("field"), QStringLiteral("title")}});
        return {};
    }
    SandboxRecord record = SandboxRecord::create(QString::number(m_nextNumber++), now, now);
    record.fields = {
        {QStringLiteral("title"), title.isString() ? title.toString() : QString::number(title.toInteger())},
        {QStringLiteral("body"), body.value(QStringLiteral("body")).toString()},
        {QStringLiteral("user"), QStringLiteral("patchbay-app[bot]")},
        {QStringLiteral("state"), QStringLiteral("open")},
        {QStringLiteral("closed_at"), QString()},
        {QStringLiteral("comments"), 0}};
    return table(kIssues)->insert(record).id;
}

bool GitHubOwner::updateIssue(SandboxRecord &record, const QJsonObject &body, const QDateTime &now,
                              QJsonArray *errors) const
{
    const QJsonValue state = body.value(QStringLiteral("state"));
    if (!state.isUndefined() && state.toString() != QLatin1String("open") &&
        state.toString() != QLatin1String("closed"))
        errors->append(QJsonObject{{QStringLiteral("resource"), QStringLiteral("Issue")},
                                   {QStringLiteral("code"), QStringLiteral("invalid")},
                                   {QStringLiteral("field"), QStringLiteral("state")}});
    const QJsonValue title = body.value(QStringLiteral("title"));
    if (!title.isUndefined() && !title.isNull() && !title.isString() && !title.isDouble())
        errors->append(QJsonObject{{QStringLiteral("resource"), QStringLiteral("Issue")},
                                   {QStringLiteral("code"), QStringLiteral("invalid")},
                                   {QStringLiteral("field"), QStringLiteral("title")}});
    if (!errors->isEmpty())
        return false;
    if (title.isString() || title.isDouble())
        record.fields.insert(QStringLiteral("title"),
                             title.isString() ? title.toString() : QString::number(title.toInteger()));
    if (body.contains(QStringLiteral("body")))
        record.fields.insert(QStringLiteral("body"), body.value(QStringLiteral("body")).toString());
    if (state.isString() && state.toString() != record.fields.value(QStringLiteral("state")).toString()) {
        record.fields.insert(QStringLiteral("state"), state);
        record.fields.insert(QStringLiteral("closed_at"),
                             state.toString() == QLatin1String("closed") ? timestamp(now) : QString());
    }
    record.updatedAt = now;
    return true;
}

} // namespace patchbay::sandbox

#include "JiraSite.h"

#include "common/SandboxHttp.h"

#include <QUuid>

namespace patchbay::sandbox {

namespace {

const QStringList kStatuses = {QStringLiteral("To Do"), QStringLiteral("In Progress"), QStringLiteral("Done")};
const QStringList kIssueTypes = {QStringLiteral("Task"), QStringLiteral("Bug"), QStringLiteral("Story")};
const QStringList kPriorities = {QStringLiteral("Low"), QStringLiteral("Medium"), QStringLiteral("High")};

JiraField systemField(const char *id, const char *name, const char *type)
{
    return JiraField{QLatin1String(id), QLatin1String(name), false, QLatin1String(type), {}, {QLatin1String(id)}};
}

QString customTypeOf(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Number:
        return QStringLiteral("float");
    case FieldKind::Picklist:
    case FieldKind::Bool:
        return QStringLiteral("select");
    case FieldKind::Date:
        return QStringLiteral("datepicker");
    case FieldKind::DateTime:
        return QStringLiteral("datetime");
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("textfield");
}

QString schemaTypeOf(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Number:
        return QStringLiteral("number");
    case FieldKind::Picklist:
    case FieldKind::Bool:
        return QStringLiteral("option");
    case FieldKind::Date:
        return QStringLiteral("date");
    case FieldKind::DateTime:
        return QStringLiteral("datetime");
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("string");
}

} // namespace

JiraSite::JiraSite(const QString &name, quint32 seed)
    : SandboxAccount(name, seed, {QStringLiteral("issues"), QStringLiteral("projects")})
{
    QRandomGenerator random(seed ^ 0x0a7d551eu);
    QByteArray bytes(16, Qt::Uninitialized);
    for (char &byte : bytes)
        byte = static_cast<char>(random.bounded(256));
    m_cloudId = QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
    m_webhookSecret = QString::fromLatin1(bytes.toHex());
    m_projectKey = name.left(3).toUpper();
    if (m_projectKey.isEmpty() || !m_projectKey.at(0).isLetter())
        m_projectKey = QStringLiteral("SB");
    m_fields = {systemField("summary", "Summary", "string"),     systemField("description", "Description", "string"),
                systemField("status", "Status", "status"),       systemField("issuetype", "Issue Type", "issuetype"),
                systemField("priority", "Priority", "priority"), systemField("project", "Project", "project"),
                systemField("created", "Created", "datetime"),   systemField("updated", "Updated", "datetime"),
                systemField("labels", "Labels", "array")};
}

void JiraSite::seed(int issueCount, const QDateTime &now)
{
    SandboxRecord project = SandboxRecord::create(QStringLiteral("10000"), now.addDays(-120), now.addDays(-120));
    project.fields = {{QStringLiteral("key"), m_projectKey},
                      {QStringLiteral("name"), name().left(1).toUpper() + name().mid(1) + QStringLiteral(" Support")}};
    table(QStringLiteral("projects"))->insert(project);

    seedObject(QStringLiteral("issues"), issueCount, now);
}

SandboxRecord JiraSite::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                  const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    const qint64 number = table.nextKey();
    if (object == QLatin1String("projects")) {
        static const QStringList kAreas = {QStringLiteral("Platform"), QStringLiteral("Mobile"),
                                           QStringLiteral("Billing"), QStringLiteral("Onboarding"),
                                           QStringLiteral("Infrastructure")};
        SandboxRecord project = SandboxRecord::create(QString::number(9999 + number), created, created);
        project.fields = {
            {QStringLiteral("key"), QStringLiteral("P%1").arg(number - 1, 3, 10, QLatin1Char('0'))},
            {QStringLiteral("name"), generator.person().company + QLatin1Char(' ') + generator.pick(kAreas)}};
        return project;
    }
    SandboxRecord record = SandboxRecord::create(QString::number(10000 + number), created, updated);
    record.fields = {{QStringLiteral("key"), QStringLiteral("%1-%2").arg(m_projectKey).arg(number)},
                     {QStringLiteral("summary"), generator.subject()},
                     {QStringLiteral("description"), QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("status"), generator.pick(kStatuses)},
                     {QStringLiteral("issuetype"), generator.pick(kIssueTypes)},
                     {QStringLiteral("priority"), generator.pick(kPriorities)},
                     {QStringLiteral("labels"), QJsonArray()}};
    return record;
}

QString JiraSite::customFieldName(const QString &object, const QString &) const
{
    if (object != QLatin1String("issues"))
        return {};
    return QStringLiteral("customfield_%1").arg(10020 + issues().customFields().size());
}

void JiraSite::customFieldAdded(const QString &, const CustomFieldDefinition &field)
{
    m_fields.append(
        JiraField{field.name,
                  field.label,
                  true,
                  schemaTypeOf(field.kind),
                  QStringLiteral("com.atlassian.jira.plugin.system.customfieldtypes:") + customTypeOf(field.kind),
                  {field.name, QStringLiteral("cf[%1]").arg(field.name.mid(12)), field.label}});
}

void JiraSite::touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator)
{
    if (object == QLatin1String("issues"))
        record.fields.insert(QStringLiteral("status"), generator.pick(kStatuses));
}

bool JiraSite::remove(const QString &object, const QString &idOrKey, const QDateTime &now)
{
    const SandboxRecord *found = object == QLatin1String("projects") ? project(idOrKey) : issue(idOrKey);
    if (!found || (object == QLatin1String("projects") && found->id == QLatin1String("10000")))
        return false;
    return SandboxAccount::remove(object, found->id, now);
}

const JiraField *JiraSite::field(const QString &idOrName) const
{
    for (const JiraField &candidate : m_fields) {
        if (candidate.id == idOrName || candidate.name.compare(idOrName, Qt::CaseInsensitive) == 0 ||
            candidate.jqlNames.contains(idOrName, Qt::CaseInsensitive))
            return &candidate;
    }
    return nullptr;
}

bool JiraSite::checkFields(const QJsonObject &fields, bool creating, QJsonObject *errors) const
{
    // Status changes go through transitions and the project of an issue is fixed: neither is on the edit screen.
    static const QStringList kNotEditable = {QStringLiteral("status"), QStringLiteral("project"),
                                             QStringLiteral("created"), QStringLiteral("updated")};
    if (creating) {
        const QJsonObject project = fields.value(QStringLiteral("project")).toObject();
        const QString projectKey =
            project.value(QStringLiteral("key")).toString(project.value(QStringLiteral("id")).toString());
        if (projectKey != m_projectKey && projectKey != QLatin1String("10000"))
            errors->insert(QStringLiteral("project"), QStringLiteral("Specify a valid project ID or key"));
    }
    if ((creating || fields.contains(QStringLiteral("summary"))) &&
        fields.value(QStringLiteral("summary")).toString().trimmed().isEmpty())
        errors->insert(QStringLiteral("summary"), QStringLiteral("You must specify a summary of the issue."));
    if (creating || fields.contains(QStringLiteral("issuetype"))) {
        const QString type =
            fields.value(QStringLiteral("issuetype")).toObject().value(QStringLiteral("name")).toString();
        if (!kIssueTypes.contains(type))
            errors->insert(QStringLiteral("issuetype"), QStringLiteral("Specify an issue type"));
    }
    if (fields.contains(QStringLiteral("priority")) &&
        !kPriorities.contains(
            fields.value(QStringLiteral("priority")).toObject().value(QStringLiteral("name")).toString()))
        errors->insert(QStringLiteral("priority"), QStringLiteral("Specify the Priority (name) in the string format"));
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const bool settable = creating ? it.key() != QLatin1String("status") : !kNotEditable.contains(it.key());
        if ((!field(it.key()) && it.key() != QLatin1String("reporter")) || !settable)
            errors->insert(it.key(), QStringLiteral("Field '%1' cannot be set. It is not on the appropriate screen, or "
                                                    "unknown.")
                                         .arg(it.key()));
    }
    return errors->isEmpty();
}

void JiraSite::applyFields(SandboxRecord &issue, const QJsonObject &fields) const
{
    for (const char *name : {"summary", "description", "labels"}) {
        const QString key = QLatin1String(name);
        if (fields.contains(key))
            issue.fields.insert(key, fields.value(key));
    }
    for (const char *name : {"issuetype", "priority"}) {
        const QString key = QLatin1String(name);
        if (fields.contains(key))
            issue.fields.insert(key, fields.value(key).toObject().value(QStringLiteral("name")));
    }
    for (const CustomFieldDefinition &custom : issues().customFields()) {
        if (!fields.contains(custom.name))
            continue;
        // Select fields are written as {"value": "..."} and stored as the option itself.
        const QJsonValue value = fields.value(custom.name);
        issue.fields.insert(custom.name, value.isObject() ? value.toObject().value(QStringLiteral("value")) : value);
    }
}

QString JiraSite::createIssue(const QJsonObject &fields, const QDateTime &now, QJsonObject *errors)
{
    if (!checkFields(fields, true, errors))
        return {};
    const qint64 number = issues().nextKey();
    SandboxRecord record = SandboxRecord::create(QString::number(10000 + number), now, now);
    record.fields = {{QStringLiteral("key"), QStringLiteral("%1-%2").arg(m_projectKey).arg(number)},
                     {QStringLiteral("summary"), QString()},
                     {QStringLiteral("description"), QJsonValue(QJsonValue::Null)},
                     {QStringLiteral("status"), kStatuses.first()},
                     {QStringLiteral("priority"), QStringLiteral("Medium")},
                     {QStringLiteral("labels"), QJsonArray()}};
    applyFields(record, fields);
    for (const CustomFieldDefinition &custom : issues().customFields()) {
        if (!record.fields.contains(custom.name))
            record.fields.insert(custom.name, QJsonValue(QJsonValue::Null)); // unset, not a generated value
    }
    return issues().insert(record).id;
}

JiraSite::UpdateResult JiraSite::updateIssue(const QString &idOrKey, const QJsonObject &fields, const QDateTime &now,
                                             QJsonObject *errors)
{
    const SandboxRecord *found = issue(idOrKey);
    SandboxRecord *record = found ? issues().find(found->id) : nullptr;
    if (!record || record->deleted)
        return UpdateResult::NotFound;
    if (!checkFields(fields, false, errors))
        return UpdateResult::Invalid;
    applyFields(*record, fields);
    record->updatedAt = now;
    return UpdateResult::Updated;
}

const SandboxRecord *JiraSite::issue(const QString &idOrKey) const
{
    for (const SandboxRecord &record : issues().records()) {
        if (record.id == idOrKey || record.fields.value(QStringLiteral("key")).toString() == idOrKey)
            return &record;
    }
    return nullptr;
}

QJsonObject JiraSite::issueJson(const SandboxRecord &issue, const QStringList &wanted, const QString &apiBase) const
{
    const bool all = wanted.contains(QStringLiteral("*all")) || wanted.contains(QStringLiteral("*navigable"));
    QJsonObject fields;
    for (const JiraField &known : m_fields) {
        if (!all && !wanted.contains(known.id))
            continue;
        QJsonValue value = issue.fields.value(known.id);
        if (known.id == QLatin1String("created"))
            value = SandboxHttp::offsetTimestamp(issue.createdAt);
        else if (known.id == QLatin1String("updated"))
            value = SandboxHttp::offsetTimestamp(issue.updatedAt);
        else if (known.id == QLatin1String("project"))
            value = QJsonObject{{QStringLiteral("id"), QStringLiteral("10000")}, {QStringLiteral("key"), m_projectKey}};
        else if (known.schemaType == QLatin1String("status") || known.schemaType == QLatin1String("issuetype") ||
                 known.schemaType == QLatin1String("priority"))
            value = QJsonObject{{QStringLiteral("name"), value.toString()}};
        else if (known.schemaType == QLatin1String("option") && value.isString())
            value = QJsonObject{{QStringLiteral("value"), value.toString()}};
        else if (known.schemaType == QLatin1String("datetime") && value.isString())
            value = SandboxHttp::offsetTimestamp(SandboxHttp::parseTimestamp(value.toString()));
        fields.insert(known.id, value.isUndefined() ? QJsonValue(QJsonValue::Null) : value);
    }
    QJsonObject json{{QStringLiteral("id"), issue.id},
                     {QStringLiteral("key"), issue.fields.value(QStringLiteral("key"))},
                     {QStringLiteral("self"), apiBase + QStringLiteral("/issue/") + issue.id}};
    if (!wanted.isEmpty())
        json.insert(QStringLiteral("fields"), fields);
    return json;
}

QStringList JiraSite::addProjects(int count, const QDateTime &now)
{
    RecordTable &records = *table(QStringLiteral("projects"));
    QStringList ids;
    for (const QDateTime &created : records.generator().creationTimes(count, now))
        ids.append(records.insert(newRecord(QStringLiteral("projects"), records, created, created)).id);
    return ids;
}

const SandboxRecord *JiraSite::project(const QString &idOrKey) const
{
    for (const SandboxRecord &record : projects().records()) {
        if (record.id == idOrKey || record.fields.value(QStringLiteral("key")).toString() == idOrKey)
            return &record;
    }
    return nullptr;
}

QJsonObject JiraSite::projectJson(const SandboxRecord &project, const QString &apiBase) const
{
    QJsonObject avatars;
    for (const int size : {48, 24, 16, 32})
        avatars.insert(
            QStringLiteral("%1x%1").arg(size),
            QStringLiteral("%1/universal_avatar/view/type/project/avatar/10400?size=%2").arg(apiBase).arg(size));
    return {
        {QStringLiteral("expand"), QStringLiteral("description,lead,issueTypes,url,projectKeys,permissions,insight")},
        {QStringLiteral("self"), apiBase + QStringLiteral("/project/") + project.id},
        {QStringLiteral("id"), project.id},
        {QStringLiteral("key"), project.fields.value(QStringLiteral("key"))},
        {QStringLiteral("name"), project.fields.value(QStringLiteral("name"))},
        {QStringLiteral("avatarUrls"), avatars},
        {QStringLiteral("projectTypeKey"), QStringLiteral("software")},
        {QStringLiteral("simplified"), false},
        {QStringLiteral("style"), QStringLiteral("classic")},
        {QStringLiteral("isPrivate"), false},
        {QStringLiteral("properties"), QJsonObject()}};
}

QJsonArray JiraSite::fieldsJson() const
{
    QJsonArray result;
    for (const JiraField &known : m_fields) {
        QJsonObject schema{{QStringLiteral("type"), known.schemaType}};
        if (known.custom) {
            schema.insert(QStringLiteral("custom"), known.customType);
            schema.insert(QStringLiteral("customId"), known.id.mid(12).toInt());
        } else {
            schema.insert(QStringLiteral("system"), known.id);
        }
        result.append(QJsonObject{{QStringLiteral("id"), known.id},
                                  {QStringLiteral("key"), known.id},
                                  {QStringLiteral("name"), known.name},
                                  {QStringLiteral("custom"), known.custom},
                                  {QStringLiteral("orderable"), true},
                                  {QStringLiteral("navigable"), true},
                                  {QStringLiteral("searchable"), true},
                                  {QStringLiteral("clauseNames"), QJsonArray::fromStringList(known.jqlNames)},
                                  {QStringLiteral("schema"), schema}});
    }
    return result;
}

} // namespace patchbay::sandbox

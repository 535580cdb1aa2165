#include "SalesforceOrg.h"

#include "common/SandboxHttp.h"

#include <QJsonArray>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

const QStringList kIndustries = {QStringLiteral("Banking"),    QStringLiteral("Biotechnology"),
                                 QStringLiteral("Education"),  QStringLiteral("Energy"),
                                 QStringLiteral("Healthcare"), QStringLiteral("Retail"),
                                 QStringLiteral("Technology"), QStringLiteral("Transportation")};
const QStringList kTitles = {QStringLiteral("CEO"),
                             QStringLiteral("CFO"),
                             QStringLiteral("VP Sales"),
                             QStringLiteral("Buyer"),
                             QStringLiteral("Office Manager"),
                             QStringLiteral("Engineer")};

SalesforceField field(const char *name, const char *label, const char *type, bool nillable = true,
                      bool createable = true)
{
    return SalesforceField{
        QLatin1String(name), QLatin1String(label), QLatin1String(type), false, nillable, createable, {}};
}

FieldKind kindOf(const QString &type)
{
    if (type == QLatin1String("double") || type == QLatin1String("currency") || type == QLatin1String("percent"))
        return FieldKind::Number;
    if (type == QLatin1String("boolean"))
        return FieldKind::Bool;
    if (type == QLatin1String("picklist"))
        return FieldKind::Picklist;
    if (type == QLatin1String("date"))
        return FieldKind::Date;
    if (type == QLatin1String("datetime"))
        return FieldKind::DateTime;
    return FieldKind::Text;
}

// The three check characters that turn a case-sensitive 15-character id into the 18-character form.
QString idSuffix(const QString &id15)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    QString suffix;
    for (int chunk = 0; chunk < 3; ++chunk) {
        int bits = 0;
        for (int i = 0; i < 5; ++i) {
            if (id15.at(chunk * 5 + i).isUpper())
                bits |= 1 << i;
        }
        suffix.append(QLatin1Char(alphabet[bits]));
    }
    return suffix;
}

} // namespace

const SalesforceField *SalesforceObject::field(const QString &name) const
{
    const auto it = std::find_if(fields.begin(), fields.end(), [&](const SalesforceField &f) {
        return f.name.compare(name, Qt::CaseInsensitive) == 0;
    });
    return it == fields.end() ? nullptr : &*it;
}

SalesforceOrg::SalesforceOrg(const QString &orgId, quint32 seed)
    : m_orgId(orgId), m_userId(QStringLiteral("005") + orgId.mid(3)), m_seed(seed)
{
    SalesforceObject &account =
        addObject(QStringLiteral("Account"), QStringLiteral("Account"), QStringLiteral("001"), false);
    account.fields += {field("Name", "Account Name", "string", false), field("Industry", "Industry", "picklist"),
                       field("Phone", "Account Phone", "phone"), field("Website", "Website", "url")};
    account.fields[account.fields.size() - 3].picklistValues = kIndustries;
    SalesforceObject &contact =
        addObject(QStringLiteral("Contact"), QStringLiteral("Contact"), QStringLiteral("003"), false);
    contact.fields += {field("FirstName", "First Name", "string"), field("LastName", "Last Name", "string", false),
                       field("Email", "Email", "email"),           field("Phone", "Business Phone", "phone"),
                       field("Title", "Title", "string"),          field("AccountId", "Account ID", "reference")};
}

SalesforceObject &SalesforceOrg::addObject(const QString &name, const QString &label, const QString &keyPrefix,
                                           bool custom)
{
    auto object = std::make_unique<SalesforceObject>();
    object->name = name;
    object->label = label;
    object->keyPrefix = keyPrefix;
    object->custom = custom;
    object->table = RecordTable(m_seed ^ RecordGenerator::stableHash(name));
    object->fields = {field("Id", "Record ID", "id", false, false),
                      field("IsDeleted", "Deleted", "boolean", false, false),
                      field("CreatedDate", "Created Date", "datetime", false, false),
                      field("LastModifiedDate", "Last Modified Date", "datetime", false, false),
                      field("SystemModstamp", "System Modstamp", "datetime", false, false)};
    SalesforceObject &stored = *object;
    m_objects.insert_or_assign(name.toLower(), std::move(object));
    return stored;
}

QString SalesforceOrg::newId(const SalesforceObject &object)
{
    const QString id15 = object.keyPrefix + QStringLiteral("Sb") +
                         QStringLiteral("%1").arg(m_nextIdNumber++, 10, 36, QLatin1Char('0')).toUpper();
    return id15 + idSuffix(id15);
}

void SalesforceOrg::seed(int contactCount, const QDateTime &now)
{
    SalesforceObject &accounts = *object(QStringLiteral("Account"));
    SalesforceObject &contacts = *object(QStringLiteral("Contact"));
    RecordGenerator &generator = contacts.table.generator();
    QStringList accountIds;
    for (const QDateTime &created : accounts.table.generator().creationTimes((contactCount + 4) / 5, now)) {
        const GeneratedPerson company = accounts.table.generator().person();
        SandboxRecord record =
            SandboxRecord::create(newId(accounts), created, accounts.table.generator().lastModified(created, now));
        record.fields = {{QStringLiteral("Name"), company.company},
                         {QStringLiteral("Industry"), accounts.table.generator().pick(kIndustries)},
                         {QStringLiteral("Phone"), accounts.table.generator().phone()},
                         {QStringLiteral("Website"), QStringLiteral("https://www.") + company.domain}};
        accountIds.append(accounts.table.insert(record).id);
    }
    for (const QDateTime &created : generator.creationTimes(contactCount, now)) {
        const GeneratedPerson person = generator.person();
        SandboxRecord record = SandboxRecord::create(newId(contacts), created, generator.lastModified(created, now));
        record.fields = {{QStringLiteral("FirstName"), person.firstName},
                         {QStringLiteral("LastName"), person.lastName},
                         {QStringLiteral("Email"), person.email},
                         {QStringLiteral("Phone"), generator.phone()},
                         {QStringLiteral("Title"), generator.pick(kTitles)},
                         {QStringLiteral("AccountId"), generator.pick(accountIds)}};
        contacts.table.insert(record);
    }
}

QStringList SalesforceOrg::objectNames() const
{
    QStringList names;
    for (const auto &[key, object] : m_objects)
        names.append(object->name);
    return names;
}

SalesforceObject *SalesforceOrg::object(const QString &name)
{
    const auto it = m_objects.find(name.toLower());
    return it == m_objects.end() ? nullptr : it->second.get();
}

const SalesforceObject *SalesforceOrg::object(const QString &name) const
{
    return const_cast<SalesforceOrg *>(this)->object(name);
}

bool SalesforceOrg::addCustomObject(const QString &name, const QString &label, int recordCount, const QDateTime &now)
{
    if (!name.endsWith(QLatin1String("__c")) || object(name))
        return false;
    const QString prefix = QStringLiteral("a%1").arg(m_objects.size(), 2, 36, QLatin1Char('0'));
    SalesforceObject &custom = addObject(name, label.isEmpty() ? name.chopped(3) : label, prefix, true);
    custom.fields.append(field("Name", "Name", "string", false));
    seedCustomRecords(custom, recordCount, now);
    return true;
}

void SalesforceOrg::seedCustomRecords(SalesforceObject &object, int count, const QDateTime &now)
{
    RecordGenerator &generator = object.table.generator();
    for (const QDateTime &created : generator.creationTimes(count, now)) {
        SandboxRecord record = SandboxRecord::create(newId(object), created, generator.lastModified(created, now));
        record.fields.insert(QStringLiteral("Name"), generator.subject());
        object.table.insert(record);
    }
}

bool SalesforceOrg::addCustomField(const QString &objectName, const QString &name, const QString &label,
                                   const QString &type)
{
    static const QStringList types = {QStringLiteral("string"),   QStringLiteral("double"), QStringLiteral("boolean"),
                                      QStringLiteral("picklist"), QStringLiteral("date"),   QStringLiteral("datetime")};
    SalesforceObject *target = object(objectName);
    if (!target || !name.endsWith(QLatin1String("__c")) || target->field(name) || !types.contains(type))
        return false;
    const CustomFieldDefinition definition{name, label.isEmpty() ? name.chopped(3) : label, kindOf(type), {}, {}};
    target->table.addCustomField(definition);
    SalesforceField added{name, definition.label, type, true, true, true, {}};
    if (type == QLatin1String("picklist"))
        added.picklistValues = target->table.customField(name)->options;
    target->fields.append(added);
    return true;
}

bool SalesforceOrg::validate(const QString &objectName, const QJsonObject &values, SalesforceSaveError *error) const
{
    const SalesforceObject *target = object(objectName);
    if (!target) {
        *error = {
            QStringLiteral("INVALID_TYPE"), QStringLiteral("sObject type '%1' is not supported.").arg(objectName), {}};
        return false;
    }
    for (auto it = values.begin(); it != values.end(); ++it) {
        const SalesforceField *known = target->field(it.key());
        if (it.key() != QLatin1String("attributes") && (!known || !known->createable)) {
            *error = {QStringLiteral("INVALID_FIELD"),
                      QStringLiteral("No such column '%1' on sobject of type %2").arg(it.key(), target->name),
                      {it.key()}};
            return false;
        }
    }
    QStringList missing;
    for (const SalesforceField &f : target->fields) {
        bool present = false;
        for (auto it = values.begin(); it != values.end(); ++it)
            present =
                present || (it.key().compare(f.name, Qt::CaseInsensitive) == 0 && !it.value().toString().isEmpty());
        if (!f.nillable && f.createable && f.type != QLatin1String("boolean") && !present)
            missing.append(f.name);
    }
    if (!missing.isEmpty()) {
        *error = {QStringLiteral("REQUIRED_FIELD_MISSING"),
                  QStringLiteral("Required fields are missing: [%1]").arg(missing.join(QStringLiteral(", "))), missing};
        return false;
    }
    return true;
}

std::optional<QString> SalesforceOrg::create(const QString &objectName, const QJsonObject &values, const QDateTime &now,
                                             SalesforceSaveError *error)
{
    if (!validate(objectName, values, error))
        return std::nullopt;
    SalesforceObject *target = object(objectName);
    SandboxRecord record = SandboxRecord::create(newId(*target), now, now);
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (it.key() != QLatin1String("attributes"))
            record.fields.insert(target->field(it.key())->name, it.value());
    }
    return target->table.insert(record).id;
}

bool SalesforceOrg::update(const QString &objectName, const QString &id, const QJsonObject &values, const QDateTime &now,
                           SalesforceSaveError *error)
{
    SalesforceObject *target = object(objectName);
    if (!target) {
        *error = {
            QStringLiteral("INVALID_TYPE"), QStringLiteral("sObject type '%1' is not supported.").arg(objectName), {}};
        return false;
    }
    SandboxRecord *record = target->table.find(id);
    if (!record || record->deleted) {
        *error = {QStringLiteral("NOT_FOUND"), QStringLiteral("The requested resource does not exist"), {}};
        return false;
    }
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (it.key() == QLatin1String("attributes") || it.key() == QLatin1String("Id"))
            continue;
        const SalesforceField *known = target->field(it.key());
        if (!known || !known->createable) {
            *error = {QStringLiteral("INVALID_FIELD"),
                      QStringLiteral("No such column '%1' on sobject of type %2").arg(it.key(), target->name),
                      {it.key()}};
            return false;
        }
        if (!known->nillable && known->type != QLatin1String("boolean") && it.value().toString().isEmpty()) {
            *error = {QStringLiteral("REQUIRED_FIELD_MISSING"),
                      QStringLiteral("Required fields are missing: [%1]").arg(known->name), {known->name}};
            return false;
        }
    }
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (it.key() != QLatin1String("attributes") && it.key() != QLatin1String("Id"))
            record->fields.insert(target->field(it.key())->name, it.value());
    }
    record->updatedAt = now;
    return true;
}

QStringList SalesforceOrg::touch(const QString &objectName, int count, const QDateTime &now)
{
    SalesforceObject *target = object(objectName);
    if (!target)
        return {};
    const bool hasPhone = target->field(QStringLiteral("Phone")) != nullptr;
    return target->table.touch(count, now, [hasPhone](SandboxRecord &record, RecordGenerator &generator) {
        if (hasPhone)
            record.fields.insert(QStringLiteral("Phone"), generator.phone());
    });
}

bool SalesforceOrg::remove(const QString &objectName, const QString &id, const QDateTime &now)
{
    SalesforceObject *target = object(objectName);
    return target && target->table.remove(id, now);
}

QString SalesforceOrg::dateTime(const QDateTime &time)
{
    return SandboxHttp::offsetTimestamp(time);
}

QDateTime SalesforceOrg::parseDateTime(const QString &text)
{
    return SandboxHttp::parseTimestamp(text);
}

QJsonValue SalesforceOrg::value(const SalesforceObject &object, const SandboxRecord &record, const QString &name)
{
    const SalesforceField *known = object.field(name);
    if (!known)
        return QJsonValue(QJsonValue::Undefined);
    if (known->name == QLatin1String("Id"))
        return record.id;
    if (known->name == QLatin1String("IsDeleted"))
        return record.deleted;
    if (known->name == QLatin1String("CreatedDate"))
        return dateTime(record.createdAt);
    if (known->name == QLatin1String("LastModifiedDate") || known->name == QLatin1String("SystemModstamp"))
        return dateTime(record.updatedAt);
    const QJsonValue stored = record.fields.value(known->name);
    if (stored.isUndefined())
        return QJsonValue(QJsonValue::Null);
    if (known->type == QLatin1String("datetime") && stored.isString())
        return dateTime(parseDateTime(stored.toString()));
    return stored;
}

QJsonObject SalesforceOrg::recordJson(const SalesforceObject &object, const SandboxRecord &record,
                                      const QStringList &fields, const QString &apiPath) const
{
    QJsonObject json{{QStringLiteral("attributes"),
                      QJsonObject{{QStringLiteral("type"), object.name},
                                  {QStringLiteral("url"), apiPath + QStringLiteral("/sobjects/") + object.name +
                                                              QLatin1Char('/') + record.id}}}};
    for (const QString &name : fields)
        json.insert(object.field(name)->name, value(object, record, name));
    return json;
}

QJsonObject SalesforceOrg::describe(const SalesforceObject &object) const
{
    QJsonArray fields;
    for (const SalesforceField &f : object.fields) {
        QJsonArray picklist;
        for (const QString &value : f.picklistValues)
            picklist.append(QJsonObject{{QStringLiteral("value"), value},
                                        {QStringLiteral("label"), value},
                                        {QStringLiteral("active"), true},
                                        {QStringLiteral("defaultValue"), false}});
        fields.append(QJsonObject{{QStringLiteral("name"), f.name},
                                  {QStringLiteral("label"), f.label},
                                  {QStringLiteral("type"), f.type},
                                  {QStringLiteral("custom"), f.custom},
                                  {QStringLiteral("nillable"), f.nillable},
                                  {QStringLiteral("createable"), f.createable},
                                  {QStringLiteral("updateable"), f.createable},
                                  {QStringLiteral("picklistValues"), picklist}});
    }
    return {{QStringLiteral("name"), object.name},     {QStringLiteral("label"), object.label},
            {QStringLiteral("custom"), object.custom}, {QStringLiteral("keyPrefix"), object.keyPrefix},
            {QStringLiteral("queryable"), true},       {QStringLiteral("createable"), true},
            {QStringLiteral("fields"), fields}};
}

} // namespace patchbay::sandbox

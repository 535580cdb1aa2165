#include "SquareMerchant.h"

#include "common/SandboxHttp.h"

#include <QCryptographicHash>

namespace patchbay::sandbox {

namespace {

const QString kCustomers = QStringLiteral("customers");
const QString kSchemaBase =
    QStringLiteral("https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common.");

// Square ids: upper-case letters and digits.
QString squareId(const QByteArray &material, int length)
{
    static const char alphabet[] = "ABCDEFGHJKMNPQRSTVWXYZ0123456789";
    const QByteArray digest = QCryptographicHash::hash(material, QCryptographicHash::Sha256);
    QString id;
    for (int i = 0; i < length; ++i)
        id.append(QLatin1Char(alphabet[static_cast<unsigned char>(digest.at(i % digest.size())) % 32]));
    return id;
}

QString schemaOf(FieldKind kind)
{
    switch (kind) {
    case FieldKind::Number:
        return QStringLiteral("Number");
    case FieldKind::Bool:
        return QStringLiteral("Boolean");
    case FieldKind::Picklist:
        return QStringLiteral("Selection");
    case FieldKind::Date:
        return QStringLiteral("Date");
    case FieldKind::DateTime:
        return QStringLiteral("DateTime");
    case FieldKind::Text:
        break;
    }
    return QStringLiteral("String");
}

} // namespace

SquareMerchant::SquareMerchant(const QString &name, quint32 seed) : SandboxAccount(name, seed, {kCustomers}) {}

QString SquareMerchant::merchantId() const
{
    return squareId(name().toUtf8(), 13);
}

QString SquareMerchant::nextCustomerId(const RecordTable &table) const
{
    return squareId(name().toUtf8() + '/' + QByteArray::number(table.nextKey()), 26);
}

QJsonObject SquareMerchant::error(const QString &category, const QString &code, const QString &detail,
                                  const QString &field)
{
    QJsonObject json{
        {QStringLiteral("category"), category}, {QStringLiteral("code"), code}, {QStringLiteral("detail"), detail}};
    if (!field.isEmpty())
        json.insert(QStringLiteral("field"), field);
    return json;
}

SandboxRecord SquareMerchant::newRecord(const QString &, RecordTable &table, const QDateTime &created,
                                        const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    SandboxRecord record = SandboxRecord::create(nextCustomerId(table), created, updated);
    const GeneratedPerson person = generator.person();
    record.fields = {
        {QStringLiteral("given_name"), person.firstName}, {QStringLiteral("family_name"), person.lastName},
        {QStringLiteral("email_address"), person.email},  {QStringLiteral("phone_number"), generator.phone()},
        {QStringLiteral("company_name"), person.company}, {QStringLiteral("version"), created == updated ? 0 : 1}};
    return record;
}

QString SquareMerchant::customFieldName(const QString &, const QString &label) const
{
    QString key = label.trimmed().toLower();
    for (QChar &c : key) {
        if (!c.isLetterOrNumber() && c != QLatin1Char('.') && c != QLatin1Char('_'))
            c = QLatin1Char('-');
    }
    return key;
}

void SquareMerchant::touchRecord(const QString &, SandboxRecord &record, RecordGenerator &generator)
{
    record.fields.insert(QStringLiteral("phone_number"), generator.phone());
    record.fields.insert(QStringLiteral("version"), record.fields.value(QStringLiteral("version")).toInt() + 1);
}

QJsonObject SquareMerchant::customerJson(const SandboxRecord &record) const
{
    QJsonObject json{{QStringLiteral("id"), record.id},
                     {QStringLiteral("created_at"), SandboxHttp::isoTimestamp(record.createdAt)},
                     {QStringLiteral("updated_at"), SandboxHttp::isoTimestamp(record.updatedAt)},
                     {QStringLiteral("preferences"), QJsonObject{{QStringLiteral("email_unsubscribed"), false}}},
                     {QStringLiteral("creation_source"), QStringLiteral("THIRD_PARTY")},
                     {QStringLiteral("version"), record.fields.value(QStringLiteral("version"))}};
    for (const char *key : {"given_name", "family_name", "email_address", "phone_number", "company_name"}) {
        const QJsonValue value = record.fields.value(QLatin1String(key));
        if (!value.toString().isEmpty()) // Square leaves unset fields out
            json.insert(QLatin1String(key), value);
    }
    return json;
}

QJsonArray SquareMerchant::attributeDefinitionsJson() const
{
    QJsonArray definitions;
    for (const CustomFieldDefinition &field : table(kCustomers)->customFields()) {
        QJsonObject schema{{QStringLiteral("$ref"), kSchemaBase + schemaOf(field.kind)}};
        if (field.kind == FieldKind::Picklist) {
            QJsonArray names;
            for (const QString &option : field.options)
                names.append(option);
            schema.insert(QStringLiteral("items"), QJsonObject{{QStringLiteral("names"), names}});
        }
        definitions.append(QJsonObject{{QStringLiteral("key"), field.name},
                                       {QStringLiteral("name"), field.label},
                                       {QStringLiteral("schema"), schema},
                                       {QStringLiteral("visibility"), QStringLiteral("VISIBILITY_READ_WRITE_VALUES")},
                                       {QStringLiteral("version"), 1},
                                       {QStringLiteral("created_at"), SandboxHttp::isoTimestamp(field.createdAt)},
                                       {QStringLiteral("updated_at"), SandboxHttp::isoTimestamp(field.createdAt)}});
    }
    return definitions;
}

QJsonArray SquareMerchant::customAttributesJson(const SandboxRecord &record) const
{
    QJsonArray attributes;
    for (const CustomFieldDefinition &field : table(kCustomers)->customFields())
        attributes.append(QJsonObject{{QStringLiteral("key"), field.name},
                                      {QStringLiteral("value"), record.fields.value(field.name)},
                                      {QStringLiteral("version"), 1},
                                      {QStringLiteral("visibility"), QStringLiteral("VISIBILITY_READ_WRITE_VALUES")},
                                      {QStringLiteral("created_at"), SandboxHttp::isoTimestamp(record.createdAt)},
                                      {QStringLiteral("updated_at"), SandboxHttp::isoTimestamp(record.updatedAt)}});
    return attributes;
}

QString SquareMerchant::createCustomer(const QJsonObject &body, const QDateTime &now, QJsonArray *errors)
{
    static const QStringList identifying = {QStringLiteral("given_name"), QStringLiteral("family_name"),
                                            QStringLiteral("company_name"), QStringLiteral("email_address"),
                                            QStringLiteral("phone_number")};
    if (std::none_of(identifying.begin(), identifying.end(),
                     [&](const QString &key) { return !body.value(key).toString().trimmed().isEmpty(); }))
        errors->append(error(QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("BAD_REQUEST"),
                             QStringLiteral("At least one of the following fields must be set: given_name, "
                                            "family_name, company_name, email_address, phone_number.")));
    const QString email = body.value(QStringLiteral("email_address")).toString();
    if (!email.isEmpty() && !email.contains(QLatin1Char('@')))
        errors->append(error(QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("INVALID_EMAIL_ADDRESS"),
                             QStringLiteral("Expected email_address to be a valid email address."),
                             QStringLiteral("email_address")));
    if (!errors->isEmpty())
        return {};
    RecordTable &customers = *table(kCustomers);
    SandboxRecord record = SandboxRecord::create(nextCustomerId(customers), now, now);
    for (const QString &key : identifying)
        record.fields.insert(key, body.value(key).toString());
    record.fields.insert(QStringLiteral("version"), 0);
    return customers.insert(record).id;
}

} // namespace patchbay::sandbox

#include "SquareMerchant.h"

#include "common/SandboxHttp.h"

#include <QCryptographicHash>

namespace patchbay::sandbox {

namespace {

const QString kCustomers = QStringLiteral("customers");
const QString kPayments = QStringLiteral("payments");
const QStringList kPaymentStatuses = {QStringLiteral("COMPLETED"), QStringLiteral("COMPLETED"),
                                      QStringLiteral("COMPLETED"), QStringLiteral("APPROVED"),
                                      QStringLiteral("CANCELED"),  QStringLiteral("FAILED")};
const QStringList kCardBrands = {QStringLiteral("VISA"), QStringLiteral("MASTERCARD"),
                                 QStringLiteral("AMERICAN_EXPRESS"), QStringLiteral("DISCOVER")};
// Seeded payments are this much older than the generator's 90-day window.
constexpr qint64 kPaymentAgeDays = 300;
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

SquareMerchant::SquareMerchant(const QString &name, quint32 seed) : SandboxAccount(name, seed, {kCustomers, kPayments})
{}

QString SquareMerchant::merchantId() const
{
    return squareId(name().toUtf8(), 13);
}

QString SquareMerchant::mainLocationId() const
{
    return QLatin1Char('L') + squareId(name().toUtf8() + "/location", 12);
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

SandboxRecord SquareMerchant::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                        const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    if (object == kPayments) {
        const QDateTime taken = created.addDays(-kPaymentAgeDays);
        SandboxRecord payment =
            SandboxRecord::create(squareId(name().toUtf8() + "/payment/" + QByteArray::number(table.nextKey()), 29),
                                  taken, created == updated ? taken : updated);
        const std::vector<const SandboxRecord *> customers = this->table(kCustomers)->live();
        const QString customer =
            customers.empty() ? QString()
                              : customers[generator.random().bounded(static_cast<quint32>(customers.size()))]->id;
        payment.fields = {{QStringLiteral("amount"), 100 * static_cast<int>(generator.random().bounded(1, 500))},
                          {QStringLiteral("status"), generator.pick(kPaymentStatuses)},
                          {QStringLiteral("card_brand"), generator.pick(kCardBrands)},
                          {QStringLiteral("last_4"), generator.phone().right(4)},
                          {QStringLiteral("customer_id"), customer},
                          {QStringLiteral("version"), created == updated ? 0 : 1}};
        return payment;
    }
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

void SquareMerchant::touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator)
{
    if (object == kPayments) {
        // A tip added, or the delayed capture completed: the payment's version moves on.
        record.fields.insert(QStringLiteral("status"), QStringLiteral("COMPLETED"));
        record.fields.insert(QStringLiteral("amount"), record.fields.value(QStringLiteral("amount")).toInt() +
                                                           100 * static_cast<int>(generator.random().bounded(1, 20)));
        record.fields.insert(QStringLiteral("version"), record.fields.value(QStringLiteral("version")).toInt() + 1);
        return;
    }
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

QJsonObject SquareMerchant::paymentJson(const SandboxRecord &record) const
{
    const QJsonObject money{{QStringLiteral("amount"), record.fields.value(QStringLiteral("amount"))},
                            {QStringLiteral("currency"), QStringLiteral("USD")}};
    const QString status = record.fields.value(QStringLiteral("status")).toString();
    const QString cardStatus = status == QLatin1String("COMPLETED")  ? QStringLiteral("CAPTURED")
                               : status == QLatin1String("APPROVED") ? QStringLiteral("AUTHORIZED")
                               : status == QLatin1String("CANCELED") ? QStringLiteral("VOIDED")
                                                                     : QStringLiteral("FAILED");
    const QByteArray version = QByteArray::number(record.fields.value(QStringLiteral("version")).toInt());
    QJsonObject json{
        {QStringLiteral("id"), record.id},
        {QStringLiteral("created_at"), SandboxHttp::isoTimestamp(record.createdAt)},
        {QStringLiteral("updated_at"), SandboxHttp::isoTimestamp(record.updatedAt)},
        {QStringLiteral("amount_money"), money},
        {QStringLiteral("total_money"), money},
        {QStringLiteral("approved_money"), money},
        {QStringLiteral("status"), status},
        {QStringLiteral("source_type"), QStringLiteral("CARD")},
        {QStringLiteral("card_details"),
         QJsonObject{{QStringLiteral("status"), cardStatus},
                     {QStringLiteral("card"),
                      QJsonObject{{QStringLiteral("card_brand"), record.fields.value(QStringLiteral("card_brand"))},
                                  {QStringLiteral("last_4"), record.fields.value(QStringLiteral("last_4"))}}},
                     {QStringLiteral("entry_method"), QStringLiteral("KEYED")}}},
        {QStringLiteral("location_id"), mainLocationId()},
        {QStringLiteral("order_id"), squareId(record.id.toUtf8() + "/order", 29)},
        {QStringLiteral("receipt_number"), record.id.left(4)},
        {QStringLiteral("version_token"),
         QString::fromLatin1((record.id.toUtf8() + '/' + version)
                                 .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals))},
        {QStringLiteral("delay_action"), QStringLiteral("CANCEL")}};
    if (const QString customer = record.fields.value(QStringLiteral("customer_id")).toString(); !customer.isEmpty())
        json.insert(QStringLiteral("customer_id"), customer);
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

namespace {

const QStringList &identifyingFields()
{
    static const QStringList fields = {QStringLiteral("given_name"), QStringLiteral("family_name"),
                                       QStringLiteral("company_name"), QStringLiteral("email_address"),
                                       QStringLiteral("phone_number")};
    return fields;
}

void checkEmail(const QJsonObject &body, QJsonArray *errors)
{
    const QString email = body.value(QStringLiteral("email_address")).toString();
    if (!email.isEmpty() && !email.contains(QLatin1Char('@')))
        errors->append(SquareMerchant::error(
            QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("INVALID_EMAIL_ADDRESS"),
            QStringLiteral("Expected email_address to be a valid email address."), QStringLiteral("email_address")));
}

} // namespace

QString SquareMerchant::createCustomer(const QJsonObject &body, const QString &idempotencyKey, const QDateTime &now,
                                       QJsonArray *errors)
{
    RecordTable &customers = *table(kCustomers);
    if (const QString earlier = m_createdByIdempotencyKey.value(idempotencyKey);
        !idempotencyKey.isEmpty() && !earlier.isEmpty() && customers.find(earlier))
        return earlier;
    const QStringList &identifying = identifyingFields();
    if (std::none_of(identifying.begin(), identifying.end(),
                     [&](const QString &key) { return !body.value(key).toString().trimmed().isEmpty(); }))
        errors->append(error(QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("BAD_REQUEST"),
                             QStringLiteral("At least one of the following fields must be set: given_name, "
                                            "family_name, company_name, email_address, phone_number.")));
    checkEmail(body, errors);
    if (!errors->isEmpty())
        return {};
    SandboxRecord record = SandboxRecord::create(nextCustomerId(customers), now, now);
    for (const QString &key : identifying)
        record.fields.insert(key, body.value(key).toString());
    record.fields.insert(QStringLiteral("version"), 0);
    const QString id = customers.insert(record).id;
    if (!idempotencyKey.isEmpty())
        m_createdByIdempotencyKey.insert(idempotencyKey, id);
    return id;
}

bool SquareMerchant::updateCustomer(SandboxRecord &customer, const QJsonObject &body, const QDateTime &now,
                                    QJsonArray *errors)
{
    checkEmail(body, errors);
    if (!errors->isEmpty())
        return false;
    for (const QString &key : identifyingFields()) {
        if (body.contains(key))
            customer.fields.insert(key, body.value(key).toString()); // null clears the field
    }
    customer.fields.insert(QStringLiteral("version"), customer.fields.value(QStringLiteral("version")).toInt() + 1);
    customer.updatedAt = now;
    return true;
}

} // namespace patchbay::sandbox

#include "StripeAccount.h"

#include <QCryptographicHash>
#include <QJsonArray>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

const QString kCustomers = QStringLiteral("customers");
const QString kInvoices = QStringLiteral("invoices");
// Stripe keeps events for 30 days; seeded customers older than that have no customer.created event.
constexpr qint64 kEventRetentionSeconds = 30LL * 24 * 3600;
const QStringList kPlans = {QStringLiteral("starter"), QStringLiteral("growth"), QStringLiteral("enterprise")};
// Most invoices of a live account are paid.
const QStringList kInvoiceStatuses = {QStringLiteral("paid"), QStringLiteral("paid"),         QStringLiteral("paid"),
                                      QStringLiteral("paid"), QStringLiteral("open"),         QStringLiteral("draft"),
                                      QStringLiteral("void"), QStringLiteral("uncollectible")};

QJsonValue valueOrNull(const QJsonObject &fields, const QString &key)
{
    const QJsonValue value = fields.value(key);
    return value.isUndefined() ? QJsonValue(QJsonValue::Null) : value;
}

qint64 seconds(const QDateTime &time)
{
    return time.toSecsSinceEpoch();
}

} // namespace

StripeAccount::StripeAccount(const QString &name, quint32 seed) : SandboxAccount(name, seed, {kCustomers, kInvoices})
{
    const QByteArray material = name.toUtf8() + '/' + QByteArray::number(seed);
    m_secretKey = stripeId(QStringLiteral("sk_test_"), material + "/key/0", 24);
    m_webhookSecret = stripeId(QStringLiteral("whsec_"), material + "/whsec/0", 32);
    m_previousWebhookSecret = stripeId(QStringLiteral("whsec_"), material + "/whsec/old", 32);
}

QString StripeAccount::stripeId(const QString &prefix, const QByteArray &material, int length)
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QByteArray digest = QCryptographicHash::hash(material, QCryptographicHash::Sha256);
    while (digest.size() < length)
        digest += QCryptographicHash::hash(digest, QCryptographicHash::Sha256);
    QString id = prefix;
    for (int i = 0; i < length; ++i)
        id.append(QLatin1Char(alphabet[static_cast<unsigned char>(digest.at(i)) % 62]));
    return id;
}

QString StripeAccount::accountId() const
{
    return stripeId(QStringLiteral("acct_"), name().toUtf8(), 16);
}

QString StripeAccount::rollSecretKey()
{
    m_expiredKeys.append(m_secretKey);
    m_secretKey =
        stripeId(QStringLiteral("sk_test_"),
                 name().toUtf8() + '/' + QByteArray::number(seed()) + "/key/" + QByteArray::number(++m_rolls), 24);
    return m_secretKey;
}

QString StripeAccount::rollWebhookSecret()
{
    m_previousWebhookSecret = m_webhookSecret;
    m_webhookSecret =
        stripeId(QStringLiteral("whsec_"),
                 name().toUtf8() + '/' + QByteArray::number(seed()) + "/whsec/" + QByteArray::number(++m_rolls), 32);
    return m_webhookSecret;
}

SandboxRecord StripeAccount::newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                                       const QDateTime &updated)
{
    RecordGenerator &generator = table.generator();
    const QByteArray key = name().toUtf8() + '/' + object.toUtf8() + '/' + QByteArray::number(table.nextKey());
    if (object == kCustomers) {
        SandboxRecord record = SandboxRecord::create(stripeId(QStringLiteral("cus_"), key, 14), created, updated);
        const GeneratedPerson person = generator.person();
        QJsonObject metadata;
        if (generator.random().bounded(2) == 0)
            metadata.insert(QStringLiteral("plan"), generator.pick(kPlans));
        record.fields = {{QStringLiteral("email"), person.email},
                         {QStringLiteral("name"), person.firstName + QLatin1Char(' ') + person.lastName},
                         {QStringLiteral("phone"), generator.phone()},
                         {QStringLiteral("balance"), 0},
                         {QStringLiteral("metadata"), metadata},
                         {QStringLiteral("preferred_locales"), QJsonArray()}};
        if (created.secsTo(QDateTime::currentDateTimeUtc()) < kEventRetentionSeconds)
            recordEvent(QStringLiteral("customer.created"), customerJson(record), created);
        return record;
    }
    SandboxRecord record = SandboxRecord::create(stripeId(QStringLiteral("in_"), key, 24), created, updated);
    // A customer that existed when the invoice was created; customers are stored oldest first.
    const std::vector<SandboxRecord> &customers = this->table(kCustomers)->records();
    const auto existing =
        std::upper_bound(customers.begin(), customers.end(), created,
                         [](const QDateTime &time, const SandboxRecord &r) { return time < r.createdAt; });
    const auto count = static_cast<quint32>(existing - customers.begin());
    const SandboxRecord *customer = count == 0 ? nullptr : &customers.at(generator.random().bounded(count));
    const QString status = generator.pick(kInvoiceStatuses);
    const int amount = (5 + static_cast<int>(generator.random().bounded(495))) * 100;
    record.fields = {{QStringLiteral("customer"), customer ? QJsonValue(customer->id) : QJsonValue()},
                     {QStringLiteral("status"), status},
                     {QStringLiteral("amount_due"), amount},
                     {QStringLiteral("amount_paid"), status == QLatin1String("paid") ? amount : 0},
                     {QStringLiteral("metadata"), QJsonObject()}};
    return record;
}

QString StripeAccount::customFieldName(const QString &, const QString &) const
{
    return {};
}

void StripeAccount::touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator)
{
    if (object == kInvoices) {
        if (record.fields.value(QStringLiteral("status")).toString() == QLatin1String("open")) {
            record.fields.insert(QStringLiteral("status"), QStringLiteral("paid"));
            record.fields.insert(QStringLiteral("amount_paid"), record.fields.value(QStringLiteral("amount_due")));
        }
        return;
    }
    const QJsonValue previous = valueOrNull(record.fields, QStringLiteral("phone"));
    record.fields.insert(QStringLiteral("phone"), generator.phone());
    recordEvent(QStringLiteral("customer.updated"), customerJson(record), record.updatedAt,
                {{QStringLiteral("phone"), previous}});
}

QJsonObject StripeAccount::customerJson(const SandboxRecord &record) const
{
    const QJsonObject &fields = record.fields;
    return {
        {QStringLiteral("id"), record.id},
        {QStringLiteral("object"), QStringLiteral("customer")},
        {QStringLiteral("address"), valueOrNull(fields, QStringLiteral("address"))},
        {QStringLiteral("balance"), fields.value(QStringLiteral("balance")).toInteger()},
        {QStringLiteral("created"), seconds(record.createdAt)},
        {QStringLiteral("currency"), QJsonValue::Null},
        {QStringLiteral("default_source"), QJsonValue::Null},
        {QStringLiteral("delinquent"), false},
        {QStringLiteral("description"), valueOrNull(fields, QStringLiteral("description"))},
        {QStringLiteral("discount"), QJsonValue::Null},
        {QStringLiteral("email"), valueOrNull(fields, QStringLiteral("email"))},
        {QStringLiteral("invoice_prefix"), stripeId({}, record.id.toUtf8(), 8).toUpper()},
        {QStringLiteral("invoice_settings"), QJsonObject{{QStringLiteral("custom_fields"), QJsonValue::Null},
                                                         {QStringLiteral("default_payment_method"), QJsonValue::Null},
                                                         {QStringLiteral("footer"), QJsonValue::Null},
                                                         {QStringLiteral("rendering_options"), QJsonValue::Null}}},
        {QStringLiteral("livemode"), false},
        {QStringLiteral("metadata"), fields.value(QStringLiteral("metadata")).toObject()},
        {QStringLiteral("name"), valueOrNull(fields, QStringLiteral("name"))},
        {QStringLiteral("next_invoice_sequence"), 1},
        {QStringLiteral("phone"), valueOrNull(fields, QStringLiteral("phone"))},
        {QStringLiteral("preferred_locales"), fields.value(QStringLiteral("preferred_locales")).toArray()},
        {QStringLiteral("shipping"), QJsonValue::Null},
        {QStringLiteral("tax_exempt"), QStringLiteral("none")},
        {QStringLiteral("test_clock"), QJsonValue::Null}};
}

QJsonObject StripeAccount::deletedCustomerJson(const QString &id)
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("object"), QStringLiteral("customer")},
            {QStringLiteral("deleted"), true}};
}

QJsonObject StripeAccount::invoiceJson(const SandboxRecord &record) const
{
    const QJsonObject &fields = record.fields;
    const QString status = fields.value(QStringLiteral("status")).toString();
    const qint64 due = fields.value(QStringLiteral("amount_due")).toInteger();
    const qint64 paid = fields.value(QStringLiteral("amount_paid")).toInteger();
    const SandboxRecord *customer = table(kCustomers)->find(fields.value(QStringLiteral("customer")).toString());
    const QJsonObject customerFields = customer ? customer->fields : QJsonObject();
    const bool draft = status == QLatin1String("draft");
    return {{QStringLiteral("id"), record.id},
            {QStringLiteral("object"), QStringLiteral("invoice")},
            {QStringLiteral("account_country"), QStringLiteral("US")},
            {QStringLiteral("account_name"), name()},
            {QStringLiteral("amount_due"), due},
            {QStringLiteral("amount_paid"), paid},
            {QStringLiteral("amount_remaining"), due - paid},
            {QStringLiteral("attempt_count"), status == QLatin1String("paid") ? 1 : 0},
            {QStringLiteral("attempted"), !draft},
            {QStringLiteral("auto_advance"), draft || status == QLatin1String("open")},
            {QStringLiteral("billing_reason"), QStringLiteral("manual")},
            {QStringLiteral("collection_method"), QStringLiteral("charge_automatically")},
            {QStringLiteral("created"), seconds(record.createdAt)},
            {QStringLiteral("currency"), QStringLiteral("usd")},
            {QStringLiteral("customer"), valueOrNull(fields, QStringLiteral("customer"))},
            {QStringLiteral("customer_email"), valueOrNull(customerFields, QStringLiteral("email"))},
            {QStringLiteral("customer_name"), valueOrNull(customerFields, QStringLiteral("name"))},
            {QStringLiteral("description"), QJsonValue::Null},
            {QStringLiteral("due_date"), QJsonValue::Null},
            {QStringLiteral("livemode"), false},
            {QStringLiteral("metadata"), fields.value(QStringLiteral("metadata")).toObject()},
            {QStringLiteral("number"),
             draft || !customer ? QJsonValue(QJsonValue::Null)
                                : QJsonValue(stripeId({}, customer->id.toUtf8(), 8).toUpper() + QStringLiteral("-") +
                                             QString::number(1000 + record.key % 9000))},
            {QStringLiteral("period_end"), seconds(record.createdAt)},
            {QStringLiteral("period_start"), seconds(record.createdAt.addDays(-30))},
            {QStringLiteral("status"), status},
            {QStringLiteral("subtotal"), due},
            {QStringLiteral("total"), due},
            {QStringLiteral("lines"),
             QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                         {QStringLiteral("data"), QJsonArray()},
                         {QStringLiteral("has_more"), false},
                         {QStringLiteral("total_count"), 0},
                         {QStringLiteral("url"), QStringLiteral("/v1/invoices/%1/lines").arg(record.id)}}}};
}

QJsonObject StripeAccount::apply(SandboxRecord &record, const StripeCustomerChanges &changes)
{
    QJsonObject previous;
    for (auto it = changes.fields.begin(); it != changes.fields.end(); ++it) {
        const QJsonValue old = valueOrNull(record.fields, it.key());
        if (old == it.value())
            continue;
        previous.insert(it.key(), old);
        record.fields.insert(it.key(), it.value());
    }
    QJsonObject metadata = record.fields.value(QStringLiteral("metadata")).toObject();
    QJsonObject previousMetadata;
    if (changes.clearMetadata) {
        for (auto it = metadata.begin(); it != metadata.end(); ++it)
            previousMetadata.insert(it.key(), it.value());
        metadata = {};
    }
    for (auto it = changes.metadata.begin(); it != changes.metadata.end(); ++it) {
        const QJsonValue old = metadata.value(it.key());
        if (it.value().isEmpty()) {
            if (!old.isUndefined() && !previousMetadata.contains(it.key()))
                previousMetadata.insert(it.key(), old);
            metadata.remove(it.key());
        } else if (old != QJsonValue(it.value())) {
            if (!previousMetadata.contains(it.key()))
                previousMetadata.insert(it.key(), old.isUndefined() ? QJsonValue(QJsonValue::Null) : old);
            metadata.insert(it.key(), it.value());
        }
    }
    if (!previousMetadata.isEmpty()) {
        previous.insert(QStringLiteral("metadata"), previousMetadata);
        record.fields.insert(QStringLiteral("metadata"), metadata);
    }
    return previous;
}

QString StripeAccount::createCustomer(const StripeCustomerChanges &changes, const QDateTime &now,
                                      const QString &requestId, const QString &idempotencyKey)
{
    RecordTable &customers = *table(kCustomers);
    SandboxRecord record = SandboxRecord::create(
        stripeId(QStringLiteral("cus_"), name().toUtf8() + "/customers/" + QByteArray::number(customers.nextKey()), 14),
        now, now);
    record.fields = {{QStringLiteral("balance"), 0},
                     {QStringLiteral("metadata"), QJsonObject()},
                     {QStringLiteral("preferred_locales"), QJsonArray()}};
    apply(record, changes);
    const SandboxRecord &created = customers.insert(record);
    recordEvent(QStringLiteral("customer.created"), customerJson(created), now, {}, requestId, idempotencyKey);
    return created.id;
}

bool StripeAccount::updateCustomer(const QString &id, const StripeCustomerChanges &changes, const QDateTime &now,
                                   const QString &requestId, const QString &idempotencyKey)
{
    SandboxRecord *record = table(kCustomers)->find(id);
    if (!record || record->deleted)
        return false;
    const QJsonObject previous = apply(*record, changes);
    if (previous.isEmpty())
        return true; // Stripe sends no customer.updated for a write that changes nothing
    record->updatedAt = now;
    recordEvent(QStringLiteral("customer.updated"), customerJson(*record), now, previous, requestId, idempotencyKey);
    return true;
}

bool StripeAccount::deleteCustomer(const QString &id, const QDateTime &now, const QString &requestId)
{
    const SandboxRecord *record = table(kCustomers)->find(id);
    if (!record || record->deleted)
        return false;
    // customer.deleted carries the customer as it was.
    const QJsonObject last = customerJson(*record);
    SandboxAccount::remove(kCustomers, id, now);
    recordEvent(QStringLiteral("customer.deleted"), last, now, {}, requestId);
    return true;
}

bool StripeAccount::remove(const QString &object, const QString &id, const QDateTime &now)
{
    return object == kCustomers ? deleteCustomer(id, now, {}) : SandboxAccount::remove(object, id, now);
}

void StripeAccount::recordEvent(const QString &type, const QJsonObject &object, const QDateTime &created,
                                const QJsonObject &previousAttributes, const QString &requestId,
                                const QString &idempotencyKey)
{
    StripeEvent event;
    event.sequence = static_cast<qint64>(m_events.size()) + 1;
    event.id = stripeId(QStringLiteral("evt_"), name().toUtf8() + "/evt/" + QByteArray::number(event.sequence), 24);
    event.type = type;
    event.created = created;
    event.object = object;
    event.previousAttributes = previousAttributes;
    event.requestId = requestId;
    event.idempotencyKey = idempotencyKey;
    m_events.push_back(event);
}

const StripeEvent *StripeAccount::event(const QString &id) const
{
    for (const StripeEvent &candidate : m_events) {
        if (candidate.id == id)
            return &candidate;
    }
    return nullptr;
}

QJsonObject StripeAccount::eventJson(const StripeEvent &event) const
{
    QJsonObject data{{QStringLiteral("object"), event.object}};
    if (!event.previousAttributes.isEmpty())
        data.insert(QStringLiteral("previous_attributes"), event.previousAttributes);
    const auto orNull = [](const QString &text) {
        return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
    };
    return {{QStringLiteral("id"), event.id},
            {QStringLiteral("object"), QStringLiteral("event")},
            {QStringLiteral("api_version"), QStringLiteral("2024-06-20")},
            {QStringLiteral("created"), seconds(event.created)},
            {QStringLiteral("data"), data},
            {QStringLiteral("livemode"), false},
            {QStringLiteral("pending_webhooks"), 0},
            {QStringLiteral("request"), QJsonObject{{QStringLiteral("id"), orNull(event.requestId)},
                                                    {QStringLiteral("idempotency_key"), orNull(event.idempotencyKey)}}},
            {QStringLiteral("type"), event.type}};
}

const StripeAccount::IdempotentResult *StripeAccount::idempotentResult(const QString &key) const
{
    const auto it = m_idempotentResults.constFind(key);
    return it == m_idempotentResults.cend() ? nullptr : &*it;
}

void StripeAccount::saveIdempotentResult(const QString &key, const IdempotentResult &result)
{
    m_idempotentResults.insert(key, result);
}

} // namespace patchbay::sandbox

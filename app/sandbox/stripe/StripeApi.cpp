#include "StripeApi.h"

#include "StripeResponses.h"
#include "common/SandboxHttp.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

const QString kCustomers = QStringLiteral("customers");
const QString kInvoices = QStringLiteral("invoices");
const QStringList kInvoiceStatuses = {QStringLiteral("draft"), QStringLiteral("open"), QStringLiteral("paid"),
                                      QStringLiteral("uncollectible"), QStringLiteral("void")};
const QStringList kAddressFields = {QStringLiteral("line1"), QStringLiteral("line2"),       QStringLiteral("city"),
                                    QStringLiteral("state"), QStringLiteral("postal_code"), QStringLiteral("country")};

// Where an object sits in a list: newest first, insertion order breaking ties within a second.
struct OrderKey
{
    QDateTime created;
    qint64 order = 0;
};

bool isNewer(const OrderKey &a, const OrderKey &b)
{
    return a.created != b.created ? a.created > b.created : a.order > b.order;
}

OrderKey keyOf(const SandboxRecord &record)
{
    return {record.createdAt, record.key};
}

OrderKey keyOf(const StripeEvent &event)
{
    return {event.created, event.sequence};
}

// name[sub] -> sub; empty when name is not of that form.
QString subscript(const QString &name, const QString &base)
{
    if (!name.startsWith(base + QLatin1Char('[')) || !name.endsWith(QLatin1Char(']')))
        return {};
    return name.mid(base.size() + 1, name.size() - base.size() - 2);
}

bool isArrayParameter(const QString &name, const QString &base)
{
    static const QRegularExpression index(QStringLiteral("^\\d*$"));
    return name.startsWith(base + QLatin1Char('[')) && index.match(subscript(name, base)).hasMatch();
}

std::optional<qint64> integer(const QString &text)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

HttpServerResponse invalidInteger(const QString &param, const QString &value)
{
    return StripeResponses::error(400, QStringLiteral("Invalid integer: %1").arg(value),
                                  QStringLiteral("parameter_invalid_integer"), param);
}

// The page of items (any order, not yet filtered by created) that the query asks for, as Stripe's list object.
template <typename Item, typename ToJson>
HttpServerResponse listPage(const QString &url, const StripeApi::ListQuery &query, std::vector<const Item *> items,
                            const std::optional<OrderKey> &cursor, ToJson toJson)
{
    std::erase_if(items, [&](const Item *item) { return !query.createdMatches(keyOf(*item).created); });
    std::sort(items.begin(), items.end(), [](const Item *a, const Item *b) { return isNewer(keyOf(*a), keyOf(*b)); });
    const auto limit = static_cast<qsizetype>(query.limit);
    auto begin = items.begin();
    auto end = items.end();
    if (!query.endingBefore.isEmpty()) {
        // The objects just newer than the cursor, still newest first; has_more says whether even newer ones exist.
        end =
            std::find_if(items.begin(), items.end(), [&](const Item *item) { return !isNewer(keyOf(*item), *cursor); });
        begin = end - std::min<qsizetype>(end - items.begin(), limit);
    } else {
        if (!query.startingAfter.isEmpty())
            begin = std::find_if(items.begin(), items.end(),
                                 [&](const Item *item) { return isNewer(*cursor, keyOf(*item)); });
        end = begin + std::min<qsizetype>(items.end() - begin, limit);
    }
    const bool hasMore = query.endingBefore.isEmpty() ? end != items.end() : begin != items.begin();
    QJsonArray data;
    for (auto it = begin; it != end; ++it)
        data.append(toJson(**it));
    return StripeResponses::json({{QStringLiteral("object"), QStringLiteral("list")},
                                  {QStringLiteral("url"), url},
                                  {QStringLiteral("has_more"), hasMore},
                                  {QStringLiteral("data"), data}});
}

} // namespace

bool StripeApi::ListQuery::createdMatches(const QDateTime &created) const
{
    const qint64 at = created.toSecsSinceEpoch();
    return (!createdGt || at > *createdGt) && (!createdGte || at >= *createdGte) && (!createdLt || at < *createdLt) &&
           (!createdLte || at <= *createdLte);
}

StripeApi::Params StripeApi::decode(const QByteArray &encoded)
{
    Params params;
    for (const auto &[name, value] : SandboxHttp::formBody(encoded).queryItems(QUrl::FullyDecoded))
        params.append({name, value});
    return params;
}

HttpServerResponse StripeApi::handle(const HttpServerRequest &request)
{
    const QStringList segments = request.path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const QString idempotencyKey = QString::fromUtf8(request.header("idempotency-key"));
    if (request.method != "POST" || idempotencyKey.isEmpty())
        return route(request, segments);

    const QByteArray fingerprint = request.method + ' ' + request.path().toUtf8() + '\n' + request.body;
    if (const StripeAccount::IdempotentResult *saved = m_account.idempotentResult(idempotencyKey)) {
        if (saved->request != fingerprint)
            return StripeResponses::error(
                400,
                QStringLiteral("Keys for idempotent requests can only be used with the same parameters they were first "
                               "used with. Try using a key other than '%1' if you meant to execute a different "
                               "request.")
                    .arg(idempotencyKey),
                {}, {}, QStringLiteral("idempotency_error"));
        HttpServerResponse replay = saved->response;
        replay.withHeader("Idempotent-Replayed", "true");
        return replay.withHeader("Original-Request", saved->requestId.toLatin1());
    }
    const HttpServerResponse response = route(request, segments);
    // Stripe saves a result only once the endpoint ran; refused parameters leave the key free.
    if (response.status < 400)
        m_account.saveIdempotentResult(idempotencyKey, {fingerprint, m_requestId, response});
    return response;
}

HttpServerResponse StripeApi::route(const HttpServerRequest &request, const QStringList &segments)
{
    const QByteArray &method = request.method;
    const QString resource = segments.value(1);
    const QString id = segments.value(2);
    const Params query = decode(request.url.query(QUrl::FullyEncoded).toLatin1());
    if (segments.value(0) == QLatin1String("v1") && segments.size() <= 3) {
        if (resource == kCustomers && segments.size() == 2 && method == "GET")
            return listCustomers(query);
        if (resource == kCustomers && segments.size() == 2 && method == "POST")
            return writeCustomer({}, decode(request.body), QString::fromUtf8(request.header("idempotency-key")));
        if (resource == kCustomers && segments.size() == 3 && method == "GET")
            return retrieveCustomer(id);
        if (resource == kCustomers && segments.size() == 3 && method == "POST")
            return writeCustomer(id, decode(request.body), QString::fromUtf8(request.header("idempotency-key")));
        if (resource == kCustomers && segments.size() == 3 && method == "DELETE")
            return deleteCustomer(id);
        if (resource == kInvoices && segments.size() == 2 && method == "GET")
            return listInvoices(query);
        if (resource == kInvoices && segments.size() == 3 && method == "GET") {
            const SandboxRecord *invoice = m_account.table(kInvoices)->find(id);
            if (!invoice || invoice->deleted)
                return StripeResponses::noSuch(QStringLiteral("invoice"), id);
            return StripeResponses::json(m_account.invoiceJson(*invoice));
        }
        if (resource == QLatin1String("events") && segments.size() == 2 && method == "GET")
            return listEvents(query);
        if (resource == QLatin1String("events") && segments.size() == 3 && method == "GET") {
            const StripeEvent *event = m_account.event(id);
            return event ? StripeResponses::json(m_account.eventJson(*event))
                         : StripeResponses::noSuch(QStringLiteral("event"), id);
        }
    }
    return StripeResponses::error(404, QStringLiteral("Unrecognized request URL (%1: %2). Please see "
                                                      "https://stripe.com/docs or we can help at "
                                                      "https://support.stripe.com/.")
                                           .arg(QString::fromLatin1(method), request.path()));
}

std::optional<HttpServerResponse> StripeApi::readListQuery(const Params &params, const QStringList &filters,
                                                           ListQuery *query)
{
    for (const auto &[name, value] : params) {
        if (name == QLatin1String("limit")) {
            const auto limit = integer(value);
            if (!limit)
                return invalidInteger(name, value);
            if (*limit < 1 || *limit > kMaxLimit)
                return StripeResponses::error(
                    400,
                    *limit < 1 ? QStringLiteral("This value must be greater than or equal to 1.")
                               : QStringLiteral("This value must be less than or equal to %1.").arg(kMaxLimit),
                    {}, name);
            query->limit = static_cast<int>(*limit);
        } else if (name == QLatin1String("starting_after")) {
            query->startingAfter = value;
        } else if (name == QLatin1String("ending_before")) {
            query->endingBefore = value;
        } else if (name == QLatin1String("created") || name.startsWith(QLatin1String("created["))) {
            const auto at = integer(value);
            if (!at)
                return invalidInteger(name, value);
            const QString op = subscript(name, QStringLiteral("created"));
            if (name == QLatin1String("created")) {
                query->createdGte = at;
                query->createdLte = at;
            } else if (op == QLatin1String("gt")) {
                query->createdGt = at;
            } else if (op == QLatin1String("gte")) {
                query->createdGte = at;
            } else if (op == QLatin1String("lt")) {
                query->createdLt = at;
            } else if (op == QLatin1String("lte")) {
                query->createdLte = at;
            } else {
                return StripeResponses::unknownParameter(name);
            }
        } else if (!isArrayParameter(name, QStringLiteral("expand")) &&
                   !std::any_of(filters.begin(), filters.end(), [&](const QString &filter) {
                       return name == filter || isArrayParameter(name, filter);
                   })) {
            return StripeResponses::unknownParameter(name);
        }
    }
    if (!query->startingAfter.isEmpty() && !query->endingBefore.isEmpty())
        return StripeResponses::error(
            400, QStringLiteral("You may only specify one of these parameters: ending_before, starting_after."), {},
            QStringLiteral("ending_before"));
    return std::nullopt;
}

HttpServerResponse StripeApi::listCustomers(const Params &params) const
{
    ListQuery query;
    if (auto refused = readListQuery(params, {QStringLiteral("email")}, &query))
        return *refused;
    const RecordTable &customers = *m_account.table(kCustomers);
    const QString cursorId = query.startingAfter.isEmpty() ? query.endingBefore : query.startingAfter;
    std::optional<OrderKey> cursor;
    if (!cursorId.isEmpty()) {
        const SandboxRecord *found = customers.find(cursorId);
        if (!found)
            return StripeResponses::error(
                400, QStringLiteral("No such customer: '%1'").arg(cursorId), QStringLiteral("resource_missing"),
                query.startingAfter.isEmpty() ? QStringLiteral("ending_before") : QStringLiteral("starting_after"));
        cursor = keyOf(*found);
    }
    const auto email = std::find_if(params.begin(), params.end(),
                                    [](const auto &param) { return param.first == QLatin1String("email"); });
    return listPage(QStringLiteral("/v1/customers"), query, customers.live([&](const SandboxRecord &customer) {
        return email == params.end() || customer.fields.value(QStringLiteral("email")).toString() == email->second;
    }),
                    cursor, [this](const SandboxRecord &customer) { return m_account.customerJson(customer); });
}

HttpServerResponse StripeApi::listInvoices(const Params &params) const
{
    ListQuery query;
    if (auto refused = readListQuery(params, {QStringLiteral("customer"), QStringLiteral("status")}, &query))
        return *refused;
    QString customer;
    QString status;
    for (const auto &[name, value] : params) {
        if (name == QLatin1String("customer"))
            customer = value;
        if (name == QLatin1String("status"))
            status = value;
    }
    if (!status.isEmpty() && !kInvoiceStatuses.contains(status))
        return StripeResponses::error(400,
                                      QStringLiteral("Invalid status: must be one of draft, open, paid, "
                                                     "uncollectible, or void"),
                                      QStringLiteral("parameter_invalid_string"), QStringLiteral("status"));
    const RecordTable &invoices = *m_account.table(kInvoices);
    const QString cursorId = query.startingAfter.isEmpty() ? query.endingBefore : query.startingAfter;
    std::optional<OrderKey> cursor;
    if (!cursorId.isEmpty()) {
        const SandboxRecord *found = invoices.find(cursorId);
        if (!found)
            return StripeResponses::error(
                400, QStringLiteral("No such invoice: '%1'").arg(cursorId), QStringLiteral("resource_missing"),
                query.startingAfter.isEmpty() ? QStringLiteral("ending_before") : QStringLiteral("starting_after"));
        cursor = keyOf(*found);
    }
    return listPage(QStringLiteral("/v1/invoices"), query, invoices.live([&](const SandboxRecord &invoice) {
        return (customer.isEmpty() || invoice.fields.value(QStringLiteral("customer")).toString() == customer) &&
               (status.isEmpty() || invoice.fields.value(QStringLiteral("status")).toString() == status);
    }),
                    cursor, [this](const SandboxRecord &invoice) { return m_account.invoiceJson(invoice); });
}

HttpServerResponse StripeApi::listEvents(const Params &params) const
{
    ListQuery query;
    if (auto refused = readListQuery(params, {QStringLiteral("type"), QStringLiteral("types")}, &query))
        return *refused;
    QStringList types;
    bool singleType = false;
    for (const auto &[name, value] : params) {
        if (name == QLatin1String("type"))
            singleType = true;
        if (name == QLatin1String("type") || isArrayParameter(name, QStringLiteral("types")))
            types.append(value);
    }
    if (singleType && types.size() > 1)
        return StripeResponses::error(400, QStringLiteral("You may only specify one of these parameters: type, types."),
                                      {}, QStringLiteral("types"));
    const auto typeMatches = [&types](const QString &type) {
        return types.isEmpty() || std::any_of(types.begin(), types.end(), [&](const QString &wanted) {
                   // "customer.*" matches every customer event, as Stripe's wildcard does.
                   return wanted.endsWith(QLatin1Char('*')) ? type.startsWith(wanted.chopped(1)) : type == wanted;
               });
    };
    std::vector<const StripeEvent *> events;
    std::optional<OrderKey> cursor;
    const QString cursorId = query.startingAfter.isEmpty() ? query.endingBefore : query.startingAfter;
    for (const StripeEvent &event : m_account.events()) {
        if (event.id == cursorId)
            cursor = keyOf(event);
        if (typeMatches(event.type))
            events.push_back(&event);
    }
    if (!cursorId.isEmpty() && !cursor)
        return StripeResponses::error(
            400, QStringLiteral("No such event: '%1'").arg(cursorId), QStringLiteral("resource_missing"),
            query.startingAfter.isEmpty() ? QStringLiteral("ending_before") : QStringLiteral("starting_after"));
    return listPage(QStringLiteral("/v1/events"), query, events, cursor,
                    [this](const StripeEvent &event) { return m_account.eventJson(event); });
}

HttpServerResponse StripeApi::retrieveCustomer(const QString &id) const
{
    const SandboxRecord *customer = m_account.table(kCustomers)->find(id);
    if (!customer)
        return StripeResponses::noSuch(QStringLiteral("customer"), id);
    // A deleted customer can still be retrieved, as the stub DELETE answered.
    return StripeResponses::json(customer->deleted ? StripeAccount::deletedCustomerJson(id)
                                                   : m_account.customerJson(*customer));
}

std::optional<HttpServerResponse> StripeApi::readCustomerChanges(const Params &params, StripeCustomerChanges *changes)
{
    static const QStringList textFields = {QStringLiteral("email"), QStringLiteral("name"), QStringLiteral("phone"),
                                           QStringLiteral("description")};
    static const QRegularExpression email(QStringLiteral("^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$"));
    QJsonObject address;
    bool addressGiven = false;
    QJsonArray locales;
    bool localesGiven = false;
    for (const auto &[name, value] : params) {
        if (textFields.contains(name)) {
            // An empty string unsets a field.
            changes->fields.insert(name, value.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(value));
        } else if (name == QLatin1String("balance")) {
            const auto balance = integer(value);
            if (!balance)
                return invalidInteger(name, value);
            changes->fields.insert(name, *balance);
        } else if (name == QLatin1String("metadata")) {
            if (!value.isEmpty())
                return StripeResponses::error(400, QStringLiteral("Invalid hash"),
                                              QStringLiteral("parameter_invalid_hash"), name);
            changes->clearMetadata = true;
        } else if (!subscript(name, QStringLiteral("metadata")).isEmpty()) {
            const QString key = subscript(name, QStringLiteral("metadata"));
            if (key.size() > kMaxMetadataKeyLength)
                return StripeResponses::error(
                    400, QStringLiteral("Metadata keys can have up to %1 characters.").arg(kMaxMetadataKeyLength), {},
                    name);
            if (value.size() > kMaxMetadataValueLength)
                return StripeResponses::error(
                    400, QStringLiteral("Metadata values can have up to %1 characters.").arg(kMaxMetadataValueLength),
                    {}, name);
            changes->metadata.insert(key, value);
        } else if (name == QLatin1String("address") && value.isEmpty()) {
            changes->fields.insert(name, QJsonValue::Null);
        } else if (kAddressFields.contains(subscript(name, QStringLiteral("address")))) {
            // A hash parameter replaces the whole address; parts not given become null.
            addressGiven = true;
            address.insert(subscript(name, QStringLiteral("address")), value);
        } else if (isArrayParameter(name, QStringLiteral("preferred_locales"))) {
            localesGiven = true;
            locales.append(value);
        } else if (!isArrayParameter(name, QStringLiteral("expand"))) {
            return StripeResponses::unknownParameter(name);
        }
    }
    if (changes->metadata.size() > kMaxMetadataKeys)
        return StripeResponses::error(400, QStringLiteral("Metadata can have up to %1 keys.").arg(kMaxMetadataKeys), {},
                                      QStringLiteral("metadata"));
    const QString newEmail = changes->fields.value(QStringLiteral("email")).toString();
    if (!newEmail.isEmpty() && !email.match(newEmail).hasMatch())
        return StripeResponses::error(400, QStringLiteral("Invalid email address: %1").arg(newEmail),
                                      QStringLiteral("email_invalid"), QStringLiteral("email"));
    if (addressGiven) {
        for (const QString &field : kAddressFields) {
            if (!address.contains(field))
                address.insert(field, QJsonValue::Null);
        }
        changes->fields.insert(QStringLiteral("address"), address);
    }
    if (localesGiven)
        changes->fields.insert(QStringLiteral("preferred_locales"), locales);
    return std::nullopt;
}

HttpServerResponse StripeApi::writeCustomer(const QString &id, const Params &params, const QString &idempotencyKey)
{
    const SandboxRecord *existing = id.isEmpty() ? nullptr : m_account.table(kCustomers)->find(id);
    if (!id.isEmpty() && (!existing || existing->deleted))
        return StripeResponses::noSuch(QStringLiteral("customer"), id);
    StripeCustomerChanges changes;
    if (auto refused = readCustomerChanges(params, &changes))
        return *refused;
    QString written = id;
    if (id.isEmpty())
        written = m_account.createCustomer(changes, m_now, m_requestId, idempotencyKey);
    else
        m_account.updateCustomer(id, changes, m_now, m_requestId, idempotencyKey);
    return StripeResponses::json(m_account.customerJson(*m_account.table(kCustomers)->find(written)));
}

HttpServerResponse StripeApi::deleteCustomer(const QString &id)
{
    if (!m_account.deleteCustomer(id, m_now, m_requestId))
        return StripeResponses::noSuch(QStringLiteral("customer"), id);
    return StripeResponses::json(StripeAccount::deletedCustomerJson(id));
}

} // namespace patchbay::sandbox

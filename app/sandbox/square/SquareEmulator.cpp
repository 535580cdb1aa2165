#include "SquareEmulator.h"

#include "common/OAuthTokenEndpoint.h"
#include "common/SandboxHttp.h"
#include "common/SandboxPaging.h"
#include "common/WebhookSigner.h"

#include <QJsonDocument>
#include <QUuid>

namespace patchbay::sandbox {

namespace {

HttpServerResponse errors(int status, const QJsonArray &list)
{
    return SandboxHttp::json(QJsonObject{{QStringLiteral("errors"), list}}, status);
}

HttpServerResponse error(int status, const QString &category, const QString &code, const QString &detail,
                         const QString &field = {})
{
    return errors(status, {SquareMerchant::error(category, code, detail, field)});
}

QString encodeCursor(qsizetype offset)
{
    return QString::fromLatin1(QByteArray::number(offset).toBase64(QByteArray::Base64UrlEncoding));
}

} // namespace

SquareEmulator::SquareEmulator(QObject *parent) : AccountEmulator(parent)
{
    OAuthPolicy &policy = tokens().policy();
    policy.accessTokenLifetime = 30 * 24 * 3600;
    policy.sendExpiresIn = false;
    policy.clientAuth = OAuthPolicy::ClientAuth::Body;
    policy.tokenType = QStringLiteral("bearer");
    policy.accessTokenPrefix = QStringLiteral("EAAA");

    OAuthTokenEndpoint::Style style;
    style.decorateGrant = [this](const OAuthGrant &grant, QJsonObject &body) {
        body.insert(QStringLiteral("expires_at"),
                    grant.issuedAt.addSecs(grant.expiresIn).toUTC().toString(Qt::ISODate));
        body.insert(QStringLiteral("merchant_id"),
                    static_cast<const SquareMerchant *>(account(grant.tenant))->merchantId());
    };
    style.failure = [](OAuthFailure failure) {
        if (failure == OAuthFailure::UnknownClient || failure == OAuthFailure::BadClientSecret)
            return error(401, QStringLiteral("AUTHENTICATION_ERROR"), QStringLiteral("UNAUTHORIZED"),
                         QStringLiteral("Invalid client credentials."));
        return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("BAD_REQUEST"),
                     QStringLiteral("Invalid or expired grant."));
    };
    m_oauth = std::make_unique<OAuthTokenEndpoint>(tokens(), style);
}

SquareEmulator::~SquareEmulator() = default;

std::unique_ptr<SandboxAccount> SquareEmulator::createAccount(const QString &name, quint32 seed) const
{
    return std::make_unique<SquareMerchant>(name, seed);
}

HttpServerResponse SquareEmulator::rateLimitedResponse(int, const QJsonObject &) const
{
    return error(429, QStringLiteral("RATE_LIMIT_ERROR"), QStringLiteral("RATE_LIMITED"),
                 QStringLiteral("This request was rate limited."));
}

HttpServerResponse SquareEmulator::route(const HttpServerRequest &request, const QDateTime &now, QString *merchant)
{
    if (request.path() == QLatin1String("/oauth2/token") && request.method == "POST")
        return m_oauth->token(request, now, merchant);
    if (request.path() == QLatin1String("/oauth2/authorize"))
        return m_oauth->authorize(request, now, merchant);
    *merchant = tenantOfBearer(request, now);
    if (merchant->isEmpty()) {
        const QString token = SandboxHttp::bearerToken(request);
        if (const SandboxAccount *found =
                findAccountWhere([&](const SandboxAccount &a) { return a.apiKey() == token; }))
            *merchant = found->name();
    }
    if (auto answer = admit(!merchant->isEmpty(), [] {
            return error(401, QStringLiteral("AUTHENTICATION_ERROR"), QStringLiteral("UNAUTHORIZED"),
                         QStringLiteral("This request could not be authorized."));
        }))
        return *answer;
    return call(*static_cast<SquareMerchant *>(findAccount(*merchant)), request, now);
}

HttpServerResponse SquareEmulator::call(SquareMerchant &merchant, const HttpServerRequest &request,
                                        const QDateTime &now) const
{
    const QString path = request.path();
    const QUrlQuery query = request.query();
    const RecordTable &customers = *merchant.table(QStringLiteral("customers"));
    if (path == QLatin1String("/v2/customers") && request.method == "GET") {
        const QString limit = query.queryItemValue(QStringLiteral("limit"));
        return page(QStringLiteral("customers"), customers.live(), limit.isEmpty() ? 100 : limit.toInt(),
                    query.queryItemValue(QStringLiteral("cursor")),
                    [&](const SandboxRecord &customer) { return merchant.customerJson(customer); });
    }
    if (path == QLatin1String("/v2/customers") && request.method == "POST") {
        QJsonArray problems;
        const QJsonObject body = QJsonDocument::fromJson(request.body).object();
        const QString id =
            merchant.createCustomer(body, body.value(QStringLiteral("idempotency_key")).toString(), now, &problems);
        if (id.isEmpty())
            return errors(400, problems);
        return SandboxHttp::json(QJsonObject{{QStringLiteral("customer"), merchant.customerJson(*customers.find(id))}});
    }
    if ((path == QLatin1String("/v2/customers/bulk-create") || path == QLatin1String("/v2/customers/bulk-update")) &&
        request.method == "POST")
        return bulk(merchant, QJsonDocument::fromJson(request.body).object(), path.endsWith(QLatin1String("create")),
                    now);
    if (path == QLatin1String("/v2/customers/search") && request.method == "POST")
        return search(merchant, QJsonDocument::fromJson(request.body).object());
    if (path == QLatin1String("/v2/customers/custom-attribute-definitions") && request.method == "GET") {
        const QJsonArray definitions = merchant.attributeDefinitionsJson();
        return SandboxHttp::json(definitions.isEmpty()
                                     ? QJsonObject()
                                     : QJsonObject{{QStringLiteral("custom_attribute_definitions"), definitions}});
    }
    if (path == QLatin1String("/v2/payments") && request.method == "GET")
        return listPayments(merchant, query, now);
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (segments.size() == 3 && segments.at(1) == QLatin1String("payments") && request.method == "GET") {
        const SandboxRecord *payment = merchant.table(QStringLiteral("payments"))->find(segments.at(2));
        if (!payment)
            return error(404, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("NOT_FOUND"),
                         QStringLiteral("Could not find payment with id: %1").arg(segments.at(2)));
        return SandboxHttp::json(QJsonObject{{QStringLiteral("payment"), merchant.paymentJson(*payment)}});
    }
    if (segments.size() == 3 && segments.at(1) == QLatin1String("customers") && request.method == "PUT")
        return updateCustomer(merchant, segments.at(2), QJsonDocument::fromJson(request.body).object(), now);
    if (segments.size() >= 3 && segments.at(1) == QLatin1String("customers") && request.method == "GET") {
        const SandboxRecord *customer = customers.find(segments.at(2));
        if (!customer || customer->deleted)
            return error(404, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("NOT_FOUND"),
                         QStringLiteral("Customer with ID `%1` not found.").arg(segments.at(2)));
        if (segments.size() == 3)
            return SandboxHttp::json(QJsonObject{{QStringLiteral("customer"), merchant.customerJson(*customer)}});
        if (segments.size() == 4 && segments.at(3) == QLatin1String("custom-attributes"))
            return SandboxHttp::json(
                QJsonObject{{QStringLiteral("custom_attributes"), merchant.customAttributesJson(*customer)}});
    }
    return error(404, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("NOT_FOUND"),
                 QStringLiteral("Resource not found."));
}

HttpServerResponse SquareEmulator::page(const QString &name, const std::vector<const SandboxRecord *> &records,
                                        int limit, const QString &cursor, const RecordJson &toJson) const
{
    if (limit < 1)
        return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("VALUE_TOO_LOW"),
                     QStringLiteral("`limit` must be at least 1."), QStringLiteral("limit"));
    if (limit > 100)
        return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("VALUE_TOO_HIGH"),
                     QStringLiteral("`limit` must be at most 100."), QStringLiteral("limit"));
    bool ok = true;
    const qsizetype offset =
        cursor.isEmpty() ? 0 : QByteArray::fromBase64(cursor.toLatin1(), QByteArray::Base64UrlEncoding).toLongLong(&ok);
    if (!ok)
        return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("INVALID_CURSOR"),
                     QStringLiteral("The pagination cursor is not valid."), QStringLiteral("cursor"));
    QJsonArray list;
    for (const SandboxRecord *record : SandboxPaging::slice(records, offset, limit))
        list.append(toJson(*record));
    QJsonObject body;
    if (!list.isEmpty())
        body.insert(name, list);
    if (offset + limit < static_cast<qsizetype>(records.size()))
        body.insert(QStringLiteral("cursor"), encodeCursor(offset + limit));
    return SandboxHttp::json(body);
}

HttpServerResponse SquareEmulator::listPayments(const SquareMerchant &merchant, const QUrlQuery &query,
                                                const QDateTime &now) const
{
    // created_at in [begin_time, end_time], by default the last year; updated_at in [updated_at_begin_time,
    // updated_at_end_time] when given.
    struct Bound
    {
        const char *parameter;
        QDateTime fallback;
        QDateTime value;
    };
    Bound bounds[] = {{"begin_time", now.addYears(-1), {}},
                      {"end_time", now, {}},
                      {"updated_at_begin_time", {}, {}},
                      {"updated_at_end_time", {}, {}}};
    for (Bound &bound : bounds) {
        const QString text = SandboxHttp::queryParameter(query, QLatin1String(bound.parameter));
        bound.value = text.isEmpty() ? bound.fallback : SandboxHttp::parseTimestamp(text);
        if (!text.isEmpty() && !bound.value.isValid())
            return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("INVALID_TIME"),
                         QStringLiteral("`%1` is not a valid RFC 3339 time.").arg(QLatin1String(bound.parameter)),
                         QLatin1String(bound.parameter));
    }
    const QString sortField = query.queryItemValue(QStringLiteral("sort_field")).isEmpty()
                                  ? QStringLiteral("CREATED_AT")
                                  : query.queryItemValue(QStringLiteral("sort_field"));
    const QString sortOrder = query.queryItemValue(QStringLiteral("sort_order")).isEmpty()
                                  ? QStringLiteral("DESC")
                                  : query.queryItemValue(QStringLiteral("sort_order"));
    if (sortField != QLatin1String("CREATED_AT") && sortField != QLatin1String("UPDATED_AT"))
        return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("INVALID_ENUM_VALUE"),
                     QStringLiteral("`sort_field` must be CREATED_AT or UPDATED_AT in this emulator."),
                     QStringLiteral("sort_field"));
    if (sortOrder != QLatin1String("ASC") && sortOrder != QLatin1String("DESC"))
        return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("INVALID_ENUM_VALUE"),
                     QStringLiteral("`sort_order` must be ASC or DESC."), QStringLiteral("sort_order"));
    // Only the main location has payments; another location lists none.
    const QString location = query.queryItemValue(QStringLiteral("location_id"));
    const bool mainLocation = location.isEmpty() || location == merchant.mainLocationId();
    const bool byUpdate = sortField == QLatin1String("UPDATED_AT");
    std::vector<const SandboxRecord *> payments =
        merchant.table(QStringLiteral("payments"))->live([&](const SandboxRecord &payment) {
            const auto within = [](const QDateTime &time, const QDateTime &begin, const QDateTime &end) {
                return (!begin.isValid() || time >= begin) && (!end.isValid() || time <= end);
            };
            return mainLocation && within(payment.createdAt, bounds[0].value, bounds[1].value) &&
                   within(payment.updatedAt, bounds[2].value, bounds[3].value);
        });
    std::stable_sort(payments.begin(), payments.end(), [&](const SandboxRecord *a, const SandboxRecord *b) {
        const auto key = [&](const SandboxRecord *p) {
            return std::pair(byUpdate ? p->updatedAt : p->createdAt, p->id);
        };
        return sortOrder == QLatin1String("ASC") ? key(a) < key(b) : key(b) < key(a);
    });
    // A limit above 100 is ignored: the default (100) is used.
    const QString limitText = query.queryItemValue(QStringLiteral("limit"));
    const int limit = limitText.isEmpty() || limitText.toInt() > 100 ? 100 : limitText.toInt();
    return page(QStringLiteral("payments"), payments, limit, query.queryItemValue(QStringLiteral("cursor")),
                [&](const SandboxRecord &payment) { return merchant.paymentJson(payment); });
}

HttpServerResponse SquareEmulator::search(const SquareMerchant &merchant, const QJsonObject &body) const
{
    const QJsonObject filter =
        body.value(QStringLiteral("query")).toObject().value(QStringLiteral("filter")).toObject();
    struct Range
    {
        bool updated;
        QDateTime start;
        QDateTime end;
    };
    QList<Range> ranges;
    for (const char *name : {"created_at", "updated_at"}) {
        const QJsonObject range = filter.value(QLatin1String(name)).toObject();
        if (range.isEmpty())
            continue;
        Range parsed{QLatin1String(name) == QLatin1String("updated_at"),
                     SandboxHttp::parseTimestamp(range.value(QStringLiteral("start_at")).toString()),
                     SandboxHttp::parseTimestamp(range.value(QStringLiteral("end_at")).toString())};
        const bool badStart = range.contains(QStringLiteral("start_at")) && !parsed.start.isValid();
        const bool badEnd = range.contains(QStringLiteral("end_at")) && !parsed.end.isValid();
        if (badStart || badEnd)
            return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("INVALID_TIME"),
                         QStringLiteral("Invalid RFC 3339 time."),
                         QStringLiteral("query.filter.") + QLatin1String(name));
        ranges.append(parsed);
    }
    std::vector<const SandboxRecord *> matching =
        merchant.table(QStringLiteral("customers"))->live([&](const SandboxRecord &r) {
            return std::all_of(ranges.begin(), ranges.end(), [&](const Range &range) {
                const QDateTime &time = range.updated ? r.updatedAt : r.createdAt;
                return (!range.start.isValid() || time >= range.start) && (!range.end.isValid() || time < range.end);
            });
        });
    const QJsonObject sort = body.value(QStringLiteral("query")).toObject().value(QStringLiteral("sort")).toObject();
    if (sort.value(QStringLiteral("field")).toString() == QLatin1String("CREATED_AT"))
        std::stable_sort(matching.begin(), matching.end(), [&](const SandboxRecord *a, const SandboxRecord *b) {
            return sort.value(QStringLiteral("order")).toString() == QLatin1String("DESC")
                       ? b->createdAt < a->createdAt
                       : a->createdAt < b->createdAt;
        });
    return page(QStringLiteral("customers"), matching, body.value(QStringLiteral("limit")).toInt(100),
                body.value(QStringLiteral("cursor")).toString(),
                [&](const SandboxRecord &customer) { return merchant.customerJson(customer); });
}

HttpServerResponse SquareEmulator::updateCustomer(SquareMerchant &merchant, const QString &id, const QJsonObject &body,
                                                  const QDateTime &now) const
{
    SandboxRecord *customer = merchant.table(QStringLiteral("customers"))->find(id);
    if (!customer || customer->deleted)
        return error(404, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("NOT_FOUND"),
                     QStringLiteral("Customer with ID `%1` not found.").arg(id));
    QJsonArray problems;
    if (!merchant.updateCustomer(*customer, body, now, &problems))
        return errors(400, problems);
    return SandboxHttp::json(QJsonObject{{QStringLiteral("customer"), merchant.customerJson(*customer)}});
}

HttpServerResponse SquareEmulator::bulk(SquareMerchant &merchant, const QJsonObject &body, bool create,
                                        const QDateTime &now) const
{
    const QJsonObject requests = body.value(QStringLiteral("customers")).toObject();
    if (requests.isEmpty())
        return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("MISSING_REQUIRED_PARAMETER"),
                     QStringLiteral("Field must be set"), QStringLiteral("customers"));
    if (requests.size() > 100)
        return error(400, QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("TOO_MANY_MAP_ENTRIES"),
                     QStringLiteral("The map must have at most 100 entries."), QStringLiteral("customers"));
    RecordTable &customers = *merchant.table(QStringLiteral("customers"));
    QJsonObject responses;
    for (auto it = requests.begin(); it != requests.end(); ++it) {
        QJsonArray problems;
        const SandboxRecord *written = nullptr;
        if (create) {
            if (const QString id = merchant.createCustomer(it.value().toObject(), it.key(), now, &problems);
                !id.isEmpty())
                written = customers.find(id);
        } else if (SandboxRecord *customer = customers.find(it.key()); !customer || customer->deleted) {
            problems.append(SquareMerchant::error(QStringLiteral("INVALID_REQUEST_ERROR"), QStringLiteral("NOT_FOUND"),
                                                  QStringLiteral("Customer with ID `%1` not found.").arg(it.key())));
        } else if (merchant.updateCustomer(*customer, it.value().toObject(), now, &problems)) {
            written = customer;
        }
        responses.insert(it.key(), written ? QJsonObject{{QStringLiteral("customer"), merchant.customerJson(*written)}}
                                           : QJsonObject{{QStringLiteral("errors"), problems}});
    }
    return SandboxHttp::json(QJsonObject{{QStringLiteral("responses"), responses}});
}

bool SquareEmulator::redeliverLastWebhook()
{
    if (!m_lastWebhook)
        return false;
    webhookSender().send(*m_lastWebhook);
    return true;
}

bool SquareEmulator::sendWebhook(const QString &merchant, const QUrl &url, const QString &object, const QString &id)
{
    // Only customer events are sent.
    const auto *found = static_cast<const SquareMerchant *>(findAccount(merchant));
    const SandboxRecord *record =
        found && object == QLatin1String("customers") ? found->table(object)->find(id) : nullptr;
    if (!record || !url.isValid())
        return false;
    const QJsonObject payload{{QStringLiteral("merchant_id"), found->merchantId()},
                              {QStringLiteral("type"), record->deleted ? QStringLiteral("customer.deleted")
                                                                       : QStringLiteral("customer.updated")},
                              {QStringLiteral("event_id"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                              {QStringLiteral("created_at"), SandboxHttp::isoTimestamp(now())},
                              {QStringLiteral("data"),
                               QJsonObject{{QStringLiteral("type"), QStringLiteral("customer")},
                                           {QStringLiteral("id"), record->id},
                                           {QStringLiteral("object"),
                                            QJsonObject{{QStringLiteral("customer"), found->customerJson(*record)}}}}}};
    const QByteArray body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    const QByteArray signedText = url.toEncoded() + body;
    m_lastWebhook = WebhookDelivery{
        url,
        body,
        {{"x-square-hmacsha256-signature", WebhookSigner::base64Signature(found->webhookSecret().toUtf8(), signedText)},
         {"square-environment", "Sandbox"}}};
    webhookSender().send(*m_lastWebhook);
    return true;
}

} // namespace patchbay::sandbox

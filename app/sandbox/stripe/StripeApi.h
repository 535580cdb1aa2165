#pragma once

#include "StripeAccount.h"
#include "server/HttpService.h"

#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace patchbay::sandbox {

// The API v1 endpoints of one authenticated Stripe account:
//   GET    /v1/customers[/{id}]   list (limit, starting_after, ending_before, created, email) or one
//   POST   /v1/customers[/{id}]   create or update from a form body (metadata[key]=value merges, "" unsets)
//   DELETE /v1/customers/{id}     {id, object: "customer", deleted: true}
//   GET    /v1/invoices[/{id}]    list (the paging parameters, created, customer, status) or one
//   GET    /v1/events[/{id}]      list (the paging parameters, created, type with * wildcards, types[]) or one
// POSTs honour Idempotency-Key: a repeat with the same parameters replays the first answer, other parameters
// answer 400 idempotency_error.
class StripeApi
{
public:
    static constexpr int kDefaultLimit = 10;
    static constexpr int kMaxLimit = 100;
    static constexpr int kMaxMetadataKeys = 50;
    static constexpr int kMaxMetadataKeyLength = 40;
    static constexpr int kMaxMetadataValueLength = 500;

    using Params = QList<QPair<QString, QString>>; // decoded names (metadata[plan]) and values, in order

    StripeApi(StripeAccount &account, const QString &requestId, const QDateTime &now)
        : m_account(account), m_requestId(requestId), m_now(now)
    {}

    HttpServerResponse handle(const HttpServerRequest &request);

    // A query string or form body as decoded pairs ('+' read as a space).
    static Params decode(const QByteArray &encoded);

    // The paging and created[...] parameters every list takes.
    struct ListQuery
    {
        int limit = kDefaultLimit;
        QString startingAfter;
        QString endingBefore;
        std::optional<qint64> createdGt, createdGte, createdLt, createdLte;

        bool createdMatches(const QDateTime &created) const;
    };

private:
    HttpServerResponse route(const HttpServerRequest &request, const QStringList &segments);
    HttpServerResponse listCustomers(const Params &params) const;
    HttpServerResponse listInvoices(const Params &params) const;
    HttpServerResponse listEvents(const Params &params) const;
    HttpServerResponse retrieveCustomer(const QString &id) const;
    HttpServerResponse writeCustomer(const QString &id, const Params &params, const QString &idempotencyKey);
    HttpServerResponse deleteCustomer(const QString &id);
    // Reads the list parameters; filters are the endpoint's own parameter names. Returns the refusal, if any.
    static std::optional<HttpServerResponse> readListQuery(const Params &params, const QStringList &filters,
                                                           ListQuery *query);
    static std::optional<HttpServerResponse> readCustomerChanges(const Params &params, StripeCustomerChanges *changes);

    StripeAccount &m_account;
    QString m_requestId;
    QDateTime m_now;
};

} // namespace patchbay::sandbox

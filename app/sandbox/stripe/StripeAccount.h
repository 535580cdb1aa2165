#pragma once

#include "common/SandboxAccount.h"
#include "server/HttpService.h"

#include <QHash>
#include <QJsonObject>

#include <optional>
#include <vector>

namespace patchbay::sandbox {

// One event of GET /v1/events: what happened to an object, with the object as it was afterwards.
struct StripeEvent
{
    qint64 sequence = 0; // ascending; orders events created in the same second
    QString id;          // evt_...
    QString type;        // customer.created, customer.updated, customer.deleted
    QDateTime created;
    QJsonObject object;             // data.object
    QJsonObject previousAttributes; // data.previous_attributes of an update
    QString requestId;              // the API request that caused it; empty for dashboard-like changes
    QString idempotencyKey;
};

// What a create or update of a customer sets.
struct StripeCustomerChanges
{
    QJsonObject fields;               // email, name, phone, description, balance, address, preferred_locales
    QHash<QString, QString> metadata; // an empty value removes the key
    bool clearMetadata = false;       // metadata="" unsets every key first
};

// One Stripe account (acct_...): its customers and invoices, the events about customers, its secret key and webhook
// endpoint secret. Stripe has no custom fields API, so custom fields are refused.
class StripeAccount : public SandboxAccount
{
public:
    StripeAccount(const QString &name, quint32 seed);

    QString accountId() const;
    QString apiKey() const override { return m_secretKey; }
    QString webhookSecret() const override { return m_webhookSecret; }
    // The endpoint secret before the last roll (a seeded one before any roll), which signs beside the current one
    // during a rotation.
    QString previousWebhookSecret() const { return m_previousWebhookSecret; }
    // A new sk_test_ key; the old one answers 401 api_key_expired from now on.
    QString rollSecretKey();
    bool isExpiredKey(const QString &key) const { return m_expiredKeys.contains(key); }
    QString rollWebhookSecret();

    QJsonObject customerJson(const SandboxRecord &record) const;
    QJsonObject invoiceJson(const SandboxRecord &record) const;
    // The answer to DELETE and to a GET of a deleted customer: {id, object: "customer", deleted: true}.
    static QJsonObject deletedCustomerJson(const QString &id);

    // Each creates a customer.* event tied to the request; update and delete return false for no live customer.
    QString createCustomer(const StripeCustomerChanges &changes, const QDateTime &now, const QString &requestId,
                           const QString &idempotencyKey);
    bool updateCustomer(const QString &id, const StripeCustomerChanges &changes, const QDateTime &now,
                        const QString &requestId, const QString &idempotencyKey);
    bool deleteCustomer(const QString &id, const QDateTime &now, const QString &requestId);
    bool remove(const QString &object, const QString &id, const QDateTime &now) override;

    const std::vector<StripeEvent> &events() const { return m_events; }
    const StripeEvent *event(const QString &id) const;
    QJsonObject eventJson(const StripeEvent &event) const;

    // The saved answer of a POST made with this Idempotency-Key, and the request it answered.
    struct IdempotentResult
    {
        QByteArray request; // method, path and body
        QString requestId;  // of the first request, which a replay names in Original-Request
        HttpServerResponse response;
    };
    const IdempotentResult *idempotentResult(const QString &key) const;
    void saveIdempotentResult(const QString &key, const IdempotentResult &result);

    // A Stripe-style id: prefix + letters and digits derived from material.
    static QString stripeId(const QString &prefix, const QByteArray &material, int length);

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    QString customFieldName(const QString &object, const QString &label) const override;
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    void recordEvent(const QString &type, const QJsonObject &object, const QDateTime &created,
                     const QJsonObject &previousAttributes = {}, const QString &requestId = {},
                     const QString &idempotencyKey = {});
    // Applies changes; returns the previous values of what changed (Stripe's previous_attributes).
    static QJsonObject apply(SandboxRecord &record, const StripeCustomerChanges &changes);

    QString m_secretKey;
    QStringList m_expiredKeys;
    QString m_webhookSecret;
    QString m_previousWebhookSecret;
    int m_rolls = 0;
    std::vector<StripeEvent> m_events; // oldest first
    QHash<QString, IdempotentResult> m_idempotentResults;
};

} // namespace patchbay::sandbox

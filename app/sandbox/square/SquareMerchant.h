#pragma once

#include "common/SandboxAccount.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

namespace patchbay::sandbox {

// One Square seller: its customer directory, the customer custom attribute definitions that are its custom fields,
// and the payments taken at its main location (created 300 to 390 days ago, so some are older than the year that
// ListPayments covers by default).
class SquareMerchant : public SandboxAccount
{
public:
    SquareMerchant(const QString &name, quint32 seed);

    QString merchantId() const;
    QString mainLocationId() const;
    QJsonObject customerJson(const SandboxRecord &record) const;
    QJsonObject paymentJson(const SandboxRecord &record) const;
    QJsonArray attributeDefinitionsJson() const;
    QJsonArray customAttributesJson(const SandboxRecord &record) const;
    // Creates a customer from a POST body; on failure fills *errors with Square's [{category, code, detail}]. A
    // non-empty idempotency key already used gives the customer it created.
    QString createCustomer(const QJsonObject &body, const QString &idempotencyKey, const QDateTime &now,
                           QJsonArray *errors);
    // Applies an update (only the fields given; null clears one) to a live customer; on failure fills *errors and
    // changes nothing.
    bool updateCustomer(SandboxRecord &customer, const QJsonObject &body, const QDateTime &now, QJsonArray *errors);

    static QJsonObject error(const QString &category, const QString &code, const QString &detail,
                             const QString &field = {});

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    QString customFieldName(const QString &object, const QString &label) const override;
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    QString nextCustomerId(const RecordTable &table) const;

    QHash<QString, QString> m_createdByIdempotencyKey; // idempotency key -> customer id
};

} // namespace patchbay::sandbox

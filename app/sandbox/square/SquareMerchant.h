#pragma once

#include "common/SandboxAccount.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay::sandbox {

// One Square seller: its customer directory and the customer custom attribute definitions that are its custom
// fields.
class SquareMerchant : public SandboxAccount
{
public:
    SquareMerchant(const QString &name, quint32 seed);

    QString merchantId() const;
    QJsonObject customerJson(const SandboxRecord &record) const;
    QJsonArray attributeDefinitionsJson() const;
    QJsonArray customAttributesJson(const SandboxRecord &record) const;
    // Creates a customer from a POST body; on failure fills *errors with Square's [{category, code, detail}].
    QString createCustomer(const QJsonObject &body, const QDateTime &now, QJsonArray *errors);

    static QJsonObject error(const QString &category, const QString &code, const QString &detail,
                             const QString &field = {});

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    QString customFieldName(const QString &object, const QString &label) const override;
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    QString nextCustomerId(const RecordTable &table) const;
};

} // namespace patchbay::sandbox

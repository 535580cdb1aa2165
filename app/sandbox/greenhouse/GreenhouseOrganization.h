#pragma once

#include "common/SandboxAccount.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay::sandbox {

// One Greenhouse organization: candidates, one application each, and the custom fields of both, keyed by
// name_key as Harvest prints them.
class GreenhouseOrganization : public SandboxAccount
{
public:
    GreenhouseOrganization(const QString &name, quint32 seed);

    // The user that On-Behalf-Of must name for writes.
    qint64 userId() const { return 4080; }

    QJsonObject candidateJson(const SandboxRecord &record) const;
    QJsonObject applicationJson(const SandboxRecord &record) const;
    // GET /v1/custom_fields/{field_type}: candidate or application; empty for other types.
    QJsonArray customFieldsJson(const QString &fieldType) const;
    static QString objectOfFieldType(const QString &fieldType);
    // A candidate as webhooks print it (update_candidate), and as delete_candidate names it.
    QJsonObject candidateWebhookJson(const SandboxRecord &record) const;
    QJsonObject deletedCandidateJson(const SandboxRecord &record) const;
    // Creates a candidate from a POST body; on failure fills *errors with [{message, field}].
    QString createCandidate(const QJsonObject &body, const QDateTime &now, QJsonArray *errors);
    // Applies a PATCH body to a live candidate; false with *errors filled when a value is refused.
    bool updateCandidate(const QString &id, const QJsonObject &body, const QDateTime &now, QJsonArray *errors);

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    QString customFieldName(const QString &object, const QString &label) const override;
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    void addCustomValues(const SandboxRecord &record, const QString &object, QJsonObject &json) const;
    void setCustomValues(const QJsonObject &body, SandboxRecord &record) const;
};

} // namespace patchbay::sandbox

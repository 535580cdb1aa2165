#pragma once

#include "common/SandboxAccount.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay::sandbox {

// One Pipedrive company: persons and deals with their standard fields and custom fields keyed by 40-digit
// hashes, and the API token of its admin.
class PipedriveCompany : public SandboxAccount
{
public:
    PipedriveCompany(const QString &name, quint32 seed);

    // 40 hex digits, as Pipedrive API tokens are.
    QString apiKey() const override;
    qint64 companyId() const { return 7000000 + seed() % 1000000; }
    // User and password of the basic auth Pipedrive puts on webhook deliveries (http_auth_user/password).
    QString webhookUser() const { return QStringLiteral("patchbay"); }

    QJsonObject itemJson(const QString &object, const SandboxRecord &record) const;
    // GET /v1/personFields or /v1/dealFields: standard fields, then the custom ones.
    QJsonArray fieldsJson(const QString &object) const;
    // Creates a person or deal from a POST body; returns empty and sets *error when a required field is missing.
    QString create(const QString &object, const QJsonObject &body, const QDateTime &now, QString *error);
    // Applies a PUT body to a live person or deal: 200, 404, or 400 with *error when a required field is blanked.
    int update(const QString &object, const QString &id, const QJsonObject &body, const QDateTime &now, QString *error);

    static QString timestamp(const QDateTime &time);

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    QString customFieldName(const QString &object, const QString &label) const override;
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;
};

} // namespace patchbay::sandbox

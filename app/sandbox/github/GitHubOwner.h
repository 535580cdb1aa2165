#pragma once

#include "common/SandboxAccount.h"

#include <QJsonArray>
#include <QJsonObject>

namespace patchbay::sandbox {

// One GitHub organization with one repository: issues and pull requests numbered in one sequence (a pull request
// is also an issue), and the organization's custom properties, which are its custom fields.
class GitHubOwner : public SandboxAccount
{
public:
    GitHubOwner(const QString &login, quint32 seed);

    static QString repositoryName() { return QStringLiteral("widgets"); }
    QString fullName() const { return name() + QLatin1Char('/') + repositoryName(); }
    // A personal access token of the organization's admin.
    QString apiKey() const override;

    // apiBase is the REST origin that url fields start with.
    QJsonObject issueJson(const SandboxRecord &record, bool isPull, const QString &apiBase) const;
    QJsonObject pullJson(const SandboxRecord &record, const QString &apiBase) const;
    // The repository as GET /repos/{owner}/{repo} and webhook payloads show it, custom_properties included.
    QJsonObject repositoryJson(const QString &apiBase) const;
    // {property name: value} of the organization's custom properties for the repository.
    QJsonObject customPropertiesJson() const;
    QJsonArray propertySchemaJson() const;
    QJsonArray propertyValuesJson() const;
    // Creates an issue from a POST body; on failure fills *errors with GitHub's [{resource, code, field}].
    QString createIssue(const QJsonObject &body, const QDateTime &now, QJsonArray *errors);
    // Applies a PATCH body (title, body, state) to an issue or pull request; on failure fills *errors and changes
    // nothing.
    bool updateIssue(SandboxRecord &record, const QJsonObject &body, const QDateTime &now, QJsonArray *errors) const;

    static QString timestamp(const QDateTime &time);

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    QString customFieldName(const QString &object, const QString &label) const override;
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    qint64 m_nextNumber = 1;
};

} // namespace patchbay::sandbox

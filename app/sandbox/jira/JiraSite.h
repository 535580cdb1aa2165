#pragma once

#include "common/SandboxAccount.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace patchbay::sandbox {

// One field of GET /rest/api/3/field.
struct JiraField
{
    QString id; // summary, status, customfield_10020, ...
    QString name;
    bool custom = false;
    QString schemaType;   // string, datetime, date, number, option, status, issuetype, priority, project, array
    QString customType;   // com.atlassian.jira.plugin.system.customfieldtypes:... for custom fields
    QStringList jqlNames; // clauseNames
};

// One Jira Cloud site on the shared account layer: its projects (the first, id 10000, holds every issue), the issues,
// their fields and custom fields (customfield_NNNNN). Issues and projects are found by id or key.
class JiraSite : public SandboxAccount
{
public:
    JiraSite(const QString &name, quint32 seed);

    // The first project, then issueCount issues in it; more projects come from addProjects.
    void seed(int issueCount, const QDateTime &now) override;

    QString cloudId() const { return m_cloudId; }
    QString siteUrl() const { return QStringLiteral("https://%1.atlassian.net").arg(name()); }
    QString projectKey() const { return m_projectKey; }
    QString webhookSecret() const override { return m_webhookSecret; }
    RecordTable &issues() { return *table(QStringLiteral("issues")); }
    const RecordTable &issues() const { return *table(QStringLiteral("issues")); }
    const RecordTable &projects() const { return *table(QStringLiteral("projects")); }
    const QList<JiraField> &fields() const { return m_fields; }
    const JiraField *field(const QString &idOrName) const;

    // Creates an issue from POST /issue "fields"; on failure fills errors as Jira's {field: message}.
    QString createIssue(const QJsonObject &fields, const QDateTime &now, QJsonObject *errors);
    enum class UpdateResult { Updated, NotFound, Invalid };
    // Applies PUT /issue/{idOrKey} "fields" (only the fields sent change); errors as createIssue's.
    UpdateResult updateIssue(const QString &idOrKey, const QJsonObject &fields, const QDateTime &now,
                             QJsonObject *errors);
    const SandboxRecord *issue(const QString &idOrKey) const;
    // Adds count projects without issues (keys P001, P002, ...); returns their ids.
    QStringList addProjects(int count, const QDateTime &now);
    const SandboxRecord *project(const QString &idOrKey) const;
    // An issue by id or key; a project goes to the trash (project searches no longer list it), except the first.
    bool remove(const QString &object, const QString &idOrKey, const QDateTime &now) override;

    // wanted: field ids, "*all" or "*navigable"; none gives only id, key and self, as search/jql does.
    QJsonObject issueJson(const SandboxRecord &issue, const QStringList &wanted, const QString &apiBase) const;
    QJsonArray fieldsJson() const;
    QJsonObject projectJson(const SandboxRecord &project, const QString &apiBase) const;

protected:
    SandboxRecord newRecord(const QString &object, RecordTable &table, const QDateTime &created,
                            const QDateTime &updated) override;
    // Issues only: customfield_NNNNN, numbered from 10020.
    QString customFieldName(const QString &object, const QString &label) const override;
    void customFieldAdded(const QString &object, const CustomFieldDefinition &field) override;
    // An issue changes its status.
    void touchRecord(const QString &object, SandboxRecord &record, RecordGenerator &generator) override;

private:
    // Validates fields as Jira's create (creating) or edit screen does; fills errors as {field: message}.
    bool checkFields(const QJsonObject &fields, bool creating, QJsonObject *errors) const;
    void applyFields(SandboxRecord &issue, const QJsonObject &fields) const;

    QString m_cloudId;
    QString m_projectKey;
    QString m_webhookSecret;
    QList<JiraField> m_fields;
};

} // namespace patchbay::sandbox

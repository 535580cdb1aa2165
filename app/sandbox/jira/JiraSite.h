#pragma once

#include "common/RecordTable.h"

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

// One Jira Cloud site: its projects (the first, id 10000, holds every issue), the issues, their fields and custom
// fields (customfield_NNNNN).
class JiraSite
{
public:
    JiraSite(const QString &name, quint32 seed);

    void seed(int issueCount, const QDateTime &now);

    QString name() const { return m_name; }
    QString cloudId() const { return m_cloudId; }
    QString siteUrl() const { return QStringLiteral("https://%1.atlassian.net").arg(m_name); }
    QString projectKey() const { return m_projectKey; }
    QString webhookSecret() const { return m_webhookSecret; }
    RecordTable &issues() { return m_issues; }
    const RecordTable &issues() const { return m_issues; }
    const RecordTable &projects() const { return m_projects; }
    const QList<JiraField> &fields() const { return m_fields; }
    const JiraField *field(const QString &idOrName) const;

    // kind names a Jira custom field type: text, number, select, date, datetime. Returns the new field id.
    QString addCustomField(const QString &name, FieldKind kind);
    // Creates an issue from POST /issue "fields"; on failure fills errors as Jira's {field: message}.
    QString createIssue(const QJsonObject &fields, const QDateTime &now, QJsonObject *errors);
    enum class UpdateResult { Updated, NotFound, Invalid };
    // Applies PUT /issue/{idOrKey} "fields" (only the fields sent change); errors as createIssue's.
    UpdateResult updateIssue(const QString &idOrKey, const QJsonObject &fields, const QDateTime &now,
                             QJsonObject *errors);
    QStringList touch(int count, const QDateTime &now);
    const SandboxRecord *issue(const QString &idOrKey) const;
    // Adds count projects without issues (keys P001, P002, ...); returns their ids.
    QStringList addProjects(int count, const QDateTime &now);
    const SandboxRecord *project(const QString &idOrKey) const;
    // Moves a project to the trash: project searches no longer list it. The site's first project stays.
    bool removeProject(const QString &idOrKey, const QDateTime &now);

    // wanted: field ids, "*all" or "*navigable"; none gives only id, key and self, as search/jql does.
    QJsonObject issueJson(const SandboxRecord &issue, const QStringList &wanted, const QString &apiBase) const;
    QJsonArray fieldsJson() const;
    QJsonObject projectJson(const SandboxRecord &project, const QString &apiBase) const;

private:
    // Validates fields as Jira's create (creating) or edit screen does; fills errors as {field: message}.
    bool checkFields(const QJsonObject &fields, bool creating, QJsonObject *errors) const;
    void applyFields(SandboxRecord &issue, const QJsonObject &fields) const;

    QString m_name;
    QString m_cloudId;
    QString m_projectKey;
    QString m_webhookSecret;
    RecordTable m_issues;
    RecordTable m_projects;
    QList<JiraField> m_fields;
    int m_nextCustomFieldId = 10020;
};

} // namespace patchbay::sandbox

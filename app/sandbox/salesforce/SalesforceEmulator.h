#pragma once

#include "SalesforceOrg.h"
#include "SalesforceRestApi.h"
#include "common/SandboxEmulator.h"
#include "common/SandboxTenants.h"

#include <QHash>

#include <map>
#include <memory>
#include <optional>

// A Salesforce emulator written from Salesforce's public documentation, independently of our provider definition.
//
// Confirmed in the documentation (developer.salesforce.com REST API Developer Guide, help.salesforce.com):
// - Token response (web server and refresh token flows): access_token, instance_url, id
//   (https://login.salesforce.com/id/{orgId}/{userId}), token_type, issued_at (milliseconds, as a string),
//   signature (base64 HMAC-SHA256 of id + issued_at keyed with the consumer secret), scope; no expires_in, the
//   session lifetime is the org's session timeout (two hours by default). A refresh answers without a refresh
//   token unless refresh-token rotation is enabled on the connected app, which then retires the old one.
// - Query: GET /services/data/vXX.X/query?q=SOQL -> {totalSize, done, records[{attributes{type, url}, ...}],
//   nextRecordsUrl}; up to 2,000 records per batch; Sforce-Query-Options: batchSize=N, default 2,000, minimum
//   200, maximum 2,000, a hint only; follow nextRecordsUrl as is; queryAll also returns deleted rows (IsDeleted).
// - Errors are a JSON array [{message, errorCode[, fields]}]; 401 INVALID_SESSION_ID for an expired or invalid
//   session ("Session expired or invalid"); 403 REQUEST_LIMIT_EXCEEDED when the org's API limit is exceeded.
// - POST /composite/sobjects: up to 200 records, each with attributes.type, allOrNone false by default; a well
//   formed request answers 200 with one SaveResult {id, success, errors[{statusCode, message, fields}]} per record
//   in request order; a malformed one answers 400.
// - describe: fields[{name, label, type, custom, nillable, ...}]; custom fields and objects end in __c.
// Where the documentation is silent or the emulator simplifies:
// - Sforce-Limit-Info: api-usage=N/LIMIT is sent on every API response; the limit (15,000, a Developer Edition
//   figure) and counting per org since start rather than over 24 hours are the emulator's choice.
// - REQUEST_LIMIT_EXCEEDED carries no Retry-After (none is documented); failNextRequests' retryAfterSeconds is
//   ignored.
// - The rolled-back SaveResult of allOrNone and the invalid_grant wording ("expired access/refresh token") follow
//   commonly quoted Salesforce answers, not a reference page. SOQL is the subset SoqlQuery documents; ids are
//   18-character ids with the documented case-safe suffix; API version v59.0 only.
namespace patchbay::sandbox {

class OAuthTokenEndpoint;

// clientId is the connected app's consumer key; expiresIn is not sent by Salesforce and only informative here.
struct SalesforceOrgCredentials : OAuthCredentials
{
    QString orgName;
    QString orgId;
    QString instanceUrl; // every API call goes here; the emulator's base URL
    QString identityUrl; // the token response's "id"
};

// Salesforce orgs on one loopback port: OAuth at /services/oauth2/token and /services/oauth2/authorize, the REST
// API of SalesforceRestApi at /services/data/v59.0, an org told by its access token, and the control API under
// /_sandbox/ (tenants are "orgs"; records are deleted with DELETE /_sandbox/orgs/{org}/{Object}/{id}).
class SalesforceEmulator : public SandboxEmulator
{
    Q_OBJECT
public:
    static constexpr int kDailyApiLimit = 15000;

    explicit SalesforceEmulator(QObject *parent = nullptr);
    ~SalesforceEmulator() override;

    // Seeds contactCount Contacts (and an Account per five) and issues a first token pair; replaces an org of the
    // same name.
    SalesforceOrgCredentials addOrg(const QString &orgName, int contactCount, quint32 seed);
    QStringList tenantNames() const override { return m_orgs.names(); }
    std::optional<SalesforceOrgCredentials> credentials(const QString &orgName) const;
    const SalesforceOrg *org(const QString &orgName) const;

    // name must end in __c; type is string, double, boolean, picklist, date or datetime.
    bool addCustomField(const QString &orgName, const QString &objectName, const QString &name, const QString &label,
                        const QString &type);
    // A custom object (name ends in __c) with recordCount seeded records.
    bool addCustomObject(const QString &orgName, const QString &objectName, const QString &label, int recordCount);
    QStringList touchRecords(const QString &orgName, const QString &objectName, int count);
    // Moves the record to the recycle bin: gone from query, IsDeleted in queryAll.
    bool deleteRecord(const QString &orgName, const QString &objectName, const QString &id);
    // Refresh-token rotation of the connected app (off by default, as in Salesforce).
    void setRefreshTokenRotation(bool enabled);
    int apiUsage(const QString &orgName) const { return m_apiUsage.value(orgName); }

protected:
    HttpServerResponse route(const HttpServerRequest &request, const QDateTime &now, QString *orgName) override;
    HttpServerResponse rateLimitedResponse(int retryAfterSeconds, const QJsonObject &options) const override;

    QString tenantCollection() const override { return QStringLiteral("orgs"); }
    QJsonObject tenantJson(const QString &orgName) const override;
    QString addTenantFromControl(const QJsonObject &body) override;
    QStringList touchFromControl(const QString &orgName, const QJsonObject &body) override;
    bool addCustomFieldFromControl(const QString &orgName, const QJsonObject &body) override;
    bool deleteFromControl(const QString &orgName, const QString &object, const QString &id) override;

private:
    HttpServerResponse handleApi(const HttpServerRequest &request, const QDateTime &now, QString *orgName);
    SalesforceOrg *findOrg(const QString &orgName) const { return m_orgs.find(orgName); }
    QString identityUrl(const QString &orgName) const;

    std::unique_ptr<OAuthTokenEndpoint> m_oauth;
    SalesforceRestApi m_api;
    SandboxTenants<SalesforceOrg> m_orgs;
    QHash<QString, int> m_apiUsage;
    int m_nextOrgNumber = 1;
};

} // namespace patchbay::sandbox

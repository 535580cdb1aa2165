#pragma once

#include "SandboxAccount.h"
#include "SandboxEmulator.h"
#include "SandboxTenants.h"

#include <functional>
#include <memory>
#include <optional>

namespace patchbay::sandbox {

// What a test or demo needs to reach one tenant of an AccountEmulator.
struct SandboxAccountCredentials : OAuthCredentials
{
    QString tenant;
    QString url; // the tenant's API origin through the emulator (with its path prefix, where it has one)
    QString apiKey;
    QString webhookSecret;
};

// An emulator whose tenants are SandboxAccounts: it serves the control API's tenant calls (seed, touch, delete,
// custom fields, webhooks) for every such provider, and offers the routing and admission steps they share.
class AccountEmulator : public SandboxEmulator
{
    Q_OBJECT
public:
    ~AccountEmulator() override;

    SandboxAccountCredentials addAccount(const QString &tenant, int recordCount, quint32 seed);
    std::optional<SandboxAccountCredentials> credentials(const QString &tenant) const;
    QStringList tenantNames() const override { return m_accounts.names(); }
    const SandboxAccount *account(const QString &tenant) const { return m_accounts.find(tenant); }
    // The tenant's API origin; baseUrl() unless the provider tells tenants apart by a path prefix.
    virtual QString tenantUrl(const QString &tenant) const;

    // Returns the provider's name of the new field, or empty for an unknown tenant or object or a taken name.
    QString addCustomField(const QString &tenant, const QString &object, const QString &label, FieldKind kind);
    QStringList touchRecords(const QString &tenant, const QString &object, int count);
    bool deleteRecord(const QString &tenant, const QString &object, const QString &id);
    // POSTs the provider's signed (or otherwise authenticated) event about one record to url.
    virtual bool sendWebhook(const QString &tenant, const QUrl &url, const QString &object, const QString &id) = 0;

protected:
    explicit AccountEmulator(QObject *parent = nullptr);

    virtual std::unique_ptr<SandboxAccount> createAccount(const QString &tenant, quint32 seed) const = 0;
    SandboxAccount *findAccount(const QString &tenant) const { return m_accounts.find(tenant); }
    // The first tenant for which matches is true, or nullptr.
    SandboxAccount *findAccountWhere(const std::function<bool(const SandboxAccount &)> &matches) const;
    // Provider-specific entries of the tenant summary.
    virtual void decorateTenantJson(const QString &tenant, QJsonObject &json) const;

    struct TenantRoute
    {
        QString tenant;  // empty when neither the host nor the path names one
        QString path;    // the request path without the tenant prefix
        QString apiBase; // what links in responses start with
    };
    // A tenant named by the Host header ({name}{hostSuffix}, or {name}.localhost) or by the path prefix
    // /{prefix}/{name}, as Zendesk subdomains and ServiceNow instances are reached.
    TenantRoute routeByHostOrPrefix(const HttpServerRequest &request, const QString &hostSuffix,
                                    const QString &prefix) const;
    // The tenant of a valid bearer access token, or empty.
    QString tenantOfBearer(const HttpServerRequest &request, const QDateTime &now) const;
    // The steps every API call takes in order: it is counted, refused when not authenticated, then answered with
    // an injected failure when one is due. Returns the answer that ends the call, or nothing to go on.
    std::optional<HttpServerResponse> admit(bool authenticated, const std::function<HttpServerResponse()> &refusal);

    // Type words of every provider (number, checkbox, picklist, single_select, glide_date_time, ...) as kinds.
    static FieldKind kindFromType(const QString &type);

    QJsonObject tenantJson(const QString &tenant) const override;
    QString addTenantFromControl(const QJsonObject &body) override;
    QStringList touchFromControl(const QString &tenant, const QJsonObject &body) override;
    bool addCustomFieldFromControl(const QString &tenant, const QJsonObject &body) override;
    bool deleteFromControl(const QString &tenant, const QString &object, const QString &id) override;
    bool sendWebhookFromControl(const QString &tenant, const QJsonObject &body) override;

private:
    SandboxTenants<SandboxAccount> m_accounts;
};

} // namespace patchbay::sandbox

#include "ProviderCases.h"

#include "ProviderReadFixture.h"
#include "github/GitHubEmulator.h"
#include "github/GitHubOwner.h"
#include "graph/GraphMailbox.h"
#include "graph/MicrosoftGraphEmulator.h"
#include "greenhouse/GreenhouseEmulator.h"
#include "jira/JiraEmulator.h"
#include "pipedrive/PipedriveEmulator.h"
#include "servicenow/ServiceNowEmulator.h"
#include "square/SquareEmulator.h"
#include "zendesk/ZendeskEmulator.h"

namespace patchbay::test {

using namespace patchbay::sandbox;

namespace {

template <typename Emulator> std::function<std::unique_ptr<AccountEmulator>()> emulatorOf()
{
    return [] { return std::make_unique<Emulator>(); };
}

QString emulatorOrigin(const AccountEmulator &emulator)
{
    return emulator.baseUrl().toString(QUrl::StripTrailingSlash);
}

QList<ProviderCase> makeCases()
{
    QList<ProviderCase> cases;

    ProviderCase github;
    github.provider = QStringLiteral("github");
    github.createEmulator = emulatorOf<GitHubEmulator>();
    github.config = [](const AccountEmulator &emulator, const SandboxAccountCredentials &owner) {
        return QJsonObject{{QStringLiteral("originOverrides"),
                            QJsonObject{{QStringLiteral("https://api.github.com"), emulatorOrigin(emulator)}}},
                           {QStringLiteral("owner"), owner.tenant},
                           {QStringLiteral("repo"), GitHubOwner::repositoryName()}};
    };
    github.object = QStringLiteral("pulls");
    github.records = 60;
    // The primary limit: 403, x-ratelimit-remaining 0, no retry-after; the wait is until x-ratelimit-reset.
    github.throttledStatus = 403;
    github.retryAfterSeconds = 30;
    github.minWaitMs = 28001;
    github.maxWaitMs = 30000;
    github.refusedSecret = QStringLiteral("ghp_not_a_token");
    github.refusalWords = QStringLiteral("Bad credentials");
    cases.append(github);

    ProviderCase graph;
    graph.provider = QStringLiteral("graph");
    graph.createEmulator = emulatorOf<MicrosoftGraphEmulator>();
    graph.config = [](const AccountEmulator &emulator, const SandboxAccountCredentials &mailbox) {
        const QString origin = emulatorOrigin(emulator);
        return QJsonObject{{QStringLiteral("originOverrides"),
                            QJsonObject{{QStringLiteral("https://login.microsoftonline.com"), origin},
                                        {QStringLiteral("https://graph.microsoft.com"), origin}}},
                           {QStringLiteral("tenant_id"),
                            static_cast<const GraphMailbox *>(emulator.account(mailbox.tenant))->tenantId()}};
    };
    graph.oauth = true;
    graph.object = QStringLiteral("events");
    graph.retryAfterSeconds = 7; // 429 TooManyRequests, Retry-After: 7
    graph.minWaitMs = graph.maxWaitMs = 7000;
    graph.revokedGrantWords = QStringLiteral("invalid_grant");
    cases.append(graph);

    ProviderCase greenhouse;
    greenhouse.provider = QStringLiteral("greenhouse");
    greenhouse.createEmulator = emulatorOf<GreenhouseEmulator>();
    greenhouse.config = [](const AccountEmulator &emulator, const SandboxAccountCredentials &) {
        return QJsonObject{{QStringLiteral("originOverrides"),
                            QJsonObject{{QStringLiteral("https://harvest.greenhouse.io"), emulatorOrigin(emulator)}}}};
    };
    greenhouse.object = QStringLiteral("applications");
    greenhouse.retryAfterSeconds = 3;
    greenhouse.minWaitMs = greenhouse.maxWaitMs = 3000;
    greenhouse.refusedSecret = QStringLiteral("0123456789abcdef0123456789abcdef");
    greenhouse.refusalWords = QStringLiteral("Invalid Basic Auth credentials");
    cases.append(greenhouse);

    ProviderCase jira;
    jira.provider = QStringLiteral("jira");
    jira.createEmulator = emulatorOf<JiraEmulator>();
    jira.config = [](const AccountEmulator &emulator, const SandboxAccountCredentials &site) {
        // The emulator serves both Atlassian hosts. The cloud id is what accessible-resources names after
        // authorisation.
        const QString origin = emulatorOrigin(emulator);
        return QJsonObject{
            {QStringLiteral("originOverrides"), QJsonObject{{QStringLiteral("https://auth.atlassian.com"), origin},
                                                            {QStringLiteral("https://api.atlassian.com"), origin}}},
            {QStringLiteral("cloud_id"), static_cast<const JiraEmulator &>(emulator).site(site.tenant)->cloudId()}};
    };
    jira.oauth = true;
    jira.object = QStringLiteral("issues");
    jira.records = 150;
    jira.retryAfterSeconds = 7; // 429 with Retry-After: 7
    jira.minWaitMs = jira.maxWaitMs = 7000;
    cases.append(jira);

    ProviderCase pipedrive;
    pipedrive.provider = QStringLiteral("pipedrive");
    pipedrive.createEmulator = emulatorOf<PipedriveEmulator>();
    pipedrive.config = [](const AccountEmulator &emulator, const SandboxAccountCredentials &company) {
        // api_domain is what the token response names; its origin is the company's through the emulator.
        const QString apiDomain = QStringLiteral("https://%1.pipedrive.com").arg(company.tenant);
        return QJsonObject{{QStringLiteral("api_domain"), apiDomain},
                           {QStringLiteral("originOverrides"),
                            QJsonObject{{QStringLiteral("https://oauth.pipedrive.com"), emulatorOrigin(emulator)},
                                        {apiDomain, emulator.tenantUrl(company.tenant)}}}};
    };
    pipedrive.oauth = true;
    pipedrive.object = QStringLiteral("persons");
    pipedrive.retryAfterSeconds = 7; // 429, Retry-After: 7 and x-ratelimit-reset: 7
    pipedrive.minWaitMs = pipedrive.maxWaitMs = 7000;
    cases.append(pipedrive);

    ProviderCase servicenow;
    servicenow.provider = QStringLiteral("servicenow");
    servicenow.createEmulator = emulatorOf<ServiceNowEmulator>();
    servicenow.config = [](const AccountEmulator &emulator, const SandboxAccountCredentials &instance) {
        return QJsonObject{{QStringLiteral("originOverrides"),
                            QJsonObject{{QStringLiteral("https://%1.service-now.com").arg(instance.tenant),
                                         emulator.tenantUrl(instance.tenant)}}},
                           {QStringLiteral("instance"), instance.tenant},
                           {QStringLiteral("username"), QStringLiteral("admin")}};
    };
    servicenow.object = QStringLiteral("incidents");
    servicenow.table = QStringLiteral("incident");
    servicenow.retryAfterSeconds = 12;
    servicenow.minWaitMs = servicenow.maxWaitMs = 12000;
    servicenow.refusedSecret = QStringLiteral("wrong-password");
    cases.append(servicenow);

    ProviderCase square;
    square.provider = QStringLiteral("square");
    square.createEmulator = emulatorOf<SquareEmulator>();
    square.config = [](const AccountEmulator &emulator, const SandboxAccountCredentials &) {
        return QJsonObject{{QStringLiteral("originOverrides"),
                            QJsonObject{{QStringLiteral("https://connect.squareup.com"), emulatorOrigin(emulator)}}}};
    };
    square.oauth = true;
    square.object = QStringLiteral("customers");
    // 429 RATE_LIMITED without Retry-After: backoff with full jitter, at most the definition's initial 1 s.
    square.retryAfterSeconds = 5;
    square.minWaitMs = 0;
    square.maxWaitMs = 1000;
    cases.append(square);

    ProviderCase zendesk;
    zendesk.provider = QStringLiteral("zendesk");
    zendesk.createEmulator = emulatorOf<ZendeskEmulator>();
    zendesk.config = [](const AccountEmulator &emulator, const SandboxAccountCredentials &account) {
        return QJsonObject{{QStringLiteral("originOverrides"),
                            QJsonObject{{QStringLiteral("https://%1.zendesk.com").arg(account.tenant),
                                         emulator.tenantUrl(account.tenant)}}},
                           {QStringLiteral("subdomain"), account.tenant},
                           {QStringLiteral("email"),
                            static_cast<const ZendeskEmulator &>(emulator).account(account.tenant)->adminEmail()}};
    };
    zendesk.object = QStringLiteral("tickets");
    zendesk.records = 150; // two pages
    zendesk.retryAfterSeconds = 9;
    zendesk.minWaitMs = zendesk.maxWaitMs = 9000;
    zendesk.refusedSecret = QStringLiteral("not-the-token");
    cases.append(zendesk);

    return cases;
}

} // namespace

const QList<ProviderCase> &providerCases()
{
    static const QList<ProviderCase> cases = makeCases();
    return cases;
}

const ProviderCase &providerCase(const QString &provider)
{
    for (const ProviderCase &row : providerCases()) {
        if (row.provider == provider)
            return row;
    }
    qFatal("no provider case %s", qPrintable(provider));
}

Credential credentialFor(const ProviderCase &row, const SandboxAccountCredentials &tenant, const QDateTime &expiresAt,
                         const QString &secret)
{
    if (row.oauth)
        return ProviderReadFixture::oauth(tenant.clientId, tenant.clientSecret, tenant.accessToken, tenant.refreshToken,
                                          expiresAt);
    return ProviderReadFixture::apiKey(secret.isEmpty() ? tenant.apiKey : secret);
}

QSet<QString> liveIds(const AccountEmulator &emulator, const QString &tenant, const QString &object,
                      qint64 updatedFromMs)
{
    QSet<QString> ids;
    const SandboxAccount *account = emulator.account(tenant);
    const RecordTable *records = account ? account->table(object) : nullptr;
    if (!records)
        return ids;
    for (const SandboxRecord &record : records->records()) {
        if (!record.deleted && record.updatedAt.toMSecsSinceEpoch() >= updatedFromMs)
            ids.insert(record.id);
    }
    return ids;
}

} // namespace patchbay::test

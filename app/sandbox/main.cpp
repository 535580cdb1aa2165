#include "github/GitHubEmulator.h"
#include "graph/MicrosoftGraphEmulator.h"
#include "greenhouse/GreenhouseEmulator.h"
#include "hubspot/HubSpotEmulator.h"
#include "jira/JiraEmulator.h"
#include "pipedrive/PipedriveEmulator.h"
#include "salesforce/SalesforceEmulator.h"
#include "servicenow/ServiceNowEmulator.h"
#include "square/SquareEmulator.h"
#include "stripe/StripeEmulator.h"
#include "zendesk/ZendeskEmulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QTextStream>

#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include <unistd.h>

using namespace patchbay::sandbox;

namespace {

// The order gives the ports: --port for the first, the next ones after it.
struct Provider
{
    QString name;
    QString tenantPrefix; // Zendesk, ServiceNow and Pipedrive tenants are host names, so no dashes there
    std::function<std::unique_ptr<SandboxEmulator>()> create;
};

template <typename Emulator> std::function<std::unique_ptr<SandboxEmulator>()> factory()
{
    return [] { return std::make_unique<Emulator>(); };
}

const std::vector<Provider> &providers()
{
    static const std::vector<Provider> all = {
        {QStringLiteral("hubspot"), QStringLiteral("portal-"), factory<HubSpotEmulator>()},
        {QStringLiteral("salesforce"), QStringLiteral("org-"), factory<SalesforceEmulator>()},
        {QStringLiteral("jira"), QStringLiteral("site"), factory<JiraEmulator>()},
        {QStringLiteral("zendesk"), QStringLiteral("acme"), factory<ZendeskEmulator>()},
        {QStringLiteral("servicenow"), QStringLiteral("acme"), factory<ServiceNowEmulator>()},
        {QStringLiteral("graph"), QStringLiteral("contoso"), factory<MicrosoftGraphEmulator>()},
        {QStringLiteral("greenhouse"), QStringLiteral("company"), factory<GreenhouseEmulator>()},
        {QStringLiteral("pipedrive"), QStringLiteral("acme"), factory<PipedriveEmulator>()},
        {QStringLiteral("github"), QStringLiteral("org"), factory<GitHubEmulator>()},
        {QStringLiteral("square"), QStringLiteral("cafe"), factory<SquareEmulator>()},
        {QStringLiteral("stripe"), QStringLiteral("shop"), factory<StripeEmulator>()}};
    return all;
}

QStringList providerNames()
{
    QStringList names;
    for (const Provider &entry : providers())
        names.append(entry.name);
    return names;
}

int numberOption(const QCommandLineParser &parser, const QString &name, int minimum, int maximum)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < minimum || value > maximum) {
        QTextStream(stderr) << "patchbay-sandbox: --" << name << " must be a number from " << minimum << " to "
                            << maximum << "\n";
        std::exit(2);
    }
    return value;
}

// Under --supervised the sandbox lives as long as the program that started it: that program holds the other end
// of stdin, and its end closes when it stops the sandbox or dies, however it dies.
void quitWhenStdinCloses(QCoreApplication &app)
{
    auto *notifier = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier] {
        char buffer[512];
        if (::read(STDIN_FILENO, buffer, sizeof buffer) <= 0) {
            notifier->setEnabled(false);
            QCoreApplication::quit();
        }
    });
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("patchbay-sandbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATCHBAY_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs provider emulators on 127.0.0.1 for demos and tests, written from each provider's documentation:\n"
        "  hubspot     OAuth (/oauth/v1/token, /oauth/authorize), CRM v3 contacts (read, create, update, batch),\n"
        "              companies (read), search and properties; signed v3 webhooks\n"
        "  salesforce  OAuth (/services/oauth2/token), /services/data/v59.0 query, queryAll, describe, composite\n"
        "  jira        OAuth (/oauth/token, rotating), accessible-resources, /ex/jira/{cloudid}/rest/api/3 "
        "search/jql,\n"
        "              field, issue, project/search (startAt, total, isLast)\n"
        "  zendesk     OAuth (/oauth/tokens) or API token, /api/v2 tickets and users (cursor pages), incremental\n"
        "              exports, ticket_fields; subdomain by Host ({name}.zendesk.com) or path prefix /_subdomain/{name}\n"
        "  servicenow  basic auth or OAuth (/oauth_token.do), Table API /api/now/table/{incident,sys_user} (Link,\n"
        "              X-Total-Count), sys_dictionary; instance by Host ({name}.service-now.com) or path prefix\n"
        "              /_instance/{name}\n"
        "  graph       OAuth (/{tenant}/oauth2/v2.0/token), /v1.0/me/messages, events, delta queries, subscriptions\n"
        "              with the validationToken handshake, schemaExtensions\n"
        "  greenhouse  Harvest v1 with the API key as basic-auth user: candidates, applications, custom_fields\n"
        "  pipedrive   OAuth (/oauth/token, api_domain) or API token, /v1 persons, deals, recents, personFields;\n"
        "              company by Host ({name}.pipedrive.com) or path prefix /_company/{name}\n"
        "  github      OAuth (/login/oauth/access_token) or token, /repos/{owner}/widgets issues and pulls,\n"
        "              org custom properties; signed webhooks\n"
        "  square      OAuth (/oauth2/token, expires_at), /v2/customers, search, custom-attribute-definitions,\n"
        "              /v2/payments\n"
        "  stripe      secret key (sk_test_), /v1 customers (list, create, update, delete), invoices, events;\n"
        "              Stripe-Signature webhooks\n"
        "Each emulator listens on its own port: --port for the first, the next ones after it, in the order above\n"
        "(with --port 0 each gets any free port). Each tenant gets its own client id/secret and token pair; API calls\n"
        "pick the tenant by their access token (Stripe: by its secret key). Control endpoints under /_sandbox/\n"
        "expire or revoke tokens, touch or delete records, add custom fields, inject 429s, send signed webhooks and\n"
        "show the request log. All secrets are fake. Stop with Ctrl-C."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption providerOption(QStringLiteral("provider"),
                                            QStringLiteral("One of ") + providerNames().join(QStringLiteral(", ")) +
                                                QStringLiteral(", several separated by commas, or all."),
                                            QStringLiteral("NAME"), QStringLiteral("all"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port of the first emulator (0: any free port)."),
                                        QStringLiteral("N"), QStringLiteral("8787"));
    const QCommandLineOption recordsOption(
        {QStringLiteral("records"), QStringLiteral("contacts")},
        QStringLiteral("Records seeded per tenant and object (contacts, issues, tickets, ...)."), QStringLiteral("N"),
        QStringLiteral("2500"));
    const QCommandLineOption tenantsOption({QStringLiteral("tenants"), QStringLiteral("portals")},
                                           QStringLiteral("Tenants per provider (0: none; add them through the "
                                                          "control API)."),
                                           QStringLiteral("N"),
                                           QStringLiteral("2"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Seed of the first tenant's data; tenant k uses seed+k-1."),
                                        QStringLiteral("N"), QStringLiteral("1"));
    const QCommandLineOption supervisedOption(
        QStringLiteral("supervised"),
        QStringLiteral("For a program that starts the sandbox (the console's --demo): print only one JSON line on "
                       "stdout once every emulator listens, {\"sandbox\": \"ready\", \"emulators\": {name: url}}, "
                       "and exit when stdin closes."));
    parser.addOptions({providerOption, portOption, recordsOption, tenantsOption, seedOption, supervisedOption});
    parser.process(app);

    const QString provider = parser.value(providerOption).toLower();
    const QStringList wantedProviders =
        provider == QLatin1String("all") ? providerNames() : provider.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &name : wantedProviders) {
        if (!providerNames().contains(name)) {
            QTextStream(stderr) << "patchbay-sandbox: --provider must be one of "
                                << providerNames().join(QStringLiteral(", ")) << ", all\n";
            return 2;
        }
    }
    const bool supervised = parser.isSet(supervisedOption);
    const int lastPortOffset = static_cast<int>(providers().size()) - 1;
    const int port = numberOption(parser, portOption.names().first(), 0, 65535 - lastPortOffset);
    const int records = numberOption(parser, recordsOption.names().first(), 0, 1'000'000);
    const int tenants = numberOption(parser, tenantsOption.names().first(), 0, 1000);
    const int seed = numberOption(parser, seedOption.names().first(), 0, 1'000'000'000);

    // Supervised, stdout carries the ready line alone; what people read goes to stderr.
    QTextStream out(supervised ? stderr : stdout);
    QJsonObject urls;
    std::vector<std::unique_ptr<SandboxEmulator>> emulators;
    for (size_t i = 0; i < providers().size(); ++i) {
        const Provider &entry = providers().at(i);
        const QString &name = entry.name;
        if (!wantedProviders.contains(name))
            continue;
        const quint16 wanted = port == 0 ? 0 : static_cast<quint16>(port + static_cast<int>(i));
        std::unique_ptr<SandboxEmulator> emulator = entry.create();
        if (emulator->listen(QHostAddress::LocalHost, wanted) == 0) {
            QTextStream(stderr) << "patchbay-sandbox: cannot listen on 127.0.0.1:" << wanted << " for " << name << "\n";
            return 1;
        }
        const QString baseUrl = emulator->baseUrl().toString(QUrl::StripTrailingSlash);
        urls.insert(name, baseUrl);
        out << name << " on " << baseUrl << " (control " << baseUrl << "/_sandbox/)\n";
        for (int k = 1; k <= tenants; ++k) {
            const QJsonObject summary = emulator->addTenant(entry.tenantPrefix + QString::number(k), records,
                                                            static_cast<quint32>(seed + k - 1));
            out << "  " << summary.value(QStringLiteral("name")).toString();
            for (auto it = summary.begin(); it != summary.end(); ++it) {
                if (it.key() != QLatin1String("name") && (it.value().isString() || it.value().isDouble()))
                    out << "  " << it.key() << '=' << it.value().toVariant().toString();
            }
            out << "\n";
        }
        emulators.push_back(std::move(emulator));
    }
    if (supervised) {
        quitWhenStdinCloses(app);
        QTextStream(stdout) << QJsonDocument(QJsonObject{{QStringLiteral("sandbox"), QStringLiteral("ready")},
                                                         {QStringLiteral("emulators"), urls}})
                                   .toJson(QJsonDocument::Compact)
                            << "\n";
    } else {
        out << "Ctrl-C stops\n";
    }
    out.flush();
    return QCoreApplication::exec();
}

#include "hubspot/HubSpotEmulator.h"
#include "jira/JiraEmulator.h"
#include "salesforce/SalesforceEmulator.h"
#include "zendesk/ZendeskEmulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>
#include <memory>
#include <vector>

using namespace patchbay::sandbox;

namespace {

const QStringList kProviders = {QStringLiteral("hubspot"), QStringLiteral("salesforce"), QStringLiteral("jira"),
                                QStringLiteral("zendesk")};

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

std::unique_ptr<SandboxEmulator> createEmulator(const QString &provider)
{
    if (provider == QLatin1String("salesforce"))
        return std::make_unique<SalesforceEmulator>();
    if (provider == QLatin1String("jira"))
        return std::make_unique<JiraEmulator>();
    if (provider == QLatin1String("zendesk"))
        return std::make_unique<ZendeskEmulator>();
    return std::make_unique<HubSpotEmulator>();
}

QString tenantPrefix(const QString &provider)
{
    if (provider == QLatin1String("salesforce"))
        return QStringLiteral("org-");
    if (provider == QLatin1String("jira"))
        return QStringLiteral("site");
    if (provider == QLatin1String("zendesk"))
        return QStringLiteral("acme");
    return QStringLiteral("portal-");
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
        "  hubspot     OAuth (/oauth/v1/token, /oauth/authorize), CRM v3 contacts, search and properties\n"
        "  salesforce  OAuth (/services/oauth2/token), /services/data/v59.0 query, queryAll, describe, composite\n"
        "  jira        OAuth (/oauth/token, rotating), accessible-resources, /ex/jira/{cloudid}/rest/api/3 "
        "search/jql,\n"
        "              field, issue\n"
        "  zendesk     OAuth (/oauth/tokens) or API token, /api/v2 tickets (cursor pages), incremental export,\n"
        "              ticket_fields; subdomain by Host ({name}.zendesk.com) or path prefix /_subdomain/{name}\n"
        "Each emulator listens on its own port: --port for the first, the next ones after it, in the order above\n"
        "(with --port 0 each gets any free port). Each tenant gets its own client id/secret and token pair; API calls\n"
        "pick the tenant by their access token. Control endpoints under /_sandbox/ expire or revoke tokens, touch or\n"
        "delete records, add custom fields, inject 429s, send signed webhooks and show the request log. All secrets\n"
        "are fake. Stop with Ctrl-C."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption providerOption(QStringLiteral("provider"),
                                            QStringLiteral("hubspot, salesforce, jira, zendesk or all."),
                                            QStringLiteral("NAME"), QStringLiteral("all"));
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port of the first emulator (0: any free port)."),
                                        QStringLiteral("N"), QStringLiteral("8787"));
    const QCommandLineOption recordsOption({QStringLiteral("records"), QStringLiteral("contacts")},
                                           QStringLiteral("Records seeded per tenant (contacts, issues, tickets)."),
                                           QStringLiteral("N"), QStringLiteral("2500"));
    const QCommandLineOption tenantsOption({QStringLiteral("tenants"), QStringLiteral("portals")},
                                           QStringLiteral("Tenants per provider."), QStringLiteral("N"),
                                           QStringLiteral("2"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Seed of the first tenant's data; tenant k uses seed+k-1."),
                                        QStringLiteral("N"), QStringLiteral("1"));
    parser.addOptions({providerOption, portOption, recordsOption, tenantsOption, seedOption});
    parser.process(app);

    const QString provider = parser.value(providerOption).toLower();
    if (provider != QLatin1String("all") && !kProviders.contains(provider)) {
        QTextStream(stderr) << "patchbay-sandbox: --provider must be one of hubspot, salesforce, jira, zendesk, all\n";
        return 2;
    }
    const int port = numberOption(parser, portOption.names().first(), 0, 65535 - 3);
    const int records = numberOption(parser, recordsOption.names().first(), 0, 1'000'000);
    const int tenants = numberOption(parser, tenantsOption.names().first(), 1, 1000);
    const int seed = numberOption(parser, seedOption.names().first(), 0, 1'000'000'000);

    QTextStream out(stdout);
    std::vector<std::unique_ptr<SandboxEmulator>> emulators;
    for (qsizetype i = 0; i < kProviders.size(); ++i) {
        const QString name = kProviders.at(i);
        if (provider != QLatin1String("all") && provider != name)
            continue;
        const quint16 wanted = port == 0 ? 0 : static_cast<quint16>(port + i);
        std::unique_ptr<SandboxEmulator> emulator = createEmulator(name);
        if (emulator->listen(QHostAddress::LocalHost, wanted) == 0) {
            QTextStream(stderr) << "patchbay-sandbox: cannot listen on 127.0.0.1:" << wanted << " for " << name << "\n";
            return 1;
        }
        const QString baseUrl = emulator->baseUrl().toString(QUrl::StripTrailingSlash);
        out << name << " on " << baseUrl << " (control " << baseUrl << "/_sandbox/)\n";
        for (int k = 1; k <= tenants; ++k) {
            const QJsonObject summary = emulator->addTenant(tenantPrefix(name) + QString::number(k), records,
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
    out << "Ctrl-C stops\n";
    out.flush();
    return QCoreApplication::exec();
}

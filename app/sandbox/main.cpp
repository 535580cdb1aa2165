#include "hubspot/HubSpotEmulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

using patchbay::sandbox::HubSpotEmulator;
using patchbay::sandbox::PortalCredentials;

namespace {

int positiveOption(const QCommandLineParser &parser, const QString &name, int minimum, int maximum)
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

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("patchbay-sandbox"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATCHBAY_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Runs a HubSpot emulator on 127.0.0.1 for demos and tests: OAuth (/oauth/v1/token, /oauth/authorize) and the "
        "CRM v3 contacts, search and properties endpoints, with seeded fake contacts per portal. Each portal gets "
        "its own client id/secret and token pair; API calls pick the portal by their access token. Control "
        "endpoints under /_sandbox/ expire or revoke tokens, touch or delete contacts, inject 429s and show the "
        "request log. All secrets are fake. Stop with Ctrl-C."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption portOption(QStringLiteral("port"), QStringLiteral("Port to listen on (0: any free port)."),
                                        QStringLiteral("N"), QStringLiteral("8787"));
    const QCommandLineOption contactsOption(QStringLiteral("contacts"), QStringLiteral("Contacts seeded per portal."),
                                            QStringLiteral("N"), QStringLiteral("2500"));
    const QCommandLineOption portalsOption(QStringLiteral("portals"), QStringLiteral("Number of portals."),
                                           QStringLiteral("N"), QStringLiteral("2"));
    const QCommandLineOption seedOption(QStringLiteral("seed"),
                                        QStringLiteral("Seed of the first portal's data; portal k uses seed+k-1."),
                                        QStringLiteral("N"), QStringLiteral("1"));
    parser.addOptions({portOption, contactsOption, portalsOption, seedOption});
    parser.process(app);

    const int port = positiveOption(parser, portOption.names().first(), 0, 65535);
    const int contacts = positiveOption(parser, contactsOption.names().first(), 0, 1'000'000);
    const int portals = positiveOption(parser, portalsOption.names().first(), 1, 1000);
    const int seed = positiveOption(parser, seedOption.names().first(), 0, 1'000'000'000);

    HubSpotEmulator emulator;
    if (emulator.listen(QHostAddress::LocalHost, static_cast<quint16>(port)) == 0) {
        QTextStream(stderr) << "patchbay-sandbox: cannot listen on 127.0.0.1:" << port << "\n";
        return 1;
    }
    const QString baseUrl = emulator.baseUrl().toString();
    QTextStream out(stdout);
    for (int i = 1; i <= portals; ++i) {
        const PortalCredentials credentials =
            emulator.addPortal(QStringLiteral("portal-%1").arg(i), contacts, static_cast<quint32>(seed + i - 1));
        out << credentials.portalName << "  " << baseUrl << "  hub_id=" << credentials.hubId
            << "  client_id=" << credentials.clientId << "  client_secret=" << credentials.clientSecret
            << "  access_token=" << credentials.accessToken << "  refresh_token=" << credentials.refreshToken
            << "  expires_in=" << credentials.expiresIn << "\n";
    }
    out << "HubSpot sandbox on " << baseUrl << ": " << portals << " portal(s) x " << contacts << " contacts; token "
        << baseUrl << "/oauth/v1/token, control " << baseUrl << "/_sandbox/; Ctrl-C stops\n";
    out.flush();
    return QCoreApplication::exec();
}

#include "LoopbackRedirect.h"

#include "server/HttpService.h"

#include <QUrlQuery>

namespace patchbay {

namespace {

const QString kCallbackPath = QStringLiteral("/oauth/callback");

HttpServerResponse page(const QString &title, const QString &text)
{
    return HttpServerResponse::text(
               QStringLiteral("<!doctype html><html><head><meta charset=\"utf-8\"><title>Patchbay</title></head>"
                              "<body style=\"font-family: sans-serif; margin: 3em\"><h2>%1</h2><p>%2</p></body>"
                              "</html>")
                   .arg(title.toHtmlEscaped(), text.toHtmlEscaped())
                   .toUtf8())
        .withHeader("Content-Type", "text/html; charset=utf-8");
}

} // namespace

LoopbackRedirect::LoopbackRedirect() = default;

LoopbackRedirect::~LoopbackRedirect() = default;

Result<QUrl> LoopbackRedirect::redirectUri()
{
    if (!m_server) {
        m_server = std::make_unique<HttpService>();
        m_server->setHandler([this](const HttpServerRequest &request) {
            const QUrlQuery query = request.query();
            Callback callback;
            callback.state = query.queryItemValue(QStringLiteral("state"));
            callback.code = query.queryItemValue(QStringLiteral("code"), QUrl::FullyDecoded);
            callback.issuer = query.queryItemValue(QStringLiteral("iss"), QUrl::FullyDecoded);
            callback.errorDescription = query.queryItemValue(QStringLiteral("error_description"), QUrl::FullyDecoded);
            const bool known = request.path() == kCallbackPath && m_handler && m_handler(callback);
            if (!known) {
                return page(QStringLiteral("Unknown authorisation"),
                            QStringLiteral("This link does not belong to an authorisation started in this console, "
                                           "or it was used already. Start it again from the console."));
            }
            if (callback.code.isEmpty()) {
                const QString said = callback.errorDescription;
                return page(QStringLiteral("Not authorised"),
                            QStringLiteral("The provider did not authorise the connection%1. Nothing changed.")
                                .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said));
            }
            return page(QStringLiteral("Authorised"),
                        QStringLiteral("Patchbay is finishing the connection. You can close this tab and go back to "
                                       "the console."));
        });
        if (m_server->listen(QHostAddress::LocalHost, 0) == 0) {
            m_server.reset();
            return makeError("auth.no_callback",
                             QStringLiteral("Cannot listen on 127.0.0.1 for the provider's redirect"));
        }
    }
    QUrl redirect = m_server->baseUrl();
    redirect.setPath(kCallbackPath);
    return redirect;
}

} // namespace patchbay

#pragma once

#include "server/HttpService.h"
#include "sync/SyncService.h"

#include <QObject>
#include <QUrl>

namespace patchbay {

// The HTTP face of webhook receipt: providers call /webhooks/{provider} (routed by the account the events name)
// or /webhooks/{provider}/{connectionId}, and SyncService::receiveWebhook verifies and applies what they send before it
// answers. A listener of its own, for the tests of providers' webhooks; patchbayd serves the same paths through its
// ApiRouter (routes/WebhookRoutes.cpp), storing a call before answering and applying it afterwards.
// Providers that sign the URL they called (HubSpot, Square) need the public URL: behind a proxy, set it.
class WebhookEndpoint : public QObject
{
    Q_OBJECT
public:
    explicit WebhookEndpoint(SyncService &sync, QObject *parent = nullptr);
    ~WebhookEndpoint() override;

    quint16 listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    // The largest webhook body accepted (default HttpService::kDefaultMaxBodyBytes); larger calls get 413 before
    // they are read. Set before listen().
    void setMaxBodyBytes(qint64 bytes) { m_http.setMaxBodyBytes(bytes); }
    // The URL providers reach this endpoint at (default: the listening address).
    void setPublicBaseUrl(const QUrl &url) { m_publicBaseUrl = url; }
    QUrl urlFor(const QString &provider, qint64 connectionId = 0) const;

    HttpServerResponse handle(const HttpServerRequest &request);

    // The URL a provider called, as it sees it: requestUrl's path and query on publicBase (whose path, a proxy's
    // prefix, stays in front). Some providers sign it.
    static QUrl calledUrl(const QUrl &publicBase, const QUrl &requestUrl);

Q_SIGNALS:
    void webhookHandled(const QString &provider, const patchbay::WebhookOutcome &outcome);

private:
    QUrl publicBase() const;

    SyncService &m_sync;
    HttpService m_http;
    QUrl m_publicBaseUrl;
};

} // namespace patchbay

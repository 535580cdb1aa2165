#pragma once

#include "GraphMailbox.h"
#include "common/WebhookSender.h"
#include "server/HttpService.h"

#include <QDateTime>
#include <QList>
#include <QNetworkAccessManager>
#include <QUrl>

namespace patchbay::sandbox {

// Change notification subscriptions of every mailbox: POST /v1.0/subscriptions validates the notification URL
// (POST {url}?validationToken=T must answer 200 with T as text/plain within 10 seconds) before it answers 201;
// notifications then carry the subscription's clientState.
class GraphSubscriptions
{
public:
    static constexpr int kValidationTimeoutMs = 10'000;
    static constexpr int kMaxLifetimeMinutes = 10080; // Outlook messages and events: under 7 days

    struct Subscription
    {
        QString id;
        QString tenant;
        QString object; // messages or events
        QString resource;
        QString changeType;
        QUrl notificationUrl;
        QString clientState;
        QDateTime expiration;
    };

    // The answer to POST /v1.0/subscriptions; the handshake runs before it returns.
    HttpServerResponse create(const GraphMailbox &mailbox, const QByteArray &body, const QString &applicationId,
                              const QString &apiBase, const QDateTime &now);
    // The change notifications about record for every live subscription of the mailbox on object that asked for
    // its change type (updated, or deleted once the record is gone), only those whose URL is url when url is valid.
    // Each carries a notification id of its own.
    QList<WebhookDelivery> notifications(const GraphMailbox &mailbox, const QString &object,
                                         const SandboxRecord &record, const QUrl &url, const QDateTime &now) const;
    QList<Subscription> subscriptions(const QString &tenant) const;

private:
    // True when the endpoint echoed token in time.
    bool validate(const QUrl &notificationUrl, const QString &token);

    QNetworkAccessManager m_network;
    QList<Subscription> m_subscriptions;
};

} // namespace patchbay::sandbox

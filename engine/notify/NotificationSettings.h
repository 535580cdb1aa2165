#pragma once

#include "core/SecretBytes.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace patchbay {

// One of the product's endpoints that patchbayd sends signed notifications to (the `notifications.endpoints` map
// of patchbayd's YAML file).
struct NotificationEndpoint
{
    QString name;       // the map's key: names the endpoint in the delivery log and the API
    QUrl url;           // http:// or https://
    SecretBytes secret; // signs every notification (Patchbay-Signature); from secretFile or secretEnv, never logged
    QStringList events; // the event types it receives; empty: every type

    bool wants(const QString &type) const { return events.isEmpty() || events.contains(type); }
    // The URL as the delivery log and the API show it: without user info or query, where a token may hide.
    QString displayUrl() const
    {
        return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
    }
};

// How patchbayd notifies the product (the `notifications:` section of its YAML file). Without endpoints it sends
// nothing (and keeps no delivery log).
struct NotificationSettings
{
    QList<NotificationEndpoint> endpoints;
    // How often the notifier looks for events; record changes of one connection and object within one such window
    // become one records.changed event.
    int batchSeconds = 5;
    int maxAttempts = 8;       // a delivery that failed this many times is given up (state failed)
    int retrySeconds = 10;     // the first retry waits this long; each next one twice as long, up to an hour
    int timeoutSeconds = 10;   // for the endpoint to answer one attempt
    // A connection that has received provider webhooks is reported webhooks.silent when a reconciliation read still
    // finds changes although no webhook arrived for this long.
    int webhookSilenceMinutes = 60;

    bool enabled() const { return !endpoints.isEmpty(); }
};

} // namespace patchbay

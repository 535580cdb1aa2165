#pragma once

#include "core/Result.h"
#include "notify/NotificationSettings.h"

#include <QJsonObject>
#include <QList>

#include <optional>

namespace patchbay {

class Clock;
class Store;

// Finds the events the product is told about in what the store already records, so that every process writing to
// the database (a scheduler's workers, a webhook, the console, the API) is covered and no provider-specific code is
// needed:
// - connection.created: a connection the notifier has not told about before, once it is active (one a connect
//   session made waits for its customer's first authorisation);
// - connection.needs_reauth / connection.recovered: its status moved to needs_reauth / from anything but active or
//   paused back to active;
// - sync.failed: a read or backfill execution finished failed;
// - records.changed: the record change log since the last scan, one event per connection and object with the counts
//   and the feed cursor to read them from (so changes within one scan interval are batched);
// - mapping.changed: a mapping override version saved;
// - webhooks.silent: a read found changes for a connection that receives provider webhooks, none of which arrived
//   within webhookSilenceMinutes (told once until a webhook arrives again).
// The first scan of a database only marks where things stand: history is not sent.
class NotificationScanner
{
public:
    NotificationScanner(const NotificationSettings &settings, const Clock &clock);

    // One scan: queues a delivery of each event found to each endpoint that wants it and advances the marks, in one
    // transaction (a scan that fails queues nothing and is done again). Answers how many deliveries it queued.
    Result<int> scan(Store &store);

    // The payload of an event (the body sent): {id, type, createdAt, tenantId, connectionId, data}.
    struct Event
    {
        QString id;
        QString type;
        std::optional<qint64> tenantId;
        std::optional<qint64> connectionId;
        QJsonObject data;
    };

private:
    Result<void> initialize(Store &store);
    Result<void> findConnectionEvents(Store &store, QList<Event> &events);
    Result<void> findFailedSyncs(Store &store, QList<Event> &events);
    Result<void> findRecordChanges(Store &store, QList<Event> &events);
    Result<void> findMappingChanges(Store &store, QList<Event> &events);
    Result<int> queue(Store &store, const QList<Event> &events);

    const NotificationSettings &m_settings;
    const Clock &m_clock;
};

} // namespace patchbay

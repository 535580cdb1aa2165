#include "NotificationScanner.h"

#include "core/Clock.h"
#include "server/RecordFeedJson.h"
#include "store/Store.h"

#include <QHash>
#include <QJsonDocument>
#include <QUrl>
#include <QUuid>

#include <algorithm>

namespace patchbay {

namespace {

const QString kInitialized = QStringLiteral("initialized");
const QString kChangeSequence = QStringLiteral("changes.sequence");
const QString kMappingVersion = QStringLiteral("mappings.id");
const QString kFinishedAt = QStringLiteral("executions.finishedAt");
// The notified status of a connection seen but not announced yet (it has never worked).
const QString kUnannounced = QStringLiteral("unannounced");
// Executions are found by the time they finished; one that commits its finish a little after a scan read past its
// time is still found by the next scan, which looks back this far (events are queued once per endpoint anyway).
constexpr qint64 kFinishOverlapMs = 10000;
constexpr int kMaxPerScan = 1000;

QJsonValue timeJson(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
}

QJsonValue idJson(const std::optional<qint64> &id)
{
    return id ? QJsonValue(*id) : QJsonValue(QJsonValue::Null);
}

bool isRecovery(const QString &from, const QString &to)
{
    return to == ConnectionStatus::Active && from != ConnectionStatus::Active && from != ConnectionStatus::Paused;
}

QByteArray payload(const NotificationScanner::Event &event, const QDateTime &now)
{
    const QJsonObject body{{QStringLiteral("id"), event.id},
                           {QStringLiteral("type"), event.type},
                           {QStringLiteral("createdAt"), timeJson(now)},
                           {QStringLiteral("tenantId"), idJson(event.tenantId)},
                           {QStringLiteral("connectionId"), idJson(event.connectionId)},
                           {QStringLiteral("data"), event.data}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace

NotificationScanner::NotificationScanner(const NotificationSettings &settings, const Clock &clock)
    : m_settings(settings), m_clock(clock)
{
}

Result<int> NotificationScanner::scan(Store &store)
{
    int queued = 0;
    auto scanned = store.inTransaction([&]() -> Result<void> {
        if (!store.notifications().notificationMark(kInitialized))
            return initialize(store);
        QList<Event> events;
        for (auto find : {&NotificationScanner::findConnectionEvents, &NotificationScanner::findFailedSyncs,
                          &NotificationScanner::findRecordChanges, &NotificationScanner::findMappingChanges}) {
            if (auto found = (this->*find)(store, events); !found)
                return found.error();
        }
        auto added = queue(store, events);
        if (!added)
            return added.error();
        queued = added.value();
        return {};
    });
    if (!scanned)
        return scanned.error();
    return queued;
}

Result<void> NotificationScanner::initialize(Store &store)
{
    NotificationStore &notifications = store.notifications();
    auto connections = notifications.watchedConnections();
    if (!connections)
        return connections.error();
    for (const auto &watch : connections.value()) {
        if (auto set = notifications.setNotifiedStatus(watch.connectionId, watch.status); !set)
            return set;
    }
    auto sequence = notifications.lastChangeSequence();
    auto version = notifications.lastMappingVersionId();
    if (!sequence)
        return sequence.error();
    if (!version)
        return version.error();
    for (const auto &[name, value] :
         {std::pair{kChangeSequence, sequence.value()}, std::pair{kMappingVersion, version.value()},
          std::pair{kFinishedAt, m_clock.now().toMSecsSinceEpoch()}, std::pair{kInitialized, qint64(1)}}) {
        if (auto set = notifications.setNotificationMark(name, value); !set)
            return set;
    }
    return {};
}

Result<void> NotificationScanner::findConnectionEvents(Store &store, QList<Event> &events)
{
    NotificationStore &notifications = store.notifications();
    auto connections = notifications.watchedConnections();
    if (!connections)
        return connections.error();
    const qint64 nowMs = m_clock.now().toMSecsSinceEpoch();
    for (const auto &watch : connections.value()) {
        if (watch.notifiedStatus == watch.status)
            continue;
        const QJsonObject connection{{QStringLiteral("id"), watch.connectionId},
                                     {QStringLiteral("tenantId"), watch.tenantId},
                                     {QStringLiteral("provider"), watch.provider},
                                     {QStringLiteral("status"), watch.status},
                                     {QStringLiteral("statusMessage"), watch.statusMessage}};
        const auto add = [&](const QString &type, const QString &id, QJsonObject data) {
            data.insert(QStringLiteral("connection"), connection);
            events.append({id, type, watch.tenantId, watch.connectionId, data});
        };
        const QString prefix = QStringLiteral("evt_connection_%1_").arg(watch.connectionId);
        if (!watch.notifiedStatus || *watch.notifiedStatus == kUnannounced) {
            // A connection is announced once it works: one made through a connect session waits for its customer's
            // first authorisation (needs_reauth until then), which is no loss of access to tell about.
            const bool works = watch.status == ConnectionStatus::Active;
            if (works)
                add(NotificationType::ConnectionCreated, prefix + QStringLiteral("created"), {});
            if (auto set = notifications.setNotifiedStatus(watch.connectionId, works ? watch.status : kUnannounced);
                !set)
                return set;
            continue;
        }
        const QString before = *watch.notifiedStatus;
        const QJsonObject change{{QStringLiteral("previousStatus"), before}};
        if (watch.status == ConnectionStatus::NeedsReauth)
            add(NotificationType::ConnectionNeedsReauth, prefix + QStringLiteral("needs_reauth_%1").arg(nowMs), change);
        else if (isRecovery(before, watch.status))
            add(NotificationType::ConnectionRecovered, prefix + QStringLiteral("recovered_%1").arg(nowMs), change);
        if (auto set = notifications.setNotifiedStatus(watch.connectionId, watch.status); !set)
            return set;
    }
    return {};
}

Result<void> NotificationScanner::findFailedSyncs(Store &store, QList<Event> &events)
{
    NotificationStore &notifications = store.notifications();
    const qint64 mark = notifications.notificationMark(kFinishedAt).value_or(0);
    auto failed = notifications.finishedExecutions({QStringLiteral("read"), QStringLiteral("backfill")},
                                                   ExecutionStatus::Failed,
                                                   QDateTime::fromMSecsSinceEpoch(mark - kFinishOverlapMs, Qt::UTC),
                                                   kMaxPerScan);
    if (!failed)
        return failed.error();
    qint64 last = mark;
    for (const Execution &execution : failed.value()) {
        last = std::max(last, execution.finishedAt.toMSecsSinceEpoch());
        const QJsonObject data{
            {QStringLiteral("execution"),
             QJsonObject{{QStringLiteral("id"), execution.id},
                         {QStringLiteral("kind"), execution.kind},
                         {QStringLiteral("object"), execution.object},
                         {QStringLiteral("startedAt"), timeJson(execution.startedAt)},
                         {QStringLiteral("finishedAt"), timeJson(execution.finishedAt)},
                         {QStringLiteral("records"), execution.recordCount}}},
            {QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), execution.errorCode},
                                                  {QStringLiteral("message"), execution.errorMessage}}}};
        events.append({QStringLiteral("evt_execution_%1_failed").arg(execution.id), NotificationType::SyncFailed,
                       execution.tenantId, execution.connectionId, data});
    }
    // A full batch may leave executions finished at the same time for the next scan: only move past whole times.
    const qint64 next = failed.value().size() < kMaxPerScan ? std::max(last, m_clock.now().toMSecsSinceEpoch()) : last;
    return notifications.setNotificationMark(kFinishedAt, next);
}

Result<void> NotificationScanner::findRecordChanges(Store &store, QList<Event> &events)
{
    NotificationStore &notifications = store.notifications();
    const qint64 after = notifications.notificationMark(kChangeSequence).value_or(0);
    auto upTo = notifications.lastChangeSequence();
    if (!upTo)
        return upTo.error();
    if (upTo.value() <= after)
        return {};
    auto summaries = notifications.changeSummaries(after, upTo.value());
    auto connections = notifications.watchedConnections();
    if (!summaries)
        return summaries.error();
    if (!connections)
        return connections.error();
    QHash<qint64, NotificationStore::ConnectionWatch> watched;
    for (const auto &watch : connections.value())
        watched.insert(watch.connectionId, watch);

    const QDateTime now = m_clock.now();
    QHash<qint64, qint64> foundByReads; // connection -> changes its reads found
    for (const auto &summary : summaries.value()) {
        const QString cursor =
            RecordFeedJson::encodeCursor({summary.connectionId, summary.object, summary.firstSequence - 1});
        const QJsonObject data{
            {QStringLiteral("object"), summary.object},
            {QStringLiteral("created"), summary.created},
            {QStringLiteral("updated"), summary.updated},
            {QStringLiteral("deleted"), summary.deleted},
            {QStringLiteral("cursor"), cursor},
            {QStringLiteral("recordsUrl"), QStringLiteral("/api/v1/connections/%1/objects/%2/records?since=%3")
                                               .arg(summary.connectionId)
                                               .arg(QString::fromLatin1(QUrl::toPercentEncoding(summary.object)),
                                                    cursor)}};
        events.append({QStringLiteral("evt_records_%1_%2_%3")
                           .arg(summary.connectionId)
                           .arg(summary.firstSequence)
                           .arg(summary.lastSequence),
                       NotificationType::RecordsChanged, summary.tenantId, summary.connectionId, data});
        foundByReads[summary.connectionId] += summary.byReads;
    }

    const qint64 silence = qint64(m_settings.webhookSilenceMinutes) * 60;
    for (auto found = foundByReads.cbegin(); found != foundByReads.cend(); ++found) {
        const auto watch = watched.constFind(found.key());
        if (found.value() == 0 || watch == watched.cend() || !watch->lastWebhookAt.isValid())
            continue; // no read found changes, or the connection receives no webhooks
        if (watch->lastWebhookAt.secsTo(now) < silence)
            continue;
        if (watch->silentSince.isValid() && watch->silentSince >= watch->lastWebhookAt)
            continue; // told already, and no webhook since
        const QJsonObject data{{QStringLiteral("provider"), watch->provider},
                               {QStringLiteral("lastWebhookAt"), timeJson(watch->lastWebhookAt)},
                               {QStringLiteral("changesFoundByReads"), found.value()},
                               {QStringLiteral("silenceMinutes"), m_settings.webhookSilenceMinutes}};
        events.append({QStringLiteral("evt_webhooks_%1_silent_%2").arg(found.key()).arg(now.toMSecsSinceEpoch()),
                       NotificationType::WebhooksSilent, watch->tenantId, found.key(), data});
        if (auto set = notifications.setWebhooksSilentSince(found.key(), now); !set)
            return set;
    }
    return notifications.setNotificationMark(kChangeSequence, upTo.value());
}

Result<void> NotificationScanner::findMappingChanges(Store &store, QList<Event> &events)
{
    NotificationStore &notifications = store.notifications();
    const qint64 after = notifications.notificationMark(kMappingVersion).value_or(0);
    auto versions = notifications.mappingVersionsAfter(after, kMaxPerScan);
    if (!versions)
        return versions.error();
    qint64 last = after;
    for (const MappingVersion &version : versions.value()) {
        last = version.id;
        std::optional<qint64> tenant;
        std::optional<qint64> connection;
        if (version.level == MappingLevel::Connection) {
            connection = version.scope.toLongLong();
            auto owner = store.tenants().connection(*connection);
            if (!owner)
                continue; // deleted since
            tenant = owner->tenantId;
        }
        const QJsonObject data{{QStringLiteral("level"), version.level},
                               {QStringLiteral("scope"), version.scope},
                               {QStringLiteral("integration"), version.integration},
                               {QStringLiteral("object"), version.object},
                               {QStringLiteral("direction"), version.direction},
                               {QStringLiteral("version"), version.version},
                               {QStringLiteral("author"), version.author},
                               {QStringLiteral("reason"), version.reason}};
        events.append({QStringLiteral("evt_mapping_%1").arg(version.id), NotificationType::MappingChanged, tenant,
                       connection, data});
    }
    return notifications.setNotificationMark(kMappingVersion, last);
}

Result<int> NotificationScanner::queue(Store &store, const QList<Event> &events)
{
    const QDateTime now = m_clock.now();
    int queued = 0;
    for (const Event &event : events) {
        const QByteArray body = payload(event, now);
        for (const NotificationEndpoint &endpoint : m_settings.endpoints) {
            if (!endpoint.wants(event.type))
                continue;
            NotificationDelivery delivery;
            delivery.deliveryId = QUuid::createUuid().toString(QUuid::WithoutBraces);
            delivery.eventId = event.id;
            delivery.eventType = event.type;
            delivery.endpoint = endpoint.name;
            delivery.url = endpoint.displayUrl();
            delivery.tenantId = event.tenantId;
            delivery.connectionId = event.connectionId;
            delivery.payload = body;
            delivery.createdAt = now;
            delivery.nextAttemptAt = now;
            auto added = store.notifications().addDelivery(delivery);
            if (!added)
                return added.error();
            queued += added.value() > 0 ? 1 : 0;
        }
    }
    return queued;
}

} // namespace patchbay

#pragma once

#include "core/Access.h"
#include "core/SecretBytes.h"
#include "ops/OpsApi.h"

#include <QByteArray>
#include <QDateTime>
#include <QFuture>
#include <QHash>
#include <QJsonObject>
#include <QJsonValue>
#include <QPointer>
#include <QSet>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTimer>
#include <QUrlQuery>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QWebSocket;

namespace patchbay {

// Where a RemoteOps talks to: patchbayd's base URL (http or https; a path prefix is kept), an API key of role admin,
// support or viewer, and CA certificates trusted besides the system's (a server with a private CA).
struct RemoteServer
{
    QUrl url;
    SecretBytes apiKey;
    QList<QSslCertificate> caCertificates;
};

// Who a key is, as the server says (GET /api/v1/ops/whoami): so that a client disables what the key cannot do.
struct RemoteIdentity
{
    QString keyName;
    ApiRole role = ApiRole::Viewer;
    std::optional<qint64> tenantId; // bound to this tenant; nullopt: every tenant
    QString tenantName;             // the bound tenant's display name, empty when unbound

    // admin and support act (sync, refresh, re-map, retry writes, re-authorise, mapping changes); viewers only look.
    bool canAct() const { return role == ApiRole::Admin || role == ApiRole::Support; }
    bool operator==(const RemoteIdentity &) const = default;
};

// OpsApi over HTTP(S) to a patchbayd's /api/v1/ops, answering as LocalOps does: the server's answers are decoded
// with OpsJson, and its errors keep the engine's code and message. What only the transport can fail with is a
// remote.* error whose message says what to do:
//   remote.unreachable  no connection (refused, DNS, reset): check the address and that patchbayd runs;
//   remote.tls          the TLS handshake failed (unknown CA, wrong name): give the server's CA certificate;
//   remote.timeout      no answer within the request timeout;
//   remote.bad_key      the server refused the API key (401);
//   remote.bad_answer   the answer is not the ops API's (a proxy's page, a wrong URL, a redirect, which is never
//                       followed with the key, an undecodable body);
//   remote.too_large    the answer exceeds maxAnswerBytes.
// Answers arrive on this object's thread in the order of the calls, as LocalOps' do.
//
// Live updates: it follows /api/v1/ops/live over a WebSocket from construction and re-emits them as OpsApi's
// signals (whoever started the work: this client, another console, the server's scheduler). When the server goes
// away it reconnects by itself, waiting longer after each failure (up to the maximum delay), and says so through
// linkStateChanged. isBusy() is what the live updates said; it is forgotten while the link is down.
//
// setMappingOverride's author is the key's name: the server records who changed a mapping by the key that did it.
class RemoteOps : public OpsApi
{
    Q_OBJECT
public:
    enum class LinkState { Connecting, Connected, Reconnecting };
    Q_ENUM(LinkState)

    static constexpr std::chrono::milliseconds kRequestTimeout{30000};
    static constexpr qint64 kMaxAnswerBytes = 256 * 1024 * 1024;

    explicit RemoteOps(RemoteServer server, QObject *parent = nullptr);
    ~RemoteOps() override;

    // PEM or DER certificates from a file, or remote.bad_ca_certificate naming it.
    static Result<QList<QSslCertificate>> readCaCertificates(const QString &path);

    QUrl serverUrl() const { return m_server.url; }
    LinkState linkState() const { return m_linkState; }
    // Why the link is down, in words (empty while connected).
    QString linkProblem() const { return m_linkProblem; }
    // The delays between reconnection attempts: the first, doubled after each failure up to the last (tests shorten
    // them). Defaults 0.5 s to 30 s.
    void setReconnectDelays(std::chrono::milliseconds first, std::chrono::milliseconds maximum);

    // Who the API key is: asking it also proves the URL, the TLS trust and the key work.
    QFuture<Result<RemoteIdentity>> whoami();

    QFuture<Result<QList<Tenant>>> tenants() override;
    QFuture<Result<QList<ConnectionSummary>>> connections(std::optional<qint64> tenantId = std::nullopt) override;
    QFuture<Result<ConnectionSummary>> connection(qint64 connectionId) override;
    QFuture<Result<QList<Execution>>> executions(qint64 connectionId, int limit,
                                                 std::optional<qint64> beforeId = std::nullopt) override;
    QFuture<Result<Execution>> execution(qint64 executionId) override;
    QFuture<Result<QList<Event>>> events(qint64 executionId) override;
    QFuture<Result<QList<Exchange>>> exchanges(qint64 executionId) override;
    QFuture<Result<EffectiveMapping>> mapping(qint64 connectionId, const QString &object,
                                              const QString &direction) override;
    QFuture<Result<MappingVersion>> setMappingOverride(const QString &level, const QString &scope,
                                                       const QString &integration, const QString &object,
                                                       const QString &direction, const MappingTree &overrides,
                                                       const QString &author, const QString &reason) override;
    QFuture<Result<QList<MappingVersion>>> mappingHistory(const QString &level, const QString &scope,
                                                          const QString &integration, const QString &object,
                                                          const QString &direction) override;
    QFuture<Result<QList<MappingPreviewRecord>>>
    previewMapping(qint64 connectionId, const QString &object, const QString &direction, const QJsonArray &samples,
                   const std::optional<MappingTree> &candidateConnectionOverride = std::nullopt) override;
    QFuture<Result<QList<MappingIssue>>> checkExpression(const QString &expression) override;
    QFuture<Result<QList<FailedRecord>>> failedRecords(qint64 connectionId, const QString &object = {}) override;
    QFuture<Result<QList<WriteItem>>> writeItems(qint64 executionId) override;
    QFuture<Result<CommandStarted>> syncNow(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> refreshToken(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> remapFailedRecords(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> retryFailedWrites(qint64 connectionId) override;
    QFuture<Result<QUrl>> beginReauthorization(qint64 connectionId) override;
    QFuture<Result<QList<ExecutionRow>>> findExecutions(const ExecutionFilter &filter) override;
    QFuture<Result<QList<FailedRecordDetail>>> executionFailedRecords(qint64 executionId) override;
    QFuture<Result<QList<FailedRecordDetail>>> connectionFailedRecords(qint64 connectionId) override;
    QFuture<Result<HealthReport>> health(const HealthFilter &filter) override;
    QFuture<Result<RefreshHistory>> refreshHistory(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> replayExecution(qint64 executionId) override;
    // Pause / resume and full resync (connected users health).
    QFuture<Result<ConnectionSummary>> pauseConnection(qint64 connectionId) override;
    QFuture<Result<ConnectionSummary>> resumeConnection(qint64 connectionId) override;
    QFuture<Result<CommandStarted>> fullResync(qint64 connectionId, std::optional<QDateTime> since = std::nullopt) override;

    bool isBusy(qint64 connectionId) const override { return m_busy.contains(connectionId); }
    // Replay of webhook events and notification deliveries (issue 13 item 6)
    QFuture<Result<QList<WebhookEventRow>>> webhookEvents(const ReplayListFilter &filter) override;
    QFuture<Result<QList<NotificationDeliveryRow>>> notificationDeliveries(const ReplayListFilter &filter) override;
    QFuture<Result<WebhookEventRow>> replayWebhookEvent(qint64 id) override;
    QFuture<Result<NotificationDeliveryRow>> replayNotificationDelivery(qint64 id) override;
    // Tokens (re-authorisation links).
    QFuture<Result<ReauthorizationLink>> createReauthorizationLink(qint64 connectionId) override;

Q_SIGNALS:
    // The live link changed: Connected (problem empty), or Reconnecting with what went wrong in words.
    void linkStateChanged(patchbay::RemoteOps::LinkState state, const QString &problem);

private:
    // One HTTP call of the ops API: path under /api/v1/ops/, its query, and for POST its JSON body.
    struct Request
    {
        QByteArray method;
        QString path;
        QUrlQuery query;
        QJsonObject body;
    };
    static Request get(const QString &path, const QUrlQuery &query = {});
    static Request post(const QString &path, const QJsonObject &body = {});

    // The answer's JSON, or the error (the server's own, or remote.*), in call order.
    QFuture<Result<QJsonValue>> send(const Request &request);
    // send() decoded as T with OpsJson.
    template <typename T>
    QFuture<Result<T>> call(const Request &request);
    QFuture<Result<CommandStarted>> command(qint64 connectionId, const QString &action);

    struct Pending;
    void finishReply(const std::shared_ptr<Pending> &pending, QNetworkReply *reply);
    void deliverInOrder();
    QUrl endpoint(const QString &path) const;
    QSslConfiguration sslConfiguration() const;

    void openLink();
    void onLinkMessage(const QString &text);
    void onLinkLost(const QString &problem);
    void setLinkState(LinkState state, const QString &problem);

    RemoteServer m_server;
    QNetworkAccessManager *m_network = nullptr;
    std::deque<std::shared_ptr<Pending>> m_pending; // oldest call first

    QPointer<QWebSocket> m_socket;
    bool m_linkReady = false;
    LinkState m_linkState = LinkState::Connecting;
    QString m_linkProblem;
    QString m_socketProblem; // the last error the socket reported, for the reason of its close
    std::chrono::milliseconds m_firstDelay{500};
    std::chrono::milliseconds m_maxDelay{30000};
    std::chrono::milliseconds m_nextDelay{500};
    QTimer m_reconnectTimer;
    QTimer m_pingTimer;
    QDateTime m_lastPong;
    QSet<qint64> m_busy;
};

} // namespace patchbay

#include "OpsLiveFeed.h"

#include "core/Logging.h"
#include "ops/OpsJson.h"
#include "sync/ExecutionNotifier.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QWebSocket>

namespace patchbay {

namespace {

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

// One WebSocket client: waits for its key, then is sent the updates of its tenant scope.
class OpsLiveFeed::Client : public QObject
{
public:
    Client(OpsLiveFeed &feed, std::unique_ptr<QWebSocket> socket)
        : QObject(&feed), m_feed(feed), m_socket(std::move(socket))
    {
        connect(m_socket.get(), &QWebSocket::textMessageReceived, this, &Client::onMessage);
        connect(m_socket.get(), &QWebSocket::binaryMessageReceived, this,
                [this] { refuse(QStringLiteral("the first message must be the auth message, as text")); });
        connect(m_socket.get(), &QWebSocket::disconnected, this, &Client::drop);
        m_timeout.setSingleShot(true);
        connect(&m_timeout, &QTimer::timeout, this,
                [this] { refuse(QStringLiteral("no auth message in time")); });
        m_timeout.start(feed.m_authTimeout);
    }

    bool isListening() const { return m_listening; }

    void send(const LiveUpdate &update)
    {
        if (m_listening && (!m_tenantId || *m_tenantId == update.tenantId))
            m_socket->sendTextMessage(compact(OpsJson::encode(update)));
    }

    void refuse(const QString &reason)
    {
        if (m_closing)
            return;
        m_closing = true;
        m_listening = false;
        m_timeout.stop();
        qCInfo(lcServer).noquote() << "live updates refused:" << reason;
        m_socket->close(QWebSocketProtocol::CloseCodePolicyViolated, reason);
    }

private:
    void onMessage(const QString &text)
    {
        if (m_listening || m_closing)
            return;
        m_timeout.stop();
        const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
        if (message.value(QStringLiteral("type")).toString() != QLatin1String("auth")
            || !message.value(QStringLiteral("key")).isString()) {
            refuse(QStringLiteral("the first message must be {\"type\":\"auth\",\"key\":\"...\"}"));
            return;
        }
        const Result<std::optional<qint64>> scope =
            m_feed.m_authenticate(message.value(QStringLiteral("key")).toString());
        if (!scope) {
            refuse(scope.error().message);
            return;
        }
        m_tenantId = scope.value();
        m_listening = true;
        m_socket->sendTextMessage(compact({{QStringLiteral("type"), QStringLiteral("ready")}}));
    }

    void drop()
    {
        m_listening = false;
        m_feed.m_clients.removeOne(this);
        deleteLater();
    }

    OpsLiveFeed &m_feed;
    std::unique_ptr<QWebSocket> m_socket;
    QTimer m_timeout;
    std::optional<qint64> m_tenantId;
    bool m_listening = false;
    bool m_closing = false;
};

OpsLiveFeed::OpsLiveFeed(ExecutionNotifier &notifier, Authenticate authenticate, QObject *parent)
    : QObject(parent), m_authenticate(std::move(authenticate))
{
    using Kind = LiveUpdate::Kind;
    connect(&notifier, &ExecutionNotifier::executionStarted, this,
            [this](qint64 tenantId, qint64 connectionId, qint64 executionId) {
                publish({Kind::ExecutionStarted, tenantId, connectionId, executionId, false, QString()});
            });
    connect(&notifier, &ExecutionNotifier::executionProgressed, this,
            [this](qint64 tenantId, qint64 connectionId, qint64 executionId) {
                publish({Kind::ExecutionProgressed, tenantId, connectionId, executionId, false, QString()});
            });
    connect(&notifier, &ExecutionNotifier::executionFinished, this,
            [this](qint64 tenantId, qint64 connectionId, qint64 executionId, bool succeeded, const QString &message) {
                publish({Kind::ExecutionFinished, tenantId, connectionId, executionId, succeeded, message});
            });
    connect(&notifier, &ExecutionNotifier::connectionChanged, this, [this](qint64 tenantId, qint64 connectionId) {
        publish({Kind::ConnectionChanged, tenantId, connectionId, 0, false, QString()});
    });
}

OpsLiveFeed::~OpsLiveFeed() = default;

void OpsLiveFeed::accept(std::unique_ptr<QWebSocket> socket)
{
    if (socket->requestUrl().path() != kPath) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                      QStringLiteral("no WebSocket at %1").arg(socket->requestUrl().path()));
        socket.release()->deleteLater(); // closing finishes on the event loop
        return;
    }
    m_clients.append(new Client(*this, std::move(socket)));
}

int OpsLiveFeed::listenerCount() const
{
    int count = 0;
    for (const Client *client : m_clients)
        count += client->isListening() ? 1 : 0;
    return count;
}

void OpsLiveFeed::publish(const LiveUpdate &update)
{
    for (Client *client : m_clients)
        client->send(update);
}

} // namespace patchbay

#include "RemoteOps.h"

#include "core/Logging.h"
#include "ops/OpsJson.h"

#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPromise>
#include <QLoggingCategory>
#include <QWebSocket>

namespace patchbay {

namespace {

Q_LOGGING_CATEGORY(lcRemote, "patchbay.remote") // the live link to a server: lost, back, updates it cannot read

constexpr auto kPingInterval = std::chrono::seconds(15);
constexpr quint64 kMaxLiveMessageBytes = 64 * 1024;
constexpr int kPongTimeoutSeconds = 40; // two pings unanswered: the link is dead even if TCP has not noticed

Error transportError(const QUrl &url, QNetworkReply::NetworkError error, const QString &detail)
{
    const QString where = url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo);
    switch (error) {
    case QNetworkReply::SslHandshakeFailedError:
        return makeError("remote.tls",
                         QStringLiteral("The secure connection to %1 failed (%2). Give the server's CA certificate "
                                        "when connecting, or check that the server's certificate names this host.")
                             .arg(where, detail));
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return makeError("remote.timeout", QStringLiteral("%1 did not answer within %2 seconds; check that the "
                                                          "server is running and reachable, then try again.")
                                               .arg(where)
                                               .arg(RemoteOps::kRequestTimeout.count() / 1000));
    default:
        return makeError("remote.unreachable",
                         QStringLiteral("Cannot reach %1 (%2). Check the address and that patchbayd is running.")
                             .arg(where, detail));
    }
}

Error badAnswer(const QUrl &url, int status, const QString &why)
{
    return makeError("remote.bad_answer",
                     QStringLiteral("%1 answered HTTP %2 with %3, not patchbayd's ops API: check the server URL.")
                         .arg(url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo))
                         .arg(status)
                         .arg(why));
}

QJsonValue parseJson(const QByteArray &body, bool *ok)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    *ok = parseError.error == QJsonParseError::NoError;
    return document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
}

Result<RemoteIdentity> decodeIdentity(const QJsonValue &json)
{
    const QJsonObject object = json.toObject();
    const auto role = apiRoleFromName(object.value(QStringLiteral("role")).toString());
    if (!role || !object.value(QStringLiteral("keyName")).isString())
        return makeError("json.invalid", QStringLiteral("whoami: expected keyName and a known role"));
    RemoteIdentity identity;
    identity.keyName = object.value(QStringLiteral("keyName")).toString();
    identity.role = *role;
    const QJsonValue tenant = object.value(QStringLiteral("tenantId"));
    if (tenant.isDouble())
        identity.tenantId = tenant.toInteger();
    identity.tenantName = object.value(QStringLiteral("tenantName")).toString();
    return identity;
}

} // namespace

// A call waiting for its answer; answers are handed out oldest call first.
struct RemoteOps::Pending
{
    QPromise<Result<QJsonValue>> promise;
    std::optional<Result<QJsonValue>> answer;
    bool tooLarge = false;
};

RemoteOps::RemoteOps(RemoteServer server, QObject *parent)
    : OpsApi(parent), m_server(std::move(server)), m_network(new QNetworkAccessManager(this))
{
    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &RemoteOps::openLink);
    m_pingTimer.setInterval(kPingInterval);
    connect(&m_pingTimer, &QTimer::timeout, this, [this] {
        if (!m_socket)
            return;
        if (m_lastPong.isValid() && m_lastPong.secsTo(QDateTime::currentDateTimeUtc()) > kPongTimeoutSeconds) {
            m_socketProblem = tr("the server stopped answering");
            m_socket->abort();
            return;
        }
        m_socket->ping();
    });
    openLink();
}

RemoteOps::~RemoteOps()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
    // Calls still waiting end with an answer rather than never, in their order; replies still running are dropped
    // unheard.
    for (QNetworkReply *reply : m_network->findChildren<QNetworkReply *>())
        reply->disconnect(this);
    delete m_network;
    for (const auto &pending : m_pending) {
        pending->promise.addResult(pending->answer.value_or(
            makeError("remote.unreachable",
                      QStringLiteral("The console stopped talking to %1 before it answered.").arg(m_server.url.host()))));
        pending->promise.finish();
    }
}

Result<QList<QSslCertificate>> RemoteOps::readCaCertificates(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > 1024 * 1024)
        return makeError("remote.bad_ca_certificate",
                         QStringLiteral("Cannot read the CA certificate %1: choose a PEM or DER file.").arg(path));
    const QByteArray bytes = file.readAll();
    QList<QSslCertificate> certificates = QSslCertificate::fromData(bytes, QSsl::Pem);
    if (certificates.isEmpty())
        certificates = QSslCertificate::fromData(bytes, QSsl::Der);
    if (certificates.isEmpty())
        return makeError("remote.bad_ca_certificate",
                         QStringLiteral("%1 holds no certificate: choose a PEM or DER file.").arg(path));
    return certificates;
}

void RemoteOps::setReconnectDelays(std::chrono::milliseconds first, std::chrono::milliseconds maximum)
{
    m_firstDelay = first;
    m_maxDelay = maximum;
    m_nextDelay = first;
}

QUrl RemoteOps::endpoint(const QString &path) const
{
    QUrl url = m_server.url;
    QString base = url.path();
    if (!base.endsWith(QLatin1Char('/')))
        base += QLatin1Char('/');
    url.setPath(base + QStringLiteral("api/v1/ops/") + path);
    return url;
}

QSslConfiguration RemoteOps::sslConfiguration() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    if (!m_server.caCertificates.isEmpty())
        configuration.addCaCertificates(m_server.caCertificates);
    return configuration;
}

RemoteOps::Request RemoteOps::get(const QString &path, const QUrlQuery &query)
{
    return Request{"GET", path, query, {}};
}

RemoteOps::Request RemoteOps::post(const QString &path, const QJsonObject &body)
{
    return Request{"POST", path, {}, body};
}

QFuture<Result<QJsonValue>> RemoteOps::send(const Request &call)
{
    auto pending = std::make_shared<Pending>();
    pending->promise.start();
    m_pending.push_back(pending);

    QUrl url = endpoint(call.path);
    url.setQuery(call.query);
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + m_server.apiKey.reveal());
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(int(kRequestTimeout.count()));
    // A redirect is answered as what it is (not the ops API) rather than followed with the key to wherever it points.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (url.scheme() == QLatin1String("https"))
        request.setSslConfiguration(sslConfiguration());
    QNetworkReply *reply = nullptr;
    if (call.method == "POST") {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        reply = m_network->post(request, QJsonDocument(call.body).toJson(QJsonDocument::Compact));
    } else {
        reply = m_network->get(request);
    }
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply, pending](qint64 received, qint64 total) {
        if (received > kMaxAnswerBytes || total > kMaxAnswerBytes) {
            pending->tooLarge = true;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, pending, reply] { finishReply(pending, reply); });
    return pending->promise.future();
}

void RemoteOps::finishReply(const std::shared_ptr<Pending> &pending, QNetworkReply *reply)
{
    reply->deleteLater();
    const QUrl url = reply->url();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (pending->tooLarge) {
        pending->answer = makeError("remote.too_large",
                                    QStringLiteral("The answer from %1 is larger than %2 MB; ask for less (a smaller "
                                                   "page).")
                                        .arg(url.host())
                                        .arg(kMaxAnswerBytes / (1024 * 1024)));
    } else if (status == 0) {
        pending->answer = transportError(url, reply->error(), reply->errorString());
    } else {
        bool isJson = false;
        const QJsonValue json = parseJson(reply->readAll(), &isJson);
        const auto error = isJson ? OpsJson::decodeErrorBody(json) : std::nullopt;
        if (status == 401) {
            pending->answer = makeError("remote.bad_key",
                                        QStringLiteral("The server refused the API key (%1). Enter a valid key of "
                                                       "role admin, support or viewer.")
                                            .arg(error ? error->message : QStringLiteral("HTTP 401")));
        } else if (error && (error->code == QLatin1String("not_found") ||
                             error->code == QLatin1String("method_not_allowed"))) {
            // The router's, not the ops API's: nothing serves this call there (a wrong URL, an older server).
            pending->answer = badAnswer(url, status, QStringLiteral("\"%1\"").arg(error->message));
        } else if (error) {
            pending->answer = *error; // the engine's own code and message
        } else if (status != 200 || !isJson) {
            pending->answer = badAnswer(url, status,
                                        isJson ? QStringLiteral("unexpected JSON")
                                               : QStringLiteral("a body that is not JSON"));
        } else {
            pending->answer = json;
        }
    }
    deliverInOrder();
}

void RemoteOps::deliverInOrder()
{
    while (!m_pending.empty() && m_pending.front()->answer) {
        const std::shared_ptr<Pending> pending = m_pending.front();
        m_pending.pop_front();
        pending->promise.addResult(*pending->answer);
        pending->promise.finish();
    }
}

template <typename T>
QFuture<Result<T>> RemoteOps::call(const Request &request)
{
    return send(request).then([url = endpoint(request.path)](const Result<QJsonValue> &answer) -> Result<T> {
        if (!answer)
            return answer.error();
        Result<T> decoded = OpsJson::decode<T>(answer.value());
        if (!decoded)
            return badAnswer(url, 200, decoded.error().message);
        return decoded;
    });
}

QFuture<Result<RemoteIdentity>> RemoteOps::whoami()
{
    return send(get(QStringLiteral("whoami")))
        .then([url = endpoint(QStringLiteral("whoami"))](const Result<QJsonValue> &answer) -> Result<RemoteIdentity> {
            if (!answer)
                return answer.error();
            auto identity = decodeIdentity(answer.value());
            if (!identity)
                return badAnswer(url, 200, identity.error().message);
            return identity;
        });
}

// --- OpsApi: one line each over call() ---

namespace {

// The query of a call: every parameter given, empty ones too (the server passes them on as they are); an absent
// optional (a null string) is left out.
QUrlQuery queryOf(std::initializer_list<std::pair<QString, QString>> items)
{
    QUrlQuery query;
    for (const auto &[name, value] : items) {
        if (!value.isNull())
            query.addQueryItem(name, QString::fromUtf8(QUrl::toPercentEncoding(value)));
    }
    return query;
}

// A text parameter as given: never left out, even when null.
QString given(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QString id(qint64 value)
{
    return QString::number(value);
}

QString optionalId(std::optional<qint64> value)
{
    return value ? QString::number(*value) : QString();
}

// A time bound as the routes read it (ISO 8601 in UTC, milliseconds kept); left out when not set.
QString timeOf(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

} // namespace

QFuture<Result<QList<Tenant>>> RemoteOps::tenants()
{
    return call<QList<Tenant>>(get(QStringLiteral("tenants")));
}

QFuture<Result<QList<ConnectionSummary>>> RemoteOps::connections(std::optional<qint64> tenantId)
{
    return call<QList<ConnectionSummary>>(
        get(QStringLiteral("connections"), queryOf({{QStringLiteral("tenantId"), optionalId(tenantId)}})));
}

QFuture<Result<ConnectionSummary>> RemoteOps::connection(qint64 connectionId)
{
    return call<ConnectionSummary>(get(QStringLiteral("connections/") + id(connectionId)));
}

QFuture<Result<QList<Execution>>> RemoteOps::executions(qint64 connectionId, int limit, std::optional<qint64> beforeId)
{
    return call<QList<Execution>>(get(QStringLiteral("connections/%1/executions").arg(connectionId),
                                      queryOf({{QStringLiteral("limit"), id(limit)},
                                               {QStringLiteral("beforeId"), optionalId(beforeId)}})));
}

QFuture<Result<Execution>> RemoteOps::execution(qint64 executionId)
{
    return call<Execution>(get(QStringLiteral("executions/") + id(executionId)));
}

QFuture<Result<QList<Event>>> RemoteOps::events(qint64 executionId)
{
    return call<QList<Event>>(get(QStringLiteral("executions/%1/events").arg(executionId)));
}

QFuture<Result<QList<Exchange>>> RemoteOps::exchanges(qint64 executionId)
{
    return call<QList<Exchange>>(get(QStringLiteral("executions/%1/exchanges").arg(executionId)));
}

QFuture<Result<QList<WriteItem>>> RemoteOps::writeItems(qint64 executionId)
{
    return call<QList<WriteItem>>(get(QStringLiteral("executions/%1/write-items").arg(executionId)));
}

QFuture<Result<EffectiveMapping>> RemoteOps::mapping(qint64 connectionId, const QString &object,
                                                     const QString &direction)
{
    return call<EffectiveMapping>(get(QStringLiteral("connections/%1/mapping").arg(connectionId),
                                      queryOf({{QStringLiteral("object"), given(object)},
                                               {QStringLiteral("direction"), given(direction)}})));
}

QFuture<Result<MappingVersion>> RemoteOps::setMappingOverride(const QString &level, const QString &scope,
                                                              const QString &integration, const QString &object,
                                                              const QString &direction, const MappingTree &overrides,
                                                              const QString &, const QString &reason)
{
    return call<MappingVersion>(post(QStringLiteral("mappings/overrides"),
                                     {{QStringLiteral("level"), level}, {QStringLiteral("scope"), scope},
                                      {QStringLiteral("integration"), integration}, {QStringLiteral("object"), object},
                                      {QStringLiteral("direction"), direction},
                                      {QStringLiteral("overrides"), overrides},
                                      {QStringLiteral("reason"), reason}}));
}

QFuture<Result<QList<MappingVersion>>> RemoteOps::mappingHistory(const QString &level, const QString &scope,
                                                                 const QString &integration, const QString &object,
                                                                 const QString &direction)
{
    return call<QList<MappingVersion>>(get(
        QStringLiteral("mappings/history"),
        queryOf({{QStringLiteral("level"), given(level)}, {QStringLiteral("scope"), given(scope)},
                 {QStringLiteral("integration"), given(integration)}, {QStringLiteral("object"), given(object)},
                 {QStringLiteral("direction"), given(direction)}})));
}

QFuture<Result<QList<MappingPreviewRecord>>>
RemoteOps::previewMapping(qint64 connectionId, const QString &object, const QString &direction,
                          const QJsonArray &samples, const std::optional<MappingTree> &candidateConnectionOverride)
{
    QJsonObject body{{QStringLiteral("object"), object}, {QStringLiteral("direction"), direction},
                     {QStringLiteral("samples"), samples}};
    if (candidateConnectionOverride)
        body.insert(QStringLiteral("candidateConnectionOverride"), *candidateConnectionOverride);
    return call<QList<MappingPreviewRecord>>(post(QStringLiteral("connections/%1/mapping/preview").arg(connectionId),
                                                  body));
}

QFuture<Result<QList<MappingIssue>>> RemoteOps::checkExpression(const QString &expression)
{
    return call<QList<MappingIssue>>(post(QStringLiteral("expressions/check"),
                                          {{QStringLiteral("expression"), expression}}));
}

QFuture<Result<QList<FailedRecord>>> RemoteOps::failedRecords(qint64 connectionId, const QString &object)
{
    return call<QList<FailedRecord>>(get(QStringLiteral("connections/%1/failed-records").arg(connectionId),
                                         queryOf({{QStringLiteral("object"), object}})));
}

QFuture<Result<CommandStarted>> RemoteOps::command(qint64 connectionId, const QString &action)
{
    return call<CommandStarted>(post(QStringLiteral("connections/%1/%2").arg(connectionId).arg(action)));
}

QFuture<Result<CommandStarted>> RemoteOps::syncNow(qint64 connectionId)
{
    return command(connectionId, QStringLiteral("sync"));
}

QFuture<Result<CommandStarted>> RemoteOps::refreshToken(qint64 connectionId)
{
    return command(connectionId, QStringLiteral("refresh-token"));
}

QFuture<Result<CommandStarted>> RemoteOps::remapFailedRecords(qint64 connectionId)
{
    return command(connectionId, QStringLiteral("remap-failed-records"));
}

QFuture<Result<CommandStarted>> RemoteOps::retryFailedWrites(qint64 connectionId)
{
    return command(connectionId, QStringLiteral("retry-failed-writes"));
}

// Pause / resume and full resync (connected users health).
QFuture<Result<ConnectionSummary>> RemoteOps::pauseConnection(qint64 connectionId)
{
    return call<ConnectionSummary>(post(QStringLiteral("connections/%1/pause").arg(connectionId)));
}

QFuture<Result<ConnectionSummary>> RemoteOps::resumeConnection(qint64 connectionId)
{
    return call<ConnectionSummary>(post(QStringLiteral("connections/%1/resume").arg(connectionId)));
}

QFuture<Result<CommandStarted>> RemoteOps::fullResync(qint64 connectionId, std::optional<QDateTime> since)
{
    QJsonObject body;
    if (since) // an invalid one goes as it is, for the server to refuse as LocalOps does
        body.insert(QStringLiteral("since"), since->isValid() ? since->toUTC().toString(Qt::ISODateWithMs)
                                                              : QStringLiteral("invalid"));
    return call<CommandStarted>(post(QStringLiteral("connections/%1/full-resync").arg(connectionId), body));
}

QFuture<Result<QList<ExecutionRow>>> RemoteOps::findExecutions(const ExecutionFilter &filter)
{
    return call<QList<ExecutionRow>>(get(
        QStringLiteral("executions"),
        queryOf({{QStringLiteral("tenantId"), optionalId(filter.tenantId)},
                 {QStringLiteral("connectionId"), optionalId(filter.connectionId)},
                 {QStringLiteral("kind"), filter.kind.isEmpty() ? QString() : filter.kind},
                 {QStringLiteral("outcome"), filter.outcome.isEmpty() ? QString() : filter.outcome},
                 {QStringLiteral("from"), timeOf(filter.startedFrom)},
                 {QStringLiteral("to"), timeOf(filter.startedBefore)},
                 {QStringLiteral("text"), filter.text.isEmpty() ? QString() : filter.text},
                 {QStringLiteral("limit"), id(filter.limit)},
                 {QStringLiteral("beforeId"), optionalId(filter.beforeId)}})));
}

QFuture<Result<QList<FailedRecordDetail>>> RemoteOps::executionFailedRecords(qint64 executionId)
{
    return call<QList<FailedRecordDetail>>(get(QStringLiteral("executions/%1/failed-records").arg(executionId)));
}

QFuture<Result<QList<FailedRecordDetail>>> RemoteOps::connectionFailedRecords(qint64 connectionId)
{
    return call<QList<FailedRecordDetail>>(
        get(QStringLiteral("connections/%1/failed-record-details").arg(connectionId)));
}

QFuture<Result<HealthReport>> RemoteOps::health(const HealthFilter &filter)
{
    return call<HealthReport>(
        get(QStringLiteral("health"),
            queryOf({{QStringLiteral("tenantId"), optionalId(filter.tenantId)},
                     {QStringLiteral("health"), filter.health.isEmpty() ? QString() : filter.health},
                     {QStringLiteral("provider"), filter.provider.isEmpty() ? QString() : filter.provider}})));
}

QFuture<Result<RefreshHistory>> RemoteOps::refreshHistory(qint64 connectionId)
{
    return call<RefreshHistory>(get(QStringLiteral("connections/%1/refresh-history").arg(connectionId)));
}

QFuture<Result<CommandStarted>> RemoteOps::replayExecution(qint64 executionId)
{
    return call<CommandStarted>(post(QStringLiteral("executions/%1/replay").arg(executionId)));
}

QFuture<Result<QUrl>> RemoteOps::beginReauthorization(qint64 connectionId)
{
    return call<QUrl>(post(QStringLiteral("connections/%1/reauthorization").arg(connectionId)));
}

// Tokens (re-authorisation links).
QFuture<Result<ReauthorizationLink>> RemoteOps::createReauthorizationLink(qint64 connectionId)
{
    return call<ReauthorizationLink>(post(QStringLiteral("connections/%1/reauthorization-link").arg(connectionId)));
}

// --- The live link ---

void RemoteOps::openLink()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_linkReady = false;
    m_socketProblem.clear();
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    // No live update is anywhere near this large: a server sending more is not followed into memory.
    socket->setMaxAllowedIncomingMessageSize(kMaxLiveMessageBytes);
    socket->setMaxAllowedIncomingFrameSize(kMaxLiveMessageBytes);
    m_socket = socket;
    QUrl url = endpoint(QStringLiteral("live"));
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    if (url.scheme() == QLatin1String("wss"))
        socket->setSslConfiguration(sslConfiguration());
    connect(socket, &QWebSocket::connected, this, [this, socket] {
        m_lastPong = QDateTime::currentDateTimeUtc();
        socket->sendTextMessage(QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("auth")},
                                      {QStringLiteral("key"), QString::fromLatin1(m_server.apiKey.reveal())}})
                .toJson(QJsonDocument::Compact)));
    });
    connect(socket, &QWebSocket::textMessageReceived, this, &RemoteOps::onLinkMessage);
    connect(socket, &QWebSocket::pong, this, [this] { m_lastPong = QDateTime::currentDateTimeUtc(); });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, [this, socket] { m_socketProblem = socket->errorString(); });
    connect(socket, &QWebSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        if (!errors.isEmpty())
            m_socketProblem = errors.first().errorString();
    });
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        QString problem = socket->closeReason();
        if (problem.isEmpty())
            problem = m_socketProblem;
        if (problem.isEmpty())
            problem = tr("the server closed the connection");
        onLinkLost(problem);
    });
    QNetworkRequest request(url);
    socket->open(request);
}

void RemoteOps::onLinkMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    if (!m_linkReady) {
        if (message.value(QStringLiteral("type")).toString() != QLatin1String("ready"))
            return;
        m_linkReady = true;
        m_nextDelay = m_firstDelay;
        m_pingTimer.start();
        setLinkState(LinkState::Connected, QString());
        return;
    }
    const auto update = OpsJson::decode<LiveUpdate>(message);
    if (!update) {
        qCWarning(lcRemote).noquote() << "ignoring a live update that does not decode:" << update.error().message;
        return;
    }
    const qint64 connectionId = update->connectionId;
    switch (update->kind) {
    case LiveUpdate::Kind::ExecutionStarted:
        m_busy.insert(connectionId);
        Q_EMIT executionStarted(connectionId);
        break;
    case LiveUpdate::Kind::ExecutionProgressed:
        Q_EMIT executionProgressed(connectionId, update->executionId);
        break;
    case LiveUpdate::Kind::ExecutionFinished:
        m_busy.remove(connectionId);
        Q_EMIT executionFinished(connectionId, update->executionId, update->succeeded, update->message);
        break;
    case LiveUpdate::Kind::ConnectionChanged:
        Q_EMIT connectionChanged(connectionId);
        break;
    }
}

void RemoteOps::onLinkLost(const QString &problem)
{
    m_pingTimer.stop();
    m_linkReady = false;
    // What ran may finish unseen while the link is down: forget it, and let views ask again.
    const QSet<qint64> wasBusy = std::exchange(m_busy, {});
    for (const qint64 connectionId : wasBusy)
        Q_EMIT connectionChanged(connectionId);
    setLinkState(LinkState::Reconnecting, problem);
    m_reconnectTimer.start(m_nextDelay);
    m_nextDelay = std::min(m_nextDelay * 2, m_maxDelay);
}

void RemoteOps::setLinkState(LinkState state, const QString &problem)
{
    if (state == m_linkState && problem == m_linkProblem)
        return;
    m_linkState = state;
    m_linkProblem = problem;
    Q_EMIT linkStateChanged(state, problem);
}

// --- Replay of webhook events and notification deliveries (issue 13 item 6)

namespace {

QUrlQuery replayListQuery(const ReplayListFilter &filter)
{
    return queryOf({{QStringLiteral("tenantId"), optionalId(filter.tenantId)},
                    {QStringLiteral("connectionId"), optionalId(filter.connectionId)},
                    {QStringLiteral("limit"), id(filter.limit)}});
}

} // namespace

QFuture<Result<QList<WebhookEventRow>>> RemoteOps::webhookEvents(const ReplayListFilter &filter)
{
    return call<QList<WebhookEventRow>>(get(QStringLiteral("webhook-events"), replayListQuery(filter)));
}

QFuture<Result<QList<NotificationDeliveryRow>>> RemoteOps::notificationDeliveries(const ReplayListFilter &filter)
{
    return call<QList<NotificationDeliveryRow>>(
        get(QStringLiteral("notification-deliveries"), replayListQuery(filter)));
}

QFuture<Result<WebhookEventRow>> RemoteOps::replayWebhookEvent(qint64 id)
{
    return call<WebhookEventRow>(post(QStringLiteral("webhook-events/%1/replay").arg(id)));
}

QFuture<Result<NotificationDeliveryRow>> RemoteOps::replayNotificationDelivery(qint64 id)
{
    return call<NotificationDeliveryRow>(post(QStringLiteral("notification-deliveries/%1/replay").arg(id)));
}

} // namespace patchbay

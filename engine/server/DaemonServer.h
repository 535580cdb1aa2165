#pragma once

#include "core/Result.h"
#include "server/ApiRouter.h"
#include "server/HttpService.h"

#include <QObject>

#include <functional>
#include <memory>

namespace patchbay {

class OpsLiveFeed;
class ServerContext;

// patchbayd's HTTP surface, driven in-process by the tests and by app/daemon: one ApiRouter with
// - GET /healthz (the process is up: 200 {"status":"ok"}) and GET /readyz (200 {"status":"ready"} when the readiness
//   check passes, else 503 with the check's Error), open to anyone;
// - with a ServerContext, every /api/v1 route (routes/Routes.h: each feature's add<Feature>Routes), behind API keys;
// - with a ServerContext that has a SyncService, the ops API's live updates, a WebSocket at /api/v1/ops/live
//   (OpsLiveFeed) for keys of the roles that may read the ops API.
// - GET /metrics (the Prometheus exposition) behind admin or viewer keys, and, once listenForMetrics is called, on a
//   listener of its own without a key (which serves nothing else).
// Every other path: 404 as a JSON error. Request bodies larger than the context's config().maxBodyBytes are refused
// with a JSON 413 before they are read.
class DaemonServer : public QObject
{
    Q_OBJECT
public:
    // Ready when the store is open and its schema current; called on each /readyz.
    using ReadinessCheck = std::function<Result<void>()>;

    // context (which must outlive the server) null: only /healthz and /readyz.
    explicit DaemonServer(ReadinessCheck ready, ServerContext *context = nullptr, QObject *parent = nullptr);
    ~DaemonServer() override;

    // Returns the bound port (the real one when port 0 was asked for), or 0 when the address could not be bound.
    quint16 listen(const QHostAddress &address, quint16 port);
    QUrl baseUrl() const { return m_http.baseUrl(); }
    // Serves HTTPS instead of HTTP (before listen); see HttpService::setTls.
    void setTls(const QSslConfiguration &configuration) { m_http.setTls(configuration); }

    // With a context: serves GET /metrics, and only that, without a key at address and port (plain HTTP). Returns
    // the bound port, or 0 when the address could not be bound.
    quint16 listenForMetrics(const QHostAddress &address, quint16 port);
    QUrl metricsBaseUrl() const { return m_metricsHttp ? m_metricsHttp->baseUrl() : QUrl(); }

    // Shutting down: no new connections; the ones open are still answered.
    void stopAccepting();

    // Answers one request in-process, as over HTTP (tests).
    QFuture<HttpServerResponse> handle(const HttpServerRequest &request) const { return m_router.handle(request); }
    const ApiRouter &router() const { return m_router; }

private:
    ReadinessCheck m_ready;
    ServerContext *m_context;
    ApiRouter m_router;
    std::unique_ptr<OpsLiveFeed> m_liveFeed;
    HttpService m_http;
    std::unique_ptr<HttpService> m_metricsHttp;
};

} // namespace patchbay

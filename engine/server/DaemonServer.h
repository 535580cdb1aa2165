#pragma once

#include "core/Result.h"
#include "server/HttpService.h"

#include <QObject>

#include <functional>

namespace patchbay {

// patchbayd's HTTP surface, driven in-process by the tests and by app/daemon. So far: GET /healthz (the process is
// up: 200 {"status":"ok"}) and GET /readyz (200 {"status":"ready"} when the readiness check passes, else 503 with
// {"error":{"code","message"}} from the check's Error). Every other path: 404 as a JSON error.
class DaemonServer : public QObject
{
    Q_OBJECT
public:
    // Ready when the store is open and its schema current; called on each /readyz.
    using ReadinessCheck = std::function<Result<void>()>;

    explicit DaemonServer(ReadinessCheck ready, QObject *parent = nullptr);

    // Returns the bound port (the real one when port 0 was asked for), or 0 when the address could not be bound.
    quint16 listen(const QHostAddress &address, quint16 port);
    QUrl baseUrl() const { return m_http.baseUrl(); }

    // Shutting down: no new connections; the ones open are still answered.
    void stopAccepting() { m_http.stopListening(); }

    HttpServerResponse handle(const HttpServerRequest &request) const;

    // The JSON error body every route answers with.
    static HttpServerResponse error(int status, const QString &code, const QString &message);

private:
    ReadinessCheck m_ready;
    HttpService m_http;
};

} // namespace patchbay

#include "HttpJob.h"

#include "core/Logging.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace patchbay {

namespace {

// What the log may show of a URL: no query (where API keys and signatures travel), no user info.
QString loggableUrl(const QUrl &url)
{
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveUserInfo | QUrl::RemoveFragment);
}

} // namespace

HttpJob::HttpJob(QNetworkAccessManager *network, HttpRequest request, int timeoutMs, QObject *parent)
    : QObject(parent), m_network(network), m_request(std::move(request))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(timeoutMs);
    connect(&m_timer, &QTimer::timeout, this, &HttpJob::onTimeout);
}

void HttpJob::start()
{
    m_response.startedAt = QDateTime::currentDateTimeUtc();
    if (auto checked = m_request.checkHeaders(); !checked) {
        // Qt would send a CR or LF in a value as it is, turning one header into two.
        m_response.transportError = checked.error().message;
        QMetaObject::invokeMethod(this, &HttpJob::finished, Qt::QueuedConnection);
        return;
    }
    QNetworkRequest request(m_request.url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    for (const auto &[name, value] : std::as_const(m_request.headers))
        request.setRawHeader(name, value);
    m_startMs = QDateTime::currentMSecsSinceEpoch();
    qCDebug(lcHttp).noquote() << m_request.method << loggableUrl(m_request.url);
    m_reply = m_network->sendCustomRequest(request, m_request.method, m_request.body);
    connect(m_reply, &QNetworkReply::finished, this, &HttpJob::onFinished);
    if (m_request.maxResponseBytes > 0)
        connect(m_reply, &QNetworkReply::downloadProgress, this, &HttpJob::onDownloadProgress);
    m_timer.start();
}

void HttpJob::onTimeout()
{
    m_timedOut = true;
    if (m_reply)
        m_reply->abort();
}

void HttpJob::onDownloadProgress(qint64 received)
{
    // Counted as it arrives (the Content-Length header may lie or be absent), so an endless answer stops at the limit.
    if (received <= m_request.maxResponseBytes || m_tooLarge)
        return;
    m_tooLarge = true;
    m_reply->abort();
}

void HttpJob::onFinished()
{
    m_timer.stop();
    m_response.durationMs = QDateTime::currentMSecsSinceEpoch() - m_startMs;
    const QVariant status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    m_response.status = status.isValid() ? status.toInt() : 0;
    for (const auto &[name, value] : m_reply->rawHeaderPairs())
        m_response.headers.append({name, value});
    m_response.body = m_tooLarge ? QByteArray() : m_reply->readAll();
    if (m_tooLarge) {
        m_response.status = 0;
        m_response.transportError = QStringLiteral("the answer was larger than %1 bytes").arg(m_request.maxResponseBytes);
    } else if (m_timedOut) {
        m_response.status = 0;
        m_response.transportError = QStringLiteral("no answer within %1 s").arg(m_timer.interval() / 1000.0);
    } else if (m_response.status == 0) {
        m_response.transportError = m_reply->errorString();
    }
    qCDebug(lcHttp).noquote() << m_request.method << loggableUrl(m_request.url) << "answered" << m_response.status
                              << "in" << m_response.durationMs << "ms" << m_response.transportError;
    m_reply->deleteLater();
    Q_EMIT finished();
}

} // namespace patchbay

#pragma once

#include "HttpTypes.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkAccessManager;
class QNetworkReply;

namespace patchbay {

// One HTTP call: start(), then finished() once with the response or a readable transport error.
class HttpJob : public QObject
{
    Q_OBJECT
public:
    HttpJob(QNetworkAccessManager *network, HttpRequest request, int timeoutMs, QObject *parent = nullptr);

    void start();
    const HttpRequest &request() const { return m_request; }
    const HttpResponse &response() const { return m_response; }

Q_SIGNALS:
    void finished();

private:
    void onFinished();
    void onTimeout();
    void onDownloadProgress(qint64 received);

    QNetworkAccessManager *m_network;
    HttpRequest m_request;
    HttpResponse m_response;
    QPointer<QNetworkReply> m_reply;
    QTimer m_timer;
    qint64 m_startMs = 0;
    bool m_timedOut = false;
    bool m_tooLarge = false;
};

} // namespace patchbay

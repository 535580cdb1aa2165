#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPair>
#include <QSignalSpy>
#include <QUrl>

namespace patchbay::test {

// One plain HTTP call over loopback from a test, for what no emulator sends: a forged webhook, a user's step through
// an OAuth authorisation page. Redirects are not followed, so a test can read the Location a provider answers.
class LoopbackHttp
{
public:
    struct Answer
    {
        int status = 0; // 0 when nothing answered in time
        QByteArray body;
        QByteArray location;
    };

    static Answer send(const QByteArray &method, const QUrl &url, const QList<QPair<QByteArray, QByteArray>> &headers,
                       const QByteArray &body = {})
    {
        QNetworkAccessManager network;
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = network.sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        Answer answer;
        if (reply->isFinished() || finished.wait(10000)) {
            answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            answer.body = reply->readAll();
            answer.location = reply->rawHeader("Location");
        }
        reply->deleteLater();
        return answer;
    }
};

} // namespace patchbay::test

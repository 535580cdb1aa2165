#include "HttpClient.h"

#include "HttpJob.h"

#include <QEventLoop>
#include <QNetworkAccessManager>

namespace patchbay {

HttpClient::HttpClient(NetworkFactory factory, int timeoutMs)
    : m_network(factory ? factory() : std::make_unique<QNetworkAccessManager>()), m_timeoutMs(timeoutMs)
{
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::send(const HttpRequest &request)
{
    HttpJob job(m_network.get(), request, m_timeoutMs);
    QEventLoop loop;
    QObject::connect(&job, &HttpJob::finished, &loop, &QEventLoop::quit);
    job.start();
    loop.exec();
    return job.response();
}

} // namespace patchbay

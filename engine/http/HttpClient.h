#pragma once

#include "HttpTypes.h"

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace patchbay {

// Sends requests one at a time for code running on a worker thread (a sync execution); each call
// runs an HttpJob to completion. The network access manager comes from a factory so tests can
// substitute it.
class HttpClient
{
public:
    using NetworkFactory = std::function<std::unique_ptr<QNetworkAccessManager>()>;

    explicit HttpClient(NetworkFactory factory = {}, int timeoutMs = 30000);
    ~HttpClient();

    HttpResponse send(const HttpRequest &request);

private:
    std::unique_ptr<QNetworkAccessManager> m_network;
    int m_timeoutMs;
};

} // namespace patchbay

#pragma once

#include "server/HttpService.h"

#include <functional>
#include <optional>

namespace patchbay::sandbox {

// Makes the next N API calls fail with a chosen answer (a provider's 429 with Retry-After, a 503, ...). The answer
// is built per call, so bodies with request ids stay unique as they are at the provider.
class FailureInjector
{
public:
    using ResponseFactory = std::function<HttpServerResponse()>;

    void failNext(int count, ResponseFactory response);
    void failNext(int count, int status, const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body);
    // The answer for this call when it is one of the failing ones.
    std::optional<HttpServerResponse> take();
    int remaining() const { return m_remaining; }

private:
    int m_remaining = 0;
    ResponseFactory m_response;
};

} // namespace patchbay::sandbox

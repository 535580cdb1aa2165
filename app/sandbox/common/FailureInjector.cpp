#include "FailureInjector.h"

#include <algorithm>

namespace patchbay::sandbox {

void FailureInjector::failNext(int count, ResponseFactory response)
{
    m_remaining = std::max(0, count);
    m_response = std::move(response);
}

void FailureInjector::failNext(int count, int status, const QList<QPair<QByteArray, QByteArray>> &headers,
                               const QByteArray &body)
{
    failNext(count, [status, headers, body] {
        HttpServerResponse response;
        response.status = status;
        response.body = body;
        response.headers = headers;
        const bool hasType = std::any_of(headers.begin(), headers.end(), [](const auto &header) {
            return header.first.compare("content-type", Qt::CaseInsensitive) == 0;
        });
        if (!body.isEmpty() && !hasType)
            response.withHeader("Content-Type",
                                body.startsWith('{') || body.startsWith('[') ? "application/json" : "text/plain");
        return response;
    });
}

std::optional<HttpServerResponse> FailureInjector::take()
{
    if (m_remaining == 0 || !m_response)
        return std::nullopt;
    --m_remaining;
    return m_response();
}

} // namespace patchbay::sandbox

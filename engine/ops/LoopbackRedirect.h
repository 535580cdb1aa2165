#pragma once

#include "AuthorizationRedirect.h"

#include <memory>

namespace patchbay {

class HttpService;

// Receives the provider's redirect on 127.0.0.1 (RFC 8252 loopback redirect), on a port chosen on first use, and
// answers the browser with a short page saying what happened. Lives on the thread that created it.
class LoopbackRedirect : public AuthorizationRedirect
{
public:
    LoopbackRedirect();
    ~LoopbackRedirect() override;

    void setHandler(Handler handler) override { m_handler = std::move(handler); }
    Result<QUrl> redirectUri() override;

private:
    Handler m_handler;
    std::unique_ptr<HttpService> m_server;
};

} // namespace patchbay

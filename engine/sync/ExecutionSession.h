#pragma once

#include "ConnectionSession.h"
#include "http/HttpClient.h"
#include "http/RequestRunner.h"

namespace patchbay {

// What one execution of a connection sends its requests through, set up in one place: an HTTP client, a runner
// that keeps the definition's rate limits and reports to the execution's journal, and the connection's session
// (its URLs with origin overrides, its credential). Lives as long as the execution.
struct ExecutionSession
{
    ExecutionSession(Store &store, const CredentialVault &vault, const ProviderDefinition &definition,
                     const Connection &connection, ExecutionJournal &journal, Clock &clock,
                     HttpClient::NetworkFactory networkFactory)
        : http(std::move(networkFactory)), runner(http, clock, definition.rateLimit, journal),
          session(store, vault, definition, connection, runner, journal, clock)
    {
    }

    HttpClient http;
    RequestRunner runner;
    ConnectionSession session;
};

} // namespace patchbay

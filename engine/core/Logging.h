#pragma once

#include <QLoggingCategory>

// The engine's log categories, one per area, so an operator turns on one area's debug output without the rest:
//   QT_LOGGING_RULES="patchbay.http.debug=true" patchbay-console
// Every category logs warnings and above by default. Nothing logged under them may hold a secret: no token, key,
// Authorization header, query string or request body (URLs are logged without their query).
namespace patchbay {

Q_DECLARE_LOGGING_CATEGORY(lcAuth)    // patchbay.auth: master key, token refresh
Q_DECLARE_LOGGING_CATEGORY(lcCatalog) // patchbay.catalog: provider definitions and integration manifests
Q_DECLARE_LOGGING_CATEGORY(lcHttp)    // patchbay.http: each provider request (method, URL without query), answer
Q_DECLARE_LOGGING_CATEGORY(lcSchedule) // patchbay.schedule: jobs queued, started, finished, retried; shutdown
Q_DECLARE_LOGGING_CATEGORY(lcServer)  // patchbay.server: requests the HTTP server adapter receives; patchbayd life cycle
Q_DECLARE_LOGGING_CATEGORY(lcStore)   // patchbay.store: SQLite statements that fail, migrations
Q_DECLARE_LOGGING_CATEGORY(lcSync)    // patchbay.sync: executions, pages, journal, leases, webhooks

} // namespace patchbay

#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ServerContext.h"

namespace patchbay {

// /api/v1/ops/audit: the audit log.
void addAuditRoutes(ApiRouter &, ServerContext &) {}

} // namespace patchbay

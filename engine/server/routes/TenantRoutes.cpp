#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ServerContext.h"

namespace patchbay {

// /api/v1/tenants: list, create, get and delete tenants.
void addTenantRoutes(ApiRouter &, ServerContext &) {}

} // namespace patchbay

#include "Routes.h"

namespace patchbay {

void addAllRoutes(ApiRouter &router, ServerContext &context)
{
    addOpenApiRoutes(router, context);
    addTenantRoutes(router, context);
    addAuditRoutes(router, context);
    addConnectRoutes(router, context);
    addFeedRoutes(router, context);
    addOpsRoutes(router, context);
    addSchedulerRoutes(router, context);
}

} // namespace patchbay

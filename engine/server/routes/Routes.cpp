#include "Routes.h"

#include "store/Store.h"

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
    addWebhookRoutes(router, context);
}

Result<void> auditedChange(Store &store, const std::function<Result<AuditEntry>()> &change)
{
    return store.inTransaction([&]() -> Result<void> {
        auto entry = change();
        if (!entry)
            return entry.error();
        if (auto appended = store.audit().appendAudit(entry.value()); !appended)
            return appended.error();
        return {};
    });
}

} // namespace patchbay

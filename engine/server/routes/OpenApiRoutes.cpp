#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/OpenApiDocument.h"

namespace patchbay {

void addOpenApiRoutes(ApiRouter &router, ServerContext &)
{
    // The description of the API is no secret: clients fetch it before they hold a key.
    router.add("GET", QStringLiteral("/api/v1/openapi.json"), ApiAccess::open(), [](const ApiRequest &) {
        const auto document = OpenApiDocument::builtIn();
        if (!document)
            return ApiResponse::fromError(document.error());
        return ApiResponse::json(document.value());
    });
}

} // namespace patchbay

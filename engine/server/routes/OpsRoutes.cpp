#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ServerContext.h"

namespace patchbay {

// The routes of the ops API (OpsApi over HTTP): the opsroutes branch fills this in.
void addOpsRoutes(ApiRouter &, ServerContext &) {}

} // namespace patchbay

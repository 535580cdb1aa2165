#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ServerContext.h"

namespace patchbay {

// The routes of connections and connect sessions: the connect branch fills this in.
void addConnectRoutes(ApiRouter &, ServerContext &) {}

} // namespace patchbay

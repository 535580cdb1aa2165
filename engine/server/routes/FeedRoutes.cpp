#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ServerContext.h"

namespace patchbay {

// The routes of the records change feed and writes: the feed branch fills this in.
void addFeedRoutes(ApiRouter &, ServerContext &) {}

} // namespace patchbay

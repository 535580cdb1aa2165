#include "Routes.h"

#include "server/ApiRouter.h"
#include "server/ServerContext.h"

namespace patchbay {

// The routes of schedules and pause/resume: the scheduler branch fills this in.
void addSchedulerRoutes(ApiRouter &, ServerContext &) {}

} // namespace patchbay

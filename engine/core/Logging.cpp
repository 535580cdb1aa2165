#include "Logging.h"

namespace patchbay {

Q_LOGGING_CATEGORY(lcAuth, "patchbay.auth", QtWarningMsg)
Q_LOGGING_CATEGORY(lcCatalog, "patchbay.catalog", QtWarningMsg)
Q_LOGGING_CATEGORY(lcHttp, "patchbay.http", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSchedule, "patchbay.schedule", QtWarningMsg)
Q_LOGGING_CATEGORY(lcServer, "patchbay.server", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStore, "patchbay.store", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSync, "patchbay.sync", QtWarningMsg)

} // namespace patchbay

#pragma once

#include "core/Result.h"

#include <QJsonObject>
#include <QString>

namespace patchbay {

// The hand-written OpenAPI 3.1 document of /api/v1, as JSON. It lives in resources/openapi/ as YAML, one file per
// feature so that features add their paths without touching each other's: openapi.yaml holds the document's head
// (info, security, the shared components such as Error), and every paths/<feature>.yaml holds a `paths:` map and
// optionally `components: { schemas: ... }`, merged into it. A path or schema named twice is an error
// (openapi.duplicate), as is a file that is not YAML (openapi.bad_file).
namespace OpenApiDocument {

// The document built into the program (the resources), loaded once.
Result<QJsonObject> builtIn();
// The document from a directory laid out as resources/openapi/ (tests of the layout).
Result<QJsonObject> load(const QString &directory);

} // namespace OpenApiDocument

} // namespace patchbay

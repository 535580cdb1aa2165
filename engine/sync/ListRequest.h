#pragma once

#include "Paginator.h"
#include "core/Result.h"
#include "jsonata/Expression.h"

namespace patchbay {

class ConnectionSession;

// The request for one page of a list (records, fields): the request's templates rendered with the bindings, its
// JSONata body, and the page position placed by the paginator (or the provider's next link as it is).
Result<HttpRequest> buildListRequest(ConnectionSession &session, const RequestSpec &spec, const Paginator &paginator,
                                     const PageState &page, const jsonata::Bindings &bindings, const QString &object);

} // namespace patchbay

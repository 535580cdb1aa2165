#pragma once

#include "Paginator.h"
#include "core/Result.h"
#include "jsonata/Expression.h"

namespace patchbay {

class ConnectionSession;

// A request's templated query parameters (one that renders nothing is left out) and headers (plus Accept: JSON).
Result<void> addQueryParams(QUrl &url, const QMap<QString, QString> &params, const jsonata::Bindings &bindings);
Result<void> addHeaders(HttpRequest &request, const QMap<QString, QString> &headers, const jsonata::Bindings &bindings);

// The request for one page of a list (records, fields): the request's templates rendered with the bindings, its
// JSONata body, and the page position placed by the paginator (or the provider's next link as it is).
// The records (or fields) of one page: at the spec's recordsPath, or what its records expression gives (one
// object is a list of one). A provider that leaves the list out, or sends null, when there is nothing gives an empty
// list when the spec says recordsOptional; anything else that is not a list is returned as it is, for the caller to
// refuse.
Result<QJsonValue> pageRecords(const RequestSpec &spec, const QJsonValue &page, const jsonata::Bindings &bindings,
                               const QString &object);
// Whether the provider reports the record deleted (the object's deletedPath or deletedWhen).
bool recordIsDeleted(const ObjectSpec &object, const QJsonValue &record);

Result<HttpRequest> buildListRequest(ConnectionSession &session, const RequestSpec &spec, const Paginator &paginator,
                                     const PageState &page, const jsonata::Bindings &bindings, const QString &object);

} // namespace patchbay

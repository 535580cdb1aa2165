#pragma once

#include "core/Result.h"
#include "server/HttpService.h"

#include <QFuture>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace patchbay {

// The answers of patchbayd's API, built in one place so that every route answers the same way.
namespace ApiResponse {

// 200 (or status) with a JSON body.
HttpServerResponse json(const QJsonObject &body, int status = 200);
HttpServerResponse json(const QJsonArray &body, int status = 200);
// 204, no body.
HttpServerResponse noContent();

// The error body every route answers with: {"error":{"code":"...","message":"..."}}. code is stable (clients branch
// on it); message is plain words for a person.
HttpServerResponse error(int status, const QString &code, const QString &message);
// 404 {what}.not_found, "No {what} {id}.": the same answer whether the thing does not exist or belongs to a tenant
// the caller's key cannot see (see ApiCaller::seesTenant).
HttpServerResponse notFound(const QString &what, const QString &id);
// An engine Error as an answer, its status from its code: request.* 400, *.not_found 404, *_exists and
// *.conflict 409, auth.* 401 or 403 as the code says, anything else 500 (logged; the client gets the code and
// message, which never carry a secret).
HttpServerResponse fromError(const Error &error);
int statusForError(const Error &error);

// The response as a future that is already finished (for handlers that answer at once).
QFuture<HttpServerResponse> ready(HttpServerResponse response);

} // namespace ApiResponse

} // namespace patchbay

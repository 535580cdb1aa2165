#pragma once

#include "server/HttpService.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>

#include <optional>

namespace patchbay::sandbox {

// Small HTTP helpers every emulator needs, so that providers only spell out their own quirks.
class SandboxHttp
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    struct BasicCredentials
    {
        QString user;
        QString password;
    };

    static HttpServerResponse json(const QJsonObject &body, int status = 200);
    static HttpServerResponse json(const QJsonArray &body, int status = 200);

    // Form bodies encode spaces as '+', which QUrlQuery does not decode.
    static QUrlQuery formBody(const QByteArray &body);
    // A JSON object body as a query, so token endpoints that take either form or JSON read them alike.
    static QUrlQuery formOrJsonBody(const HttpServerRequest &request);
    static QString pathAndQuery(const QUrl &url);
    // A decoded query parameter that also reads '+' as a space, as form-style query strings write it.
    static QString queryParameter(const QUrlQuery &query, const QString &name);

    // The token of "Authorization: Bearer X" (any case of "Bearer"), or empty.
    static QString bearerToken(const HttpServerRequest &request);
    static std::optional<BasicCredentials> basicCredentials(const HttpServerRequest &request);

    static HttpServerResponse withHeaders(HttpServerResponse response, const Headers &headers);
    // UTC with milliseconds and a Z, the form most providers print.
    static QString isoTimestamp(const QDateTime &time);
    // The form Salesforce and Jira print: 2026-01-15T10:30:00.000+0000.
    static QString offsetTimestamp(const QDateTime &time);
    // Reads ISO 8601 with Z, +00:00 or +0000, with or without milliseconds, or a bare date (midnight UTC).
    static QDateTime parseTimestamp(const QString &text);
};

} // namespace patchbay::sandbox

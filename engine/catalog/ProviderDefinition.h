#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace patchbay {

// A provider definition as loaded from resources/providers/NAME.yaml. Field by field reference:
// resources/providers/README.md. Nothing here names a provider: quirks are values.

struct AuthSpec
{
    QString type; // oauth2 | bearer | api-key | basic
    QString authorizeUrl;
    QString tokenUrl;
    QStringList scopes;
    QString scopeSeparator = QStringLiteral(" ");
    bool pkce = false;
    QString clientAuth = QStringLiteral("body"); // body | basic: how client_id/secret reach the token endpoint
    int refreshMarginSeconds = 300;              // refresh this long before expiry
    QStringList revokedErrors;                   // refresh error codes meaning "authorise again"
};

struct ErrorSpec
{
    QStringList codePaths;    // dotted paths tried in order to find an error code in an error body
    QStringList messagePaths; // ... and its human message
};

struct RetryRule
{
    int status = 0;
    QString retryAfterHeader; // seconds or an HTTP date
};

struct RateLimitSpec
{
    QList<RetryRule> retryOn;
    QList<int> retryStatuses = {500, 502, 503, 504}; // transient failures retried with backoff
    QString remainingHeader;
    int maxRetries = 5;
    int backoffInitialMs = 500;
    int backoffMaxMs = 30000;
};

struct PaginationSpec
{
    QString type = QStringLiteral("none"); // none | cursor
    QString nextPath;                      // where the next cursor is in a page body
    QString param;                         // query parameter that carries it
    QString limitParam;
    int pageSize = 100;
};

struct RequestSpec
{
    QString method = QStringLiteral("GET");
    QString path;
    QString recordsPath; // where the records are in a page body; empty = the body is the array
    QMap<QString, QString> params;
};

struct ObjectSpec
{
    QString name;
    RequestSpec list;
    QString idField = QStringLiteral("id");
    QString updatedAtField;
};

struct ProviderDefinition
{
    QString name;
    QString displayName;
    QString baseUrl;
    AuthSpec auth;
    ErrorSpec errors;
    RateLimitSpec rateLimit;
    PaginationSpec pagination;
    QMap<QString, ObjectSpec> objects;
    QString sourceFile;
};

} // namespace patchbay

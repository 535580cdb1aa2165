#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay {

// A provider definition as loaded from resources/providers/NAME.yaml. Field by field reference:
// resources/providers/README.md. Nothing here names a provider: quirks are values.

// Strings marked "template" may hold {{ JSONata }} parts, evaluated with $connection (the connection's
// config), $credential (non-secret credential fields), and, in requests, $since, $cursor, $limit, $offset,
// $page and $now.

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
    int tokenLifetimeSeconds = 0;                // when the token response has no expires_in (0: unknown)
    QMap<QString, QString> capture;              // connection config key -> token response path (instance_url)
    QMap<QString, QString> tokenParams;          // extra token request parameters
    QString tokenRequestFormat = QStringLiteral("form"); // form | json: how the token request body is encoded
    QMap<QString, QString> authorizeParams;      // extra authorize URL parameters
    // api-key: where the key goes
    QString apiKeyIn = QStringLiteral("header"); // header | query
    QString apiKeyName = QStringLiteral("Authorization");
    QString apiKeyPrefix;                        // e.g. "Bearer " or "Token "
    // basic: user name and password (templates over $credential; default: the API key and an empty password)
    QString basicUsername;
    QString basicPassword;
};

struct ErrorSpec
{
    QStringList codePaths;    // dotted paths tried in order to find an error code in an error body
    QStringList messagePaths; // ... and its human message
    QString successErrorPath; // JSONata over a 2xx body; a non-empty result means the call failed anyway
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
    int slowDownBelow = 0;     // with remainingHeader: when fewer requests remain, wait for the window's reset
    QString resetHeader;       // when the window resets
    QString resetFormat = QStringLiteral("epochSeconds"); // epochSeconds | epochMillis | iso8601 | seconds
    int maxRetries = 5;
    int backoffInitialMs = 500;
    int backoffMaxMs = 30000;
};

struct PaginationSpec
{
    QString type = QStringLiteral("none"); // none | cursor | nextUrl | linkHeader | offset | page
    QString nextPath;             // cursor: where the next cursor is; nextUrl: where the next URL is
    QString cursorFromLastRecord; // cursor: the cursor is this field of the page's last record (starting_after)
    QString param;                // cursor, offset, page: the parameter that carries it
    QString in = QStringLiteral("query"); // query | body: where cursor/limit go (POST searches)
    QString hasMorePath;          // a flag in the body: false means last page
    QString nextOffsetPath;       // offset: the next offset as the provider states it
    QString totalPath;            // offset: the total number of records, to stop at
    int firstPage = 1;            // page: number of the first page
    QString limitParam;
    int pageSize = 100;
    bool stopWhenShort = false;   // a page with fewer records than asked for is the last
};

struct RequestSpec
{
    QString method = QStringLiteral("GET");
    QString path;        // template; a full URL template is allowed too
    QString recordsPath; // where the records are in a page body; empty = the body is the array
    bool recordsOptional = false; // the provider leaves the array out of a page that has no records (Square)
    QMap<QString, QString> params;  // templates
    QMap<QString, QString> headers; // templates
    QString body;        // JSONata expression giving the JSON body (POST searches)
};

struct IncrementalSpec
{
    bool enabled = false;
    RequestSpec request;  // used instead of list once a since value is known
    QString sinceFormat = QStringLiteral("iso8601"); // iso8601 | epochSeconds | epochMillis | a $fromMillis picture
    int lookbackSeconds = 0;  // re-read this much before the highest updated-at seen (late writers)
    QString deltaLinkPath;    // a delta link on the last page replaces since-filtering (Graph)
    QList<int> resyncStatuses; // the provider answers these to a stale delta link: read everything again
    std::optional<PaginationSpec> pagination; // when changes page differently from the full list
};

struct ObjectSpec
{
    QString name;
    RequestSpec list;
    IncrementalSpec incremental;
    QString idField = QStringLiteral("id");
    QString updatedAtField;
    QString deletedPath; // a record field that, when true, means the record was deleted
    std::optional<PaginationSpec> pagination; // overrides the definition's
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

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
    QString grant = QStringLiteral("authorization_code"); // oauth2: authorization_code | client_credentials
    QString authorizeUrl;
    QString tokenUrl;
    QStringList scopes;
    QString scopeSeparator = QStringLiteral(" ");
    bool pkce = false;
    QString clientAuth = QStringLiteral("body"); // body | basic: how client_id/secret reach the token endpoint
    int refreshMarginSeconds = 300;              // refresh this long before expiry
    QStringList revokedErrors;                   // refresh error codes meaning "authorise again"
    int tokenLifetimeSeconds = 0;                // when the token response has no expires_in (0: unknown)
    QString expiresAtPath;                       // an absolute expiry in the token response (Square's expires_at)
    QMap<QString, QString> capture;              // connection config key -> token response path (instance_url)
    QMap<QString, QString> tokenParams;          // extra token request parameters
    QString tokenRequestFormat = QStringLiteral("form"); // form | json: how the token request body is encoded
    QMap<QString, QString> authorizeParams;      // extra authorize URL parameters
    QString issuer; // the authorization server's issuer identifier, checked against a callback's iss (RFC 9207)
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
    QString when;             // JSONata over the answer's body (with $headers): the rule applies only when true
    int minWaitSeconds = 0;   // wait at least this long (GitHub's secondary limits: a minute)
};

// A provider's limit of `requests` calls in any `perSeconds` seconds, kept by the engine itself. key is a template
// over $connection naming the account the provider counts by (a portal id, an instance URL); every connection that
// names the same account shares one budget. Without a key, each connection has its own.
struct BudgetSpec
{
    int requests = 0;
    int perSeconds = 1;
    QString key;
};

// A window the provider counts for us and reports in a remaining-count header. When fewer than holdBelow calls
// remain, the next call of the scope (key, as for a budget; the connection without one) waits until the window
// resets: at the time the reset header gives, else an interval after the answer (from intervalHeader, else
// intervalSeconds). A window whose reset is unknown only warns. limitHeader and policy describe the window to the
// product in the proxy's IETF RateLimit fields (RateLimitFields): the calls it allows, and the name it goes by.
struct RemainingWindow
{
    QString remainingHeader;
    QString limitHeader; // the calls the window allows (its quota), when the provider reports it
    QString policy;      // the window's name in RateLimit fields; default: the remaining header's name, lower case
    QString resetHeader;
    QString resetFormat = QStringLiteral("epochSeconds"); // epochSeconds | epochMillis | iso8601 | seconds
    QString intervalHeader;                               // the window's length, in intervalUnit
    QString intervalUnit = QStringLiteral("seconds");     // seconds | milliseconds
    int intervalSeconds = 0;
    int holdBelow = 1;
    QString key;

    bool resetKnown() const { return !resetHeader.isEmpty() || !intervalHeader.isEmpty() || intervalSeconds > 0; }
    QString policyName() const { return policy.isEmpty() ? remainingHeader.toLower() : policy; }
};

struct RateLimitSpec
{
    QList<RetryRule> retryOn;
    QList<int> retryStatuses = {500, 502, 503, 504}; // transient failures retried with backoff
    QString resetHeader;                             // when the window resets (also read for a 429 without Retry-After)
    QString resetFormat = QStringLiteral("epochSeconds"); // epochSeconds | epochMillis | iso8601 | seconds
    int maxRetries = 5;
    int backoffInitialMs = 500;
    int backoffMaxMs = 30000;
    // Every window the engine keeps (`budget:` or `budgets:`); a call waits until each has room.
    QList<BudgetSpec> budgets;
    // Every window the provider reports (`windows:`, or the one-window form `remainingHeader:` + `slowDownBelow:`).
    QList<RemainingWindow> windows;
};

struct PaginationSpec
{
    QString type = QStringLiteral("none"); // none | cursor | nextUrl | linkHeader | offset | page
    QString nextPath;             // cursor: where the next cursor is; nextUrl: where the next URL is
    QString cursorFromLastRecord; // cursor: the cursor is this field of the page's last record (starting_after)
    QString param;                // cursor, offset, page: the parameter that carries it
    QString in = QStringLiteral("query"); // query | body: where cursor/limit go (POST searches)
    QString hasMorePath;          // a flag in the body: false means last page
    QString lastPageWhen;         // JSONata over the page body: true means last page (Zendesk end_of_stream)
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
    QString records;     // JSONata over the page body giving the records, when a path is not enough (envelopes)
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

// One write call. Templates see $id (the provider id, for updates) besides the usual bindings; the body is a
// JSONata expression over $record (one record in the provider's shape, after the reverse mapping), or, for a
// batch, $records (the list), with $key (the product's id of the record) and $idempotencyKey.
struct WriteRequestSpec
{
    QString method = QStringLiteral("POST");
    QString path;
    QMap<QString, QString> params;  // templates
    QMap<QString, QString> headers; // templates
    QString body;                   // JSONata; empty sends no body
    QString bodyFormat = QStringLiteral("json"); // json | form (nested objects as a[b]=c, Stripe style)
    QString idPath;   // single: JSONata over the response body giving the record's provider id
    QString results;  // batch: JSONata over the response body (with $records and $status) giving one
                      // {index?, id?, error?, code?} per item; without index they are in the order sent
    int maxItems = 0; // batch: items per request
};

struct WriteSpec
{
    std::optional<WriteRequestSpec> create;
    std::optional<WriteRequestSpec> update;
    std::optional<WriteRequestSpec> batchCreate;
    std::optional<WriteRequestSpec> batchUpdate;
    bool any() const { return create || update || batchCreate || batchUpdate; }
};

// Where an object's fields are listed (custom fields included) and how to read one field's description.
// name, label, type and custom are JSONata expressions over one field of the answer.
struct SchemaSpec
{
    RequestSpec request; // its recordsPath is where the list of fields is
    std::optional<PaginationSpec> pagination;
    QString name = QStringLiteral("name");
    QString label = QStringLiteral("label");
    QString type = QStringLiteral("type");
    QString custom = QStringLiteral("custom");
};

struct ObjectSpec
{
    QString name;
    RequestSpec list;
    bool readable = true; // false for an object that is only written
    std::optional<RequestSpec> get; // one record by $id (webhook events that name a record); recordsPath = where it is
    WriteSpec write;
    std::optional<SchemaSpec> schema;
    IncrementalSpec incremental;
    QString idField = QStringLiteral("id");
    QString updatedAtField;
    QString deletedPath; // a record field that, when true, means the record was deleted
    QString deletedWhen; // JSONata over a record: true means the provider reports it deleted
    bool fullReadRemovesMissing = true; // a complete full pass removes stored records it did not see
    std::optional<PaginationSpec> pagination; // overrides the definition's
};

// How incoming webhook calls are verified and turned into record events. Every computed value is a JSONata
// expression over the call: $body (raw text), $json (the parsed body), $method, $url (as received, with the
// query), $query and $headers (objects; header names in lower case), $timestamp and $secret.
struct WebhookSpec
{
    bool enabled = false;
    QString secret = QStringLiteral("webhookSecret"); // the credential field that signs: webhookSecret | clientSecret | apiKey
    // signature
    QString algorithm = QStringLiteral("hmac-sha256"); // hmac-sha256 | hmac-sha1 | plain (the message itself) | none
    QString encoding = QStringLiteral("hex");          // hex | base64
    QString message;  // what is signed
    QString provided; // the signature(s) the call carries: a string or a list (secret rotation)
    // replay protection
    QString timestamp; // the call's timestamp
    QString timestampFormat = QStringLiteral("epochSeconds"); // epochSeconds | epochMillis | iso8601
    int toleranceSeconds = 300;
    QString check; // a condition that must hold besides the signature (Graph clientState)
    // verification handshake
    QString handshakeWhen;    // a call for which this is true is a handshake, not events
    QString handshakeRespond; // the text answered
    QString handshakeContentType = QStringLiteral("text/plain");
    // events
    QString eventsPath = QStringLiteral("$");  // the events of one call (a single object counts as one)
    QString eventId;    // per event (event bindings: $event plus the call's)
    QString eventType;
    QString object;     // the definition's object the event is about
    QString recordId;
    QString record;     // the record itself when the event carries it
    QString deleted;    // true when the event says the record is gone
    QString account;    // the provider account, to find the connection
    QString accountKey; // template over $connection: the account value of that connection
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
    WebhookSpec webhooks;
    QString sourceFile;
};

} // namespace patchbay

#include "DefinitionLoader.h"

#include "TemplateText.h"
#include "YamlDocument.h"
#include "YamlReader.h"

#include <QSet>
#include <QRegularExpression>
#include <QUrl>

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace patchbay {

namespace {

using Reader = YamlReader;

QMap<QString, QString> readStringMap(Reader &r, const YAML::Node &node, const QString &what, bool templates)
{
    QMap<QString, QString> map;
    if (!node || !r.expectMap(node, what))
        return map;
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (!it->second.IsScalar()) {
            r.error(it->second.Mark(), QStringLiteral("'%1' in %2 must be a single value")
                                           .arg(YamlReader::str(it->first.Scalar()), what));
            continue;
        }
        const QString value = YamlReader::str(it->second.Scalar());
        if (templates) {
            if (auto problem = TemplateText::check(value))
                r.error(it->second.Mark(), QStringLiteral("template of '%1': %2").arg(YamlReader::str(it->first.Scalar()), *problem));
        }
        map.insert(YamlReader::str(it->first.Scalar()), value);
    }
    return map;
}

QString readTemplate(Reader &r, const YAML::Node &map, const char *key, const QString &what, bool required,
                     const QString &fallback = {})
{
    const QString value = r.string(map, key, what, required, fallback);
    if (map[key]) {
        if (auto problem = TemplateText::check(value))
            r.error(map[key].Mark(), QStringLiteral("template of '%1': %2").arg(QLatin1String(key), *problem));
    }
    return value;
}

QString readExpression(Reader &r, const YAML::Node &map, const char *key, const QString &what)
{
    const QString value = r.string(map, key, what, false);
    if (!value.isEmpty()) {
        const auto compiled = jsonata::Expression::compile(value);
        if (!compiled) {
            r.error(map[key].Mark(), QStringLiteral("'%1' is not a valid JSONata expression: %2 at position %3: %4")
                                         .arg(QLatin1String(key), QString::fromStdString(compiled.error().code))
                                         .arg(compiled.error().position)
                                         .arg(QString::fromStdString(compiled.error().message)));
        }
    }
    return value;
}

QList<int> readStatuses(Reader &r, const YAML::Node &map, const char *key, const QString &what)
{
    QList<int> statuses;
    for (const QString &status : r.stringList(map, key, what)) {
        bool ok = false;
        const int code = status.toInt(&ok);
        if (ok && code >= 100 && code <= 599)
            statuses.append(code);
        else
            r.error(map[key].Mark(), QStringLiteral("'%1' is not an HTTP status").arg(status));
    }
    return statuses;
}

AuthSpec readAuth(Reader &r, const YAML::Node &node)
{
    AuthSpec auth;
    const QString what = QStringLiteral("auth");
    if (!r.expectMap(node, what))
        return auth;
    r.checkKeys(node, what,
                {QStringLiteral("type"), QStringLiteral("authorizeUrl"), QStringLiteral("tokenUrl"),
                 QStringLiteral("scopes"), QStringLiteral("scopeSeparator"), QStringLiteral("pkce"),
                 QStringLiteral("clientAuth"), QStringLiteral("refreshMarginSeconds"), QStringLiteral("revokedErrors"),
                 QStringLiteral("tokenLifetimeSeconds"), QStringLiteral("capture"), QStringLiteral("tokenParams"),
                 QStringLiteral("authorizeParams"), QStringLiteral("apiKey"), QStringLiteral("basic"),
                 QStringLiteral("tokenRequestFormat"), QStringLiteral("expiresAtPath"), QStringLiteral("grant"),
                 QStringLiteral("issuer")});
    auth.type = r.oneOf(node, "type", what,
                        {QStringLiteral("oauth2"), QStringLiteral("bearer"), QStringLiteral("api-key"),
                         QStringLiteral("basic")},
                        true);
    const bool oauth = auth.type == QLatin1String("oauth2");
    auth.grant = r.oneOf(node, "grant", what, {QStringLiteral("authorization_code"), QStringLiteral("client_credentials")},
                         false, auth.grant);
    auth.authorizeUrl = readTemplate(r, node, "authorizeUrl", what, false);
    auth.tokenUrl = readTemplate(r, node, "tokenUrl", what, oauth);
    if (!TemplateText::hasParts(auth.authorizeUrl))
        r.url(node, "authorizeUrl", auth.authorizeUrl);
    if (!TemplateText::hasParts(auth.tokenUrl))
        r.url(node, "tokenUrl", auth.tokenUrl);
    auth.scopes = r.stringList(node, "scopes", what);
    auth.scopeSeparator = r.string(node, "scopeSeparator", what, false, auth.scopeSeparator);
    auth.pkce = r.boolean(node, "pkce", what, false);
    auth.clientAuth = r.oneOf(node, "clientAuth", what, {QStringLiteral("body"), QStringLiteral("basic")}, false,
                              auth.clientAuth);
    auth.refreshMarginSeconds = r.integer(node, "refreshMarginSeconds", what, auth.refreshMarginSeconds, 0, 86400);
    auth.revokedErrors = r.stringList(node, "revokedErrors", what);
    auth.tokenLifetimeSeconds = r.integer(node, "tokenLifetimeSeconds", what, 0, 0, 31536000);
    auth.expiresAtPath = r.string(node, "expiresAtPath", what, false);
    auth.capture = readStringMap(r, node["capture"], QStringLiteral("capture"), false);
    auth.tokenParams = readStringMap(r, node["tokenParams"], QStringLiteral("tokenParams"), true);
    auth.tokenRequestFormat = r.oneOf(node, "tokenRequestFormat", what, {QStringLiteral("form"), QStringLiteral("json")},
                                      false, auth.tokenRequestFormat);
    auth.authorizeParams = readStringMap(r, node["authorizeParams"], QStringLiteral("authorizeParams"), true);
    auth.issuer = r.string(node, "issuer", what, false);
    if (!auth.issuer.isEmpty())
        r.url(node, "issuer", auth.issuer);
    if (const YAML::Node apiKey = node["apiKey"]; apiKey && r.expectMap(apiKey, QStringLiteral("apiKey"))) {
        r.checkKeys(apiKey, QStringLiteral("apiKey"),
                    {QStringLiteral("in"), QStringLiteral("name"), QStringLiteral("prefix")});
        auth.apiKeyIn = r.oneOf(apiKey, "in", QStringLiteral("apiKey"), {QStringLiteral("header"), QStringLiteral("query")},
                                false, auth.apiKeyIn);
        auth.apiKeyName = r.string(apiKey, "name", QStringLiteral("apiKey"), false, auth.apiKeyName);
        auth.apiKeyPrefix = r.string(apiKey, "prefix", QStringLiteral("apiKey"), false);
    }
    if (const YAML::Node basic = node["basic"]; basic && r.expectMap(basic, QStringLiteral("basic"))) {
        r.checkKeys(basic, QStringLiteral("basic"), {QStringLiteral("username"), QStringLiteral("password")});
        auth.basicUsername = readTemplate(r, basic, "username", QStringLiteral("basic"), false);
        auth.basicPassword = readTemplate(r, basic, "password", QStringLiteral("basic"), false);
    }
    return auth;
}

ErrorSpec readErrors(Reader &r, const YAML::Node &node)
{
    ErrorSpec errors;
    if (!r.expectMap(node, QStringLiteral("errors")))
        return errors;
    r.checkKeys(node, QStringLiteral("errors"),
                {QStringLiteral("codePaths"), QStringLiteral("messagePaths"), QStringLiteral("successErrorPath")});
    errors.codePaths = r.stringList(node, "codePaths", QStringLiteral("errors"));
    errors.messagePaths = r.stringList(node, "messagePaths", QStringLiteral("errors"));
    errors.successErrorPath = readExpression(r, node, "successErrorPath", QStringLiteral("errors"));
    return errors;
}

BudgetSpec readBudget(Reader &r, const YAML::Node &node)
{
    BudgetSpec budget;
    const QString what = QStringLiteral("budget");
    if (!r.expectMap(node, what))
        return budget;
    r.checkKeys(node, what, {QStringLiteral("requests"), QStringLiteral("perSeconds"), QStringLiteral("key")});
    budget.requests = r.integer(node, "requests", what, 0, 1, 1000000);
    budget.perSeconds = r.integer(node, "perSeconds", what, 1, 1, 86400);
    budget.key = readTemplate(r, node, "key", what, false);
    if (!node["requests"])
        r.error(node.Mark(), QStringLiteral("a budget needs the field 'requests'"));
    return budget;
}

const QStringList kResetFormats = {QStringLiteral("epochSeconds"), QStringLiteral("epochMillis"),
                                   QStringLiteral("iso8601"), QStringLiteral("seconds")};

// A window's name in the proxy's RateLimit fields: a structured-field string, so printable ASCII without quotes or
// backslashes (kept plain, so that the product can name it in its own code).
QString readPolicyName(Reader &r, const YAML::Node &node, const QString &what)
{
    const QString policy = r.string(node, "policy", what, false);
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_.:*/+-]{1,64}$"));
    if (!policy.isEmpty() && !plain.match(policy).hasMatch())
        r.error(node["policy"].Mark(), QStringLiteral("'policy' must be 1 to 64 letters, digits or _ . : * / + -"));
    return policy;
}

RemainingWindow readWindow(Reader &r, const YAML::Node &node)
{
    RemainingWindow window;
    const QString what = QStringLiteral("a window");
    if (!r.expectMap(node, what))
        return window;
    r.checkKeys(node, what,
                {QStringLiteral("remainingHeader"), QStringLiteral("limitHeader"), QStringLiteral("policy"),
                 QStringLiteral("resetHeader"), QStringLiteral("resetFormat"), QStringLiteral("intervalHeader"),
                 QStringLiteral("intervalUnit"), QStringLiteral("intervalSeconds"), QStringLiteral("holdBelow"),
                 QStringLiteral("key")});
    window.remainingHeader = r.string(node, "remainingHeader", what, true);
    window.limitHeader = r.string(node, "limitHeader", what, false);
    window.policy = readPolicyName(r, node, what);
    window.resetHeader = r.string(node, "resetHeader", what, false);
    window.resetFormat = r.oneOf(node, "resetFormat", what, kResetFormats, false, window.resetFormat);
    window.intervalHeader = r.string(node, "intervalHeader", what, false);
    window.intervalUnit =
        r.oneOf(node, "intervalUnit", what, {QStringLiteral("seconds"), QStringLiteral("milliseconds")}, false,
                window.intervalUnit);
    window.intervalSeconds = r.integer(node, "intervalSeconds", what, 0, 1, 86400);
    window.holdBelow = r.integer(node, "holdBelow", what, window.holdBelow, 1, 1000000);
    window.key = readTemplate(r, node, "key", what, false);
    if (!window.resetKnown())
        r.error(node.Mark(), QStringLiteral("a window needs 'resetHeader', 'intervalHeader' or 'intervalSeconds' to "
                                            "know when it resets"));
    return window;
}

RateLimitSpec readRateLimit(Reader &r, const YAML::Node &node)
{
    RateLimitSpec spec;
    const QString what = QStringLiteral("rateLimit");
    if (!r.expectMap(node, what))
        return spec;
    r.checkKeys(node, what,
                {QStringLiteral("retryOn"), QStringLiteral("retryStatuses"), QStringLiteral("remainingHeader"),
                 QStringLiteral("limitHeader"), QStringLiteral("policy"), QStringLiteral("slowDownBelow"), QStringLiteral("resetHeader"), QStringLiteral("resetFormat"),
                 QStringLiteral("maxRetries"), QStringLiteral("backoff"), QStringLiteral("budget"),
                 QStringLiteral("budgets"), QStringLiteral("windows")});
    if (node["budget"] && node["budgets"])
        r.error(node["budgets"].Mark(), QStringLiteral("use either 'budget' or 'budgets', not both"));
    if (const YAML::Node budget = node["budget"])
        spec.budgets.append(readBudget(r, budget));
    if (const YAML::Node budgets = node["budgets"]) {
        if (!budgets.IsSequence()) {
            r.error(budgets.Mark(), QStringLiteral("'budgets' must be a list of { requests, perSeconds, key }"));
        } else {
            for (const YAML::Node &budget : budgets)
                spec.budgets.append(readBudget(r, budget));
        }
    }
    if (const YAML::Node windows = node["windows"]) {
        if (!windows.IsSequence()) {
            r.error(windows.Mark(), QStringLiteral("'windows' must be a list of { remainingHeader, resetHeader | "
                                                   "intervalHeader | intervalSeconds, key }"));
        } else {
            for (const YAML::Node &window : windows)
                spec.windows.append(readWindow(r, window));
        }
    }
    if (const YAML::Node retryOn = node["retryOn"]) {
        if (!retryOn.IsSequence()) {
            r.error(retryOn.Mark(), QStringLiteral("'retryOn' must be a list of { status, retryAfterHeader }"));
        } else {
            for (const YAML::Node &rule : retryOn) {
                if (!r.expectMap(rule, QStringLiteral("a retryOn rule")))
                    continue;
                r.checkKeys(rule, QStringLiteral("a retryOn rule"),
                            {QStringLiteral("status"), QStringLiteral("retryAfterHeader"), QStringLiteral("when"),
                             QStringLiteral("minWaitSeconds")});
                spec.retryOn.append(RetryRule{r.integer(rule, "status", QStringLiteral("retryOn"), 0, 100, 599),
                                              r.string(rule, "retryAfterHeader", QStringLiteral("retryOn"), false),
                                              readExpression(r, rule, "when", QStringLiteral("a retryOn rule")),
                                              r.integer(rule, "minWaitSeconds", QStringLiteral("retryOn"), 0, 0, 3600)});
                if (!rule["status"])
                    r.error(rule.Mark(), QStringLiteral("a retryOn rule needs the field 'status'"));
            }
        }
    }
    if (node["retryStatuses"])
        spec.retryStatuses = readStatuses(r, node, "retryStatuses", what);
    const QString remainingHeader = r.string(node, "remainingHeader", what, false);
    const QString limitHeader = r.string(node, "limitHeader", what, false);
    const QString policy = readPolicyName(r, node, what);
    if (remainingHeader.isEmpty() && (!limitHeader.isEmpty() || !policy.isEmpty()))
        r.error(node.Mark(), QStringLiteral("'limitHeader' and 'policy' describe the window of 'remainingHeader'"));
    const int slowDownBelow = r.integer(node, "slowDownBelow", what, 0, 0, 1000000);
    spec.resetHeader = r.string(node, "resetHeader", what, false);
    spec.resetFormat = r.oneOf(node, "resetFormat", what, kResetFormats, false, spec.resetFormat);
    if (slowDownBelow > 0 && (remainingHeader.isEmpty() || spec.resetHeader.isEmpty()))
        r.error(node["slowDownBelow"].Mark(), QStringLiteral("'slowDownBelow' needs 'remainingHeader' and 'resetHeader'"));
    if (!remainingHeader.isEmpty()) {
        // The one-window form: the connection's window, reset by the top-level resetHeader when there is one.
        RemainingWindow window;
        window.remainingHeader = remainingHeader;
        window.limitHeader = limitHeader;
        window.policy = policy;
        window.resetHeader = spec.resetHeader;
        window.resetFormat = spec.resetFormat;
        window.holdBelow = std::max(1, slowDownBelow);
        spec.windows.prepend(window);
    }
    spec.maxRetries = r.integer(node, "maxRetries", what, spec.maxRetries, 0, 50);
    if (const YAML::Node backoff = node["backoff"]; backoff && r.expectMap(backoff, QStringLiteral("backoff"))) {
        r.checkKeys(backoff, QStringLiteral("backoff"), {QStringLiteral("initialMs"), QStringLiteral("maxMs")});
        spec.backoffInitialMs = r.integer(backoff, "initialMs", QStringLiteral("backoff"), spec.backoffInitialMs, 1,
                                          600000);
        spec.backoffMaxMs = r.integer(backoff, "maxMs", QStringLiteral("backoff"), spec.backoffMaxMs, 1, 3600000);
    }
    return spec;
}

PaginationSpec readPagination(Reader &r, const YAML::Node &node)
{
    PaginationSpec spec;
    const QString what = QStringLiteral("pagination");
    if (!r.expectMap(node, what))
        return spec;
    r.checkKeys(node, what,
                {QStringLiteral("type"), QStringLiteral("nextPath"), QStringLiteral("cursorFromLastRecord"),
                 QStringLiteral("param"), QStringLiteral("in"), QStringLiteral("hasMorePath"),
                 QStringLiteral("lastPageWhen"),
                 QStringLiteral("nextOffsetPath"), QStringLiteral("totalPath"), QStringLiteral("firstPage"),
                 QStringLiteral("limitParam"), QStringLiteral("pageSize"), QStringLiteral("stopWhenShort")});
    spec.type = r.oneOf(node, "type", what,
                        {QStringLiteral("none"), QStringLiteral("cursor"), QStringLiteral("nextUrl"),
                         QStringLiteral("linkHeader"), QStringLiteral("offset"), QStringLiteral("page")},
                        true);
    spec.nextPath = r.string(node, "nextPath", what, false);
    spec.cursorFromLastRecord = r.string(node, "cursorFromLastRecord", what, false);
    spec.param = r.string(node, "param", what, false);
    spec.in = r.oneOf(node, "in", what, {QStringLiteral("query"), QStringLiteral("body")}, false, spec.in);
    spec.hasMorePath = r.string(node, "hasMorePath", what, false);
    spec.lastPageWhen = readExpression(r, node, "lastPageWhen", what);
    spec.nextOffsetPath = r.string(node, "nextOffsetPath", what, false);
    spec.totalPath = r.string(node, "totalPath", what, false);
    spec.firstPage = r.integer(node, "firstPage", what, spec.firstPage, 0, 1);
    spec.limitParam = r.string(node, "limitParam", what, false);
    spec.pageSize = r.integer(node, "pageSize", what, spec.pageSize, 1, 10000);
    spec.stopWhenShort = r.boolean(node, "stopWhenShort", what, false);
    const auto need = [&](const char *key, const QString &value) {
        if (value.isEmpty())
            r.error(node.Mark(), QStringLiteral("pagination of type '%1' needs the field '%2'").arg(spec.type, QLatin1String(key)));
    };
    if (spec.type == QLatin1String("cursor")) {
        if (spec.nextPath.isEmpty() && spec.cursorFromLastRecord.isEmpty())
            r.error(node.Mark(), QStringLiteral("pagination needs the field 'nextPath' (or 'cursorFromLastRecord')"));
        if (!spec.cursorFromLastRecord.isEmpty() && spec.hasMorePath.isEmpty() && spec.lastPageWhen.isEmpty())
            r.error(node.Mark(), QStringLiteral("'cursorFromLastRecord' needs 'hasMorePath' (or 'lastPageWhen') to know "
                                                "the last page"));
        need("param", spec.param);
    } else if (spec.type == QLatin1String("nextUrl")) {
        need("nextPath", spec.nextPath);
    } else if (spec.type == QLatin1String("offset") || spec.type == QLatin1String("page")) {
        need("param", spec.param);
        if (spec.type == QLatin1String("offset"))
            need("limitParam", spec.limitParam);
    }
    return spec;
}

RequestSpec readRequest(Reader &r, const YAML::Node &node, const QString &what, bool pathRequired)
{
    RequestSpec request;
    if (!r.expectMap(node, what))
        return request;
    r.checkKeys(node, what,
                {QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("recordsPath"),
                 QStringLiteral("recordsOptional"), QStringLiteral("params"), QStringLiteral("headers"),
                 QStringLiteral("body"), QStringLiteral("records")});
    request.method = r.oneOf(node, "method", what,
                             {QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                              QStringLiteral("PATCH"), QStringLiteral("DELETE")},
                             false, request.method);
    request.path = readTemplate(r, node, "path", what, pathRequired);
    if (!request.path.isEmpty() && !request.path.startsWith(QLatin1Char('/'))
        && !request.path.startsWith(QLatin1String("{{")) && !request.path.startsWith(QLatin1String("http"))) {
        r.error(node["path"].Mark(), QStringLiteral("'path' must start with '/' (or be a full URL)"));
    }
    request.recordsPath = r.string(node, "recordsPath", what, false);
    request.recordsOptional = r.boolean(node, "recordsOptional", what, false);
    request.records = readExpression(r, node, "records", what);
    if (!request.records.isEmpty() && node["recordsPath"])
        r.error(node["records"].Mark(), QStringLiteral("give either 'recordsPath' or 'records', not both"));
    request.params = readStringMap(r, node["params"], QStringLiteral("params"), true);
    request.headers = readStringMap(r, node["headers"], QStringLiteral("headers"), true);
    request.body = readExpression(r, node, "body", what);
    return request;
}

WriteRequestSpec readWriteRequest(Reader &r, const YAML::Node &node, const QString &what, bool batch)
{
    WriteRequestSpec request;
    if (!r.expectMap(node, what))
        return request;
    QStringList keys{QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("params"),
                     QStringLiteral("headers"), QStringLiteral("body"), QStringLiteral("bodyFormat")};
    keys += batch ? QStringList{QStringLiteral("results"), QStringLiteral("maxItems")} : QStringList{QStringLiteral("idPath")};
    r.checkKeys(node, what, keys);
    request.method = r.oneOf(node, "method", what,
                             {QStringLiteral("POST"), QStringLiteral("PUT"), QStringLiteral("PATCH"),
                              QStringLiteral("DELETE")},
                             false, request.method);
    request.path = readTemplate(r, node, "path", what, true);
    if (!request.path.isEmpty() && !request.path.startsWith(QLatin1Char('/'))
        && !request.path.startsWith(QLatin1String("{{")) && !request.path.startsWith(QLatin1String("http"))) {
        r.error(node["path"].Mark(), QStringLiteral("'path' must start with '/' (or be a full URL)"));
    }
    request.params = readStringMap(r, node["params"], QStringLiteral("params"), true);
    request.headers = readStringMap(r, node["headers"], QStringLiteral("headers"), true);
    request.body = readExpression(r, node, "body", what);
    request.bodyFormat = r.oneOf(node, "bodyFormat", what, {QStringLiteral("json"), QStringLiteral("form")}, false,
                                 request.bodyFormat);
    if (batch) {
        request.results = readExpression(r, node, "results", what);
        request.maxItems = r.integer(node, "maxItems", what, 100, 1, 10000);
        if (request.results.isEmpty())
            r.error(node.Mark(), QStringLiteral("%1 needs 'results': how the answer reports each item").arg(what));
    } else {
        request.idPath = readExpression(r, node, "idPath", what);
    }
    return request;
}

WriteSpec readWrite(Reader &r, const YAML::Node &node, const QString &what)
{
    WriteSpec write;
    if (!r.expectMap(node, what))
        return write;
    r.checkKeys(node, what,
                {QStringLiteral("create"), QStringLiteral("update"), QStringLiteral("batchCreate"),
                 QStringLiteral("batchUpdate")});
    if (const YAML::Node create = node["create"])
        write.create = readWriteRequest(r, create, what + QStringLiteral(" create"), false);
    if (const YAML::Node update = node["update"])
        write.update = readWriteRequest(r, update, what + QStringLiteral(" update"), false);
    if (const YAML::Node batch = node["batchCreate"])
        write.batchCreate = readWriteRequest(r, batch, what + QStringLiteral(" batchCreate"), true);
    if (const YAML::Node batch = node["batchUpdate"])
        write.batchUpdate = readWriteRequest(r, batch, what + QStringLiteral(" batchUpdate"), true);
    if (!write.any())
        r.error(node.Mark(), QStringLiteral("%1 needs at least one of create, update, batchCreate, batchUpdate").arg(what));
    return write;
}

SchemaSpec readSchema(Reader &r, const YAML::Node &node, const QString &what)
{
    SchemaSpec schema;
    if (!r.expectMap(node, what))
        return schema;
    r.checkKeys(node, what,
                {QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("fieldsPath"),
                 QStringLiteral("params"), QStringLiteral("headers"), QStringLiteral("body"),
                 QStringLiteral("pagination"), QStringLiteral("name"), QStringLiteral("label"),
                 QStringLiteral("type"), QStringLiteral("custom"), QStringLiteral("fieldsOptional"),
                 QStringLiteral("fields")});
    YAML::Node requestPart(YAML::NodeType::Map);
    for (const char *key : {"method", "path", "params", "headers", "body"}) {
        if (node[key])
            requestPart[key] = node[key];
    }
    schema.request = readRequest(r, requestPart, what, false);
    if (!node["path"])
        r.error(node.Mark(), QStringLiteral("%1 needs the field 'path'").arg(what));
    schema.request.recordsPath = r.string(node, "fieldsPath", what, false);
    schema.request.recordsOptional = r.boolean(node, "fieldsOptional", what, false);
    schema.request.records = readExpression(r, node, "fields", what);
    if (!schema.request.records.isEmpty() && node["fieldsPath"])
        r.error(node["fields"].Mark(), QStringLiteral("give either 'fieldsPath' or 'fields', not both"));
    if (const YAML::Node pagination = node["pagination"])
        schema.pagination = readPagination(r, pagination);
    for (auto [key, target] : {std::pair{"name", &schema.name}, std::pair{"label", &schema.label},
                               std::pair{"type", &schema.type}, std::pair{"custom", &schema.custom}}) {
        if (node[key])
            *target = readExpression(r, node, key, what);
    }
    return schema;
}

WebhookSpec readWebhooks(Reader &r, const YAML::Node &node)
{
    WebhookSpec spec;
    const QString what = QStringLiteral("webhooks");
    if (!r.expectMap(node, what))
        return spec;
    spec.enabled = true;
    r.checkKeys(node, what,
                {QStringLiteral("secret"), QStringLiteral("signature"), QStringLiteral("timestamp"),
                 QStringLiteral("check"), QStringLiteral("handshake"), QStringLiteral("events"),
                 QStringLiteral("accountKey")});
    spec.secret = r.oneOf(node, "secret", what,
                          {QStringLiteral("webhookSecret"), QStringLiteral("clientSecret"), QStringLiteral("apiKey")},
                          false, spec.secret);
    if (const YAML::Node signature = node["signature"]; signature && r.expectMap(signature, QStringLiteral("signature"))) {
        const QString sw = QStringLiteral("webhooks signature");
        r.checkKeys(signature, sw,
                    {QStringLiteral("algorithm"), QStringLiteral("encoding"), QStringLiteral("message"),
                     QStringLiteral("provided")});
        spec.algorithm = r.oneOf(signature, "algorithm", sw,
                                 {QStringLiteral("hmac-sha256"), QStringLiteral("hmac-sha1"), QStringLiteral("plain"),
                                  QStringLiteral("none")},
                                 false, spec.algorithm);
        spec.encoding = r.oneOf(signature, "encoding", sw, {QStringLiteral("hex"), QStringLiteral("base64")}, false,
                                spec.encoding);
        spec.message = readExpression(r, signature, "message", sw);
        spec.provided = readExpression(r, signature, "provided", sw);
        if (spec.algorithm != QLatin1String("none") && (spec.message.isEmpty() || spec.provided.isEmpty()))
            r.error(signature.Mark(), QStringLiteral("a webhook signature needs 'message' and 'provided'"));
    } else {
        spec.algorithm = QStringLiteral("none");
    }
    if (const YAML::Node timestamp = node["timestamp"]; timestamp && r.expectMap(timestamp, QStringLiteral("timestamp"))) {
        const QString tw = QStringLiteral("webhooks timestamp");
        r.checkKeys(timestamp, tw, {QStringLiteral("value"), QStringLiteral("format"), QStringLiteral("toleranceSeconds")});
        spec.timestamp = readExpression(r, timestamp, "value", tw);
        spec.timestampFormat = r.oneOf(timestamp, "format", tw,
                                       {QStringLiteral("epochSeconds"), QStringLiteral("epochMillis"),
                                        QStringLiteral("iso8601")},
                                       false, spec.timestampFormat);
        spec.toleranceSeconds = r.integer(timestamp, "toleranceSeconds", tw, spec.toleranceSeconds, 1, 86400);
        if (spec.timestamp.isEmpty())
            r.error(timestamp.Mark(), QStringLiteral("a webhook timestamp needs 'value'"));
    }
    spec.check = readExpression(r, node, "check", what);
    if (const YAML::Node handshake = node["handshake"]; handshake && r.expectMap(handshake, QStringLiteral("handshake"))) {
        const QString hw = QStringLiteral("webhooks handshake");
        r.checkKeys(handshake, hw, {QStringLiteral("when"), QStringLiteral("respond"), QStringLiteral("contentType")});
        spec.handshakeWhen = readExpression(r, handshake, "when", hw);
        spec.handshakeRespond = readExpression(r, handshake, "respond", hw);
        spec.handshakeContentType = r.string(handshake, "contentType", hw, false, spec.handshakeContentType);
        if (spec.handshakeWhen.isEmpty() || spec.handshakeRespond.isEmpty())
            r.error(handshake.Mark(), QStringLiteral("a webhook handshake needs 'when' and 'respond'"));
    }
    if (const YAML::Node events = node["events"]; events && r.expectMap(events, QStringLiteral("events"))) {
        const QString ew = QStringLiteral("webhooks events");
        r.checkKeys(events, ew,
                    {QStringLiteral("path"), QStringLiteral("id"), QStringLiteral("type"), QStringLiteral("object"),
                     QStringLiteral("recordId"), QStringLiteral("record"), QStringLiteral("deleted"),
                     QStringLiteral("account")});
        if (events["path"])
            spec.eventsPath = readExpression(r, events, "path", ew);
        spec.eventId = readExpression(r, events, "id", ew);
        spec.eventType = readExpression(r, events, "type", ew);
        spec.object = readExpression(r, events, "object", ew);
        spec.recordId = readExpression(r, events, "recordId", ew);
        spec.record = readExpression(r, events, "record", ew);
        spec.deleted = readExpression(r, events, "deleted", ew);
        spec.account = readExpression(r, events, "account", ew);
        if (spec.object.isEmpty() || (spec.recordId.isEmpty() && spec.record.isEmpty()))
            r.error(events.Mark(), QStringLiteral("webhook events need 'object' and 'recordId' (or 'record')"));
    } else {
        r.error(node.Mark(), QStringLiteral("'webhooks' needs an 'events' section"));
    }
    spec.accountKey = readTemplate(r, node, "accountKey", what, false);
    if (!spec.account.isEmpty() && spec.accountKey.isEmpty())
        r.error(node.Mark(), QStringLiteral("webhook events with an 'account' need 'accountKey' to find the connection"));
    return spec;
}

ObjectSpec readObject(Reader &r, const QString &name, const YAML::Node &node)
{
    ObjectSpec object;
    object.name = name;
    const QString what = QStringLiteral("object '%1'").arg(name);
    if (!r.expectMap(node, what))
        return object;
    r.checkKeys(node, what,
                {QStringLiteral("list"), QStringLiteral("incremental"), QStringLiteral("id"),
                 QStringLiteral("updatedAt"), QStringLiteral("deletedPath"), QStringLiteral("deletedWhen"),
                 QStringLiteral("fullReadRemovesMissing"), QStringLiteral("pagination"),
                 QStringLiteral("get"), QStringLiteral("write"), QStringLiteral("schema")});
    object.idField = r.string(node, "id", what, false, object.idField);
    object.updatedAtField = r.string(node, "updatedAt", what, false);
    object.deletedPath = r.string(node, "deletedPath", what, false);
    object.deletedWhen = readExpression(r, node, "deletedWhen", what);
    object.fullReadRemovesMissing = r.boolean(node, "fullReadRemovesMissing", what, true);
    if (const YAML::Node get = node["get"])
        object.get = readRequest(r, get, what + QStringLiteral(" get"), true);
    if (const YAML::Node write = node["write"])
        object.write = readWrite(r, write, what + QStringLiteral(" write"));
    if (const YAML::Node schema = node["schema"])
        object.schema = readSchema(r, schema, what + QStringLiteral(" schema"));
    const YAML::Node list = node["list"];
    if (!list) {
        object.readable = false;
        if (!object.write.any() && !object.schema)
            r.error(node.Mark(), QStringLiteral("%1 needs a 'list' request (or 'write' for an object that is only "
                                                "written)").arg(what));
        if (node["incremental"])
            r.error(node["incremental"].Mark(), QStringLiteral("'incremental' needs a 'list' request"));
        return object;
    }
    object.list = readRequest(r, list, what + QStringLiteral(" list"), true);
    if (const YAML::Node pagination = node["pagination"])
        object.pagination = readPagination(r, pagination);
    if (const YAML::Node incremental = node["incremental"]; incremental && r.expectMap(incremental, QStringLiteral("incremental"))) {
        const QString incrementalWhat = what + QStringLiteral(" incremental");
        r.checkKeys(incremental, incrementalWhat,
                    {QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("recordsPath"),
                     QStringLiteral("recordsOptional"), QStringLiteral("params"), QStringLiteral("headers"),
                     QStringLiteral("body"), QStringLiteral("records"), QStringLiteral("sinceFormat"), QStringLiteral("lookbackSeconds"), QStringLiteral("deltaLinkPath"),
                     QStringLiteral("resyncStatuses"), QStringLiteral("pagination")});
        object.incremental.enabled = true;
        // The incremental request starts as a copy of the list request; what it states replaces that.
        YAML::Node requestPart(YAML::NodeType::Map);
        for (const char *key : {"method", "path", "recordsPath", "recordsOptional", "params", "headers", "body", "records"}) {
            if (incremental[key])
                requestPart[key] = incremental[key];
        }
        const RequestSpec stated = readRequest(r, requestPart, incrementalWhat, false);
        object.incremental.request = object.list;
        if (incremental["method"])
            object.incremental.request.method = stated.method;
        if (incremental["path"])
            object.incremental.request.path = stated.path;
        if (incremental["recordsPath"])
            object.incremental.request.recordsPath = stated.recordsPath;
        if (incremental["recordsOptional"])
            object.incremental.request.recordsOptional = stated.recordsOptional;
        if (incremental["records"]) {
            object.incremental.request.records = stated.records;
            object.incremental.request.recordsPath.clear();
        } else if (incremental["recordsPath"]) {
            object.incremental.request.records.clear();
        }
        if (incremental["params"])
            object.incremental.request.params.insert(stated.params);
        if (incremental["headers"])
            object.incremental.request.headers.insert(stated.headers);
        if (incremental["body"])
            object.incremental.request.body = stated.body;
        object.incremental.sinceFormat = r.string(incremental, "sinceFormat", incrementalWhat, false,
                                                  object.incremental.sinceFormat);
        object.incremental.lookbackSeconds = r.integer(incremental, "lookbackSeconds", incrementalWhat, 0, 0, 86400 * 30);
        object.incremental.deltaLinkPath = r.string(incremental, "deltaLinkPath", incrementalWhat, false);
        object.incremental.resyncStatuses = readStatuses(r, incremental, "resyncStatuses", incrementalWhat);
        if (const YAML::Node pagination = incremental["pagination"])
            object.incremental.pagination = readPagination(r, pagination);
        if (object.updatedAtField.isEmpty() && object.incremental.deltaLinkPath.isEmpty()) {
            r.error(incremental.Mark(), QStringLiteral("incremental reads need the object's 'updatedAt' field (or a "
                                                       "'deltaLinkPath')"));
        }
    }
    return object;
}

} // namespace

DefinitionLoadResult DefinitionLoader::loadFile(const QString &path)
{
    QList<DefinitionError> errors;
    const auto text = YamlDocument::readFile(path, &errors);
    if (!text)
        return {std::nullopt, errors};
    return loadText(*text, path);
}

DefinitionLoadResult DefinitionLoader::loadText(const QByteArray &yaml, const QString &fileName)
{
    Reader r(fileName);
    const auto parsed = YamlDocument::parse(yaml, fileName, &r.errors);
    if (!parsed)
        return {std::nullopt, r.errors};
    const YAML::Node &root = *parsed;
    ProviderDefinition def;
    def.sourceFile = fileName;
    const QString what = QStringLiteral("the provider definition");
    if (!root || !root.IsMap()) {
        r.error(root.Mark(), QStringLiteral("a provider definition must be a mapping with name, baseUrl, auth "
                                            "and objects"));
        return {std::nullopt, r.errors};
    }
    r.checkKeys(root, what,
                {QStringLiteral("name"), QStringLiteral("displayName"), QStringLiteral("baseUrl"),
                 QStringLiteral("auth"), QStringLiteral("errors"), QStringLiteral("rateLimit"),
                 QStringLiteral("pagination"), QStringLiteral("objects"), QStringLiteral("webhooks")});
    def.name = r.string(root, "name", what, true);
    static const QRegularExpression namePattern(QStringLiteral("^[a-z][a-z0-9-]*$"));
    if (!def.name.isEmpty() && !namePattern.match(def.name).hasMatch()) {
        r.error(root["name"].Mark(), QStringLiteral("'name' must be lower-case letters, digits and dashes "
                                                    "(found '%1')").arg(def.name));
    }
    def.displayName = r.string(root, "displayName", what, false, def.name);
    def.baseUrl = readTemplate(r, root, "baseUrl", what, true);
    if (!TemplateText::hasParts(def.baseUrl))
        r.url(root, "baseUrl", def.baseUrl);
    if (const YAML::Node auth = root["auth"])
        def.auth = readAuth(r, auth);
    else
        r.error(root.Mark(), QStringLiteral("the provider definition needs an 'auth' section"));
    if (const YAML::Node errors = root["errors"])
        def.errors = readErrors(r, errors);
    if (const YAML::Node rateLimit = root["rateLimit"])
        def.rateLimit = readRateLimit(r, rateLimit);
    if (const YAML::Node pagination = root["pagination"])
        def.pagination = readPagination(r, pagination);
    if (const YAML::Node webhooks = root["webhooks"])
        def.webhooks = readWebhooks(r, webhooks);
    const YAML::Node objects = root["objects"];
    if (!objects) {
        r.error(root.Mark(), QStringLiteral("the provider definition needs an 'objects' section"));
    } else if (r.expectMap(objects, QStringLiteral("objects"))) {
        for (auto it = objects.begin(); it != objects.end(); ++it) {
            const QString name = YamlReader::str(it->first.Scalar());
            def.objects.insert(name, readObject(r, name, it->second));
        }
        if (objects.size() == 0)
            r.error(objects.Mark(), QStringLiteral("'objects' must declare at least one object"));
    }
    if (!r.errors.isEmpty())
        return {std::nullopt, r.errors};
    return {def, {}};
}

} // namespace patchbay

#include "DefinitionLoader.h"

#include "YamlReader.h"

#include <QFile>
#include <QSet>
#include <QRegularExpression>
#include <QUrl>

#include <yaml-cpp/yaml.h>

namespace patchbay {

namespace {

using Reader = YamlReader;

AuthSpec readAuth(Reader &r, const YAML::Node &node)
{
    AuthSpec auth;
    const QString what = QStringLiteral("auth");
    if (!r.expectMap(node, what))
        return auth;
    r.checkKeys(node, what,
                {QStringLiteral("type"), QStringLiteral("authorizeUrl"), QStringLiteral("tokenUrl"),
                 QStringLiteral("scopes"), QStringLiteral("scopeSeparator"), QStringLiteral("pkce"),
                 QStringLiteral("clientAuth"), QStringLiteral("refreshMarginSeconds"),
                 QStringLiteral("revokedErrors")});
    auth.type = r.oneOf(node, "type", what,
                        {QStringLiteral("oauth2"), QStringLiteral("bearer"), QStringLiteral("api-key"),
                         QStringLiteral("basic")},
                        true);
    auth.authorizeUrl = r.string(node, "authorizeUrl", what, false);
    auth.tokenUrl = r.string(node, "tokenUrl", what, auth.type == QLatin1String("oauth2"));
    r.url(node, "authorizeUrl", auth.authorizeUrl);
    r.url(node, "tokenUrl", auth.tokenUrl);
    auth.scopes = r.stringList(node, "scopes", what);
    auth.scopeSeparator = r.string(node, "scopeSeparator", what, false, auth.scopeSeparator);
    auth.pkce = r.boolean(node, "pkce", what, false);
    auth.clientAuth = r.oneOf(node, "clientAuth", what, {QStringLiteral("body"), QStringLiteral("basic")}, false,
                              auth.clientAuth);
    auth.refreshMarginSeconds = r.integer(node, "refreshMarginSeconds", what, auth.refreshMarginSeconds, 0, 86400);
    auth.revokedErrors = r.stringList(node, "revokedErrors", what);
    return auth;
}

ErrorSpec readErrors(Reader &r, const YAML::Node &node)
{
    ErrorSpec errors;
    if (!r.expectMap(node, QStringLiteral("errors")))
        return errors;
    r.checkKeys(node, QStringLiteral("errors"), {QStringLiteral("codePaths"), QStringLiteral("messagePaths")});
    errors.codePaths = r.stringList(node, "codePaths", QStringLiteral("errors"));
    errors.messagePaths = r.stringList(node, "messagePaths", QStringLiteral("errors"));
    return errors;
}

RateLimitSpec readRateLimit(Reader &r, const YAML::Node &node)
{
    RateLimitSpec spec;
    const QString what = QStringLiteral("rateLimit");
    if (!r.expectMap(node, what))
        return spec;
    r.checkKeys(node, what,
                {QStringLiteral("retryOn"), QStringLiteral("retryStatuses"), QStringLiteral("remainingHeader"),
                 QStringLiteral("maxRetries"), QStringLiteral("backoff")});
    if (const YAML::Node retryOn = node["retryOn"]) {
        if (!retryOn.IsSequence()) {
            r.error(retryOn.Mark(), QStringLiteral("'retryOn' must be a list of { status, retryAfterHeader }"));
        } else {
            for (const YAML::Node &rule : retryOn) {
                if (!r.expectMap(rule, QStringLiteral("a retryOn rule")))
                    continue;
                r.checkKeys(rule, QStringLiteral("a retryOn rule"),
                            {QStringLiteral("status"), QStringLiteral("retryAfterHeader")});
                spec.retryOn.append(RetryRule{r.integer(rule, "status", QStringLiteral("retryOn"), 0, 100, 599),
                                              r.string(rule, "retryAfterHeader", QStringLiteral("retryOn"), false)});
                if (!rule["status"])
                    r.error(rule.Mark(), QStringLiteral("a retryOn rule needs the field 'status'"));
            }
        }
    }
    if (node["retryStatuses"]) {
        spec.retryStatuses.clear();
        for (const QString &status : r.stringList(node, "retryStatuses", what)) {
            bool ok = false;
            const int code = status.toInt(&ok);
            if (ok && code >= 100 && code <= 599)
                spec.retryStatuses.append(code);
            else
                r.error(node["retryStatuses"].Mark(), QStringLiteral("'%1' is not an HTTP status").arg(status));
        }
    }
    spec.remainingHeader = r.string(node, "remainingHeader", what, false);
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
                {QStringLiteral("type"), QStringLiteral("nextPath"), QStringLiteral("param"),
                 QStringLiteral("limitParam"), QStringLiteral("pageSize")});
    spec.type = r.oneOf(node, "type", what, {QStringLiteral("none"), QStringLiteral("cursor")}, true);
    const bool cursor = spec.type == QLatin1String("cursor");
    spec.nextPath = r.string(node, "nextPath", what, cursor);
    spec.param = r.string(node, "param", what, cursor);
    spec.limitParam = r.string(node, "limitParam", what, false);
    spec.pageSize = r.integer(node, "pageSize", what, spec.pageSize, 1, 10000);
    return spec;
}

ObjectSpec readObject(Reader &r, const QString &name, const YAML::Node &node)
{
    ObjectSpec object;
    object.name = name;
    const QString what = QStringLiteral("object '%1'").arg(name);
    if (!r.expectMap(node, what))
        return object;
    r.checkKeys(node, what, {QStringLiteral("list"), QStringLiteral("id"), QStringLiteral("updatedAt")});
    object.idField = r.string(node, "id", what, false, object.idField);
    object.updatedAtField = r.string(node, "updatedAt", what, false);
    const YAML::Node list = node["list"];
    if (!list) {
        r.error(node.Mark(), QStringLiteral("%1 needs a 'list' request").arg(what));
        return object;
    }
    const QString listWhat = what + QStringLiteral(" list");
    if (!r.expectMap(list, listWhat))
        return object;
    r.checkKeys(list, listWhat,
                {QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("recordsPath"),
                 QStringLiteral("params")});
    object.list.method = r.oneOf(list, "method", listWhat, {QStringLiteral("GET"), QStringLiteral("POST")}, false,
                                 object.list.method);
    object.list.path = r.string(list, "path", listWhat, true);
    if (!object.list.path.isEmpty() && !object.list.path.startsWith(QLatin1Char('/')))
        r.error(list["path"].Mark(), QStringLiteral("'path' must start with '/'"));
    object.list.recordsPath = r.string(list, "recordsPath", listWhat, false);
    if (const YAML::Node params = list["params"]; params && r.expectMap(params, QStringLiteral("params"))) {
        for (auto it = params.begin(); it != params.end(); ++it) {
            if (it->second.IsScalar())
                object.list.params.insert(YamlReader::str(it->first.Scalar()), YamlReader::str(it->second.Scalar()));
            else
                r.error(it->second.Mark(), QStringLiteral("a query parameter must be a single value"));
        }
    }
    return object;
}

} // namespace

DefinitionLoadResult DefinitionLoader::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return {std::nullopt,
                {DefinitionError{path, 0, 0, QStringLiteral("cannot read the file: %1").arg(file.errorString())}}};
    }
    return loadText(file.readAll(), path);
}

DefinitionLoadResult DefinitionLoader::loadText(const QByteArray &yaml, const QString &fileName)
{
    Reader r(fileName);
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        r.error(e.mark, QStringLiteral("not valid YAML: %1").arg(QString::fromStdString(e.msg)));
        return {std::nullopt, r.errors};
    }
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
                 QStringLiteral("pagination"), QStringLiteral("objects")});
    def.name = r.string(root, "name", what, true);
    static const QRegularExpression namePattern(QStringLiteral("^[a-z][a-z0-9-]*$"));
    if (!def.name.isEmpty() && !namePattern.match(def.name).hasMatch()) {
        r.error(root["name"].Mark(), QStringLiteral("'name' must be lower-case letters, digits and dashes "
                                                    "(found '%1')").arg(def.name));
    }
    def.displayName = r.string(root, "displayName", what, false, def.name);
    def.baseUrl = r.string(root, "baseUrl", what, true);
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

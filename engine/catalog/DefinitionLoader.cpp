#include "DefinitionLoader.h"

#include <QFile>
#include <QSet>
#include <QRegularExpression>
#include <QUrl>

#include <yaml-cpp/yaml.h>

namespace patchbay {

QString DefinitionError::toString() const
{
    return QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(message);
}

namespace {

// Walks the YAML tree, collecting errors with positions instead of stopping at the first one.
class Reader
{
public:
    explicit Reader(QString file) : m_file(std::move(file)) {}

    QList<DefinitionError> errors;

    void error(const YAML::Mark &mark, const QString &message)
    {
        errors.append(DefinitionError{m_file, mark.line + 1, mark.column + 1, message});
    }

    static QString str(const std::string &s) { return QString::fromStdString(s); }

    bool expectMap(const YAML::Node &node, const QString &what)
    {
        if (node.IsMap())
            return true;
        error(node.Mark(), QStringLiteral("%1 must be a mapping (key: value lines)").arg(what));
        return false;
    }

    // Reports keys that are not in the allowed set; a misspelt key would otherwise be ignored silently.
    void checkKeys(const YAML::Node &map, const QString &what, const QStringList &allowed)
    {
        for (auto it = map.begin(); it != map.end(); ++it) {
            const QString key = str(it->first.Scalar());
            if (!allowed.contains(key)) {
                error(it->first.Mark(), QStringLiteral("unknown field '%1' in %2; expected one of: %3")
                                            .arg(key, what, allowed.join(QStringLiteral(", "))));
            }
        }
    }

    QString string(const YAML::Node &map, const char *key, const QString &what, bool required,
                   const QString &fallback = {})
    {
        const YAML::Node node = map[key];
        if (!node) {
            if (required)
                error(map.Mark(), QStringLiteral("%1 needs the field '%2'").arg(what, QLatin1String(key)));
            return fallback;
        }
        if (!node.IsScalar()) {
            error(node.Mark(), QStringLiteral("'%1' in %2 must be a single value").arg(QLatin1String(key), what));
            return fallback;
        }
        return str(node.Scalar());
    }

    int integer(const YAML::Node &map, const char *key, const QString &what, int fallback, int min, int max)
    {
        const YAML::Node node = map[key];
        if (!node)
            return fallback;
        bool ok = false;
        const int value = node.IsScalar() ? str(node.Scalar()).toInt(&ok) : 0;
        if (!ok || value < min || value > max) {
            error(node.Mark(), QStringLiteral("'%1' in %2 must be a whole number from %3 to %4")
                                   .arg(QLatin1String(key), what)
                                   .arg(min)
                                   .arg(max));
            return fallback;
        }
        return value;
    }

    bool boolean(const YAML::Node &map, const char *key, const QString &what, bool fallback)
    {
        const YAML::Node node = map[key];
        if (!node)
            return fallback;
        const QString value = node.IsScalar() ? str(node.Scalar()) : QString();
        if (value == QLatin1String("true"))
            return true;
        if (value == QLatin1String("false"))
            return false;
        error(node.Mark(), QStringLiteral("'%1' in %2 must be true or false").arg(QLatin1String(key), what));
        return fallback;
    }

    QStringList stringList(const YAML::Node &map, const char *key, const QString &what)
    {
        const YAML::Node node = map[key];
        QStringList list;
        if (!node)
            return list;
        if (!node.IsSequence()) {
            error(node.Mark(), QStringLiteral("'%1' in %2 must be a list").arg(QLatin1String(key), what));
            return list;
        }
        for (const YAML::Node &item : node) {
            if (item.IsScalar())
                list.append(str(item.Scalar()));
            else
                error(item.Mark(), QStringLiteral("items of '%1' must be single values").arg(QLatin1String(key)));
        }
        return list;
    }

    QString oneOf(const YAML::Node &map, const char *key, const QString &what, const QStringList &choices,
                  bool required, const QString &fallback = {})
    {
        const QString value = string(map, key, what, required, fallback);
        if (map[key] && !choices.contains(value)) {
            error(map[key].Mark(), QStringLiteral("'%1' must be one of: %2 (found '%3')")
                                       .arg(QLatin1String(key), choices.join(QStringLiteral(", ")), value));
        }
        return value;
    }

    void url(const YAML::Node &map, const char *key, const QString &value)
    {
        if (value.isEmpty())
            return;
        const QUrl parsed(value, QUrl::StrictMode);
        if (!parsed.isValid() || !(parsed.scheme() == QLatin1String("https") || parsed.scheme() == QLatin1String("http"))
            || parsed.host().isEmpty()) {
            error(map[key].Mark(), QStringLiteral("'%1' must be an absolute http(s) URL (found '%2')")
                                       .arg(QLatin1String(key), value));
        }
    }

private:
    QString m_file;
};

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
                object.list.params.insert(Reader::str(it->first.Scalar()), Reader::str(it->second.Scalar()));
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
            const QString name = Reader::str(it->first.Scalar());
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

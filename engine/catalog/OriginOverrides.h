#pragma once

#include "jsonata/Expression.h"

#include <QJsonObject>
#include <QString>
#include <QUrl>

namespace patchbay {

// A connection's config.originOverrides: a map from an origin of the definition to another (a sandbox, a proxy).
// A key may be a template of the definition ("https://{{$connection.subdomain}}.zendesk.com",
// "{{$connection.instance_url}}"): it is rendered with the connection's bindings when a URL is sent, so an
// override follows an origin known only at run time (a Salesforce instance URL from the token response).
class OriginOverrides
{
public:
    // The URL with the first matching origin replaced by its override. A key matches only a whole origin (not
    // "https://acme.zendesk.com.example"); a URL that already starts with the override is left as it is, so a
    // path prefix in the override is never added twice.
    static QUrl apply(const QJsonObject &config, const QString &url, const jsonata::Bindings &bindings);

    // The config with one more override, origin (a template or not) to target (trailing slashes dropped): how a
    // sandbox, a dry run or a test points a connection at an emulator.
    static QJsonObject withOverride(QJsonObject config, const QString &origin, const QString &target);

    // The origin part of a definition's URL, template or not: "https://{{$connection.subdomain}}.zendesk.com"
    // of "https://{{$connection.subdomain}}.zendesk.com/api/v2", "{{$connection.instance_url}}" of
    // "{{$connection.instance_url}}/services/data/v59.0", "https://api.hubapi.com" of itself.
    static QString originOf(const QString &urlTemplate);
    // scheme://host:port of a URL, the default port filled in and names lower-cased: two URLs are on the same origin
    // when these are equal.
    static QString originKey(const QUrl &url);
    // What follows the origin: "/api/v2", "/ex/jira/{{$connection.cloud_id}}/rest/api/3".
    static QString pathOf(const QString &urlTemplate) { return urlTemplate.mid(originOf(urlTemplate).size()); }
};

} // namespace patchbay

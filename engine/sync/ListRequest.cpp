#include "ListRequest.h"

#include "ConnectionSession.h"
#include "catalog/DefinitionExpression.h"
#include "catalog/TemplateText.h"
#include "core/JsonPath.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace patchbay {

Result<void> addQueryParams(QUrl &url, const QMap<QString, QString> &params, const jsonata::Bindings &bindings)
{
    QUrlQuery query(url);
    for (auto it = params.begin(); it != params.end(); ++it) {
        auto value = TemplateText::render(it.value(), bindings);
        if (!value)
            return value.error();
        if (!value->isEmpty()) // a template that gives nothing leaves its parameter out
            query.addQueryItem(it.key(), value.value());
    }
    url.setQuery(query);
    return {};
}

Result<void> addHeaders(HttpRequest &request, const QMap<QString, QString> &headers, const jsonata::Bindings &bindings)
{
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        auto value = TemplateText::render(it.value(), bindings);
        if (!value)
            return value.error();
        request.setHeader(it.key().toLatin1(), value->toUtf8());
    }
    request.setHeader("Accept", "application/json");
    return {};
}

Result<QJsonValue> pageRecords(const RequestSpec &spec, const QJsonValue &page, const jsonata::Bindings &bindings,
                               const QString &object)
{
    QJsonValue records;
    if (spec.records.isEmpty()) {
        records = jsonValueAt(page, spec.recordsPath);
    } else {
        auto computed = DefinitionExpression::evaluate(spec.records, page, bindings,
                                                       QStringLiteral("The records expression of %1").arg(object));
        if (!computed)
            return computed.error();
        records = computed->isObject() ? QJsonValue(QJsonArray{computed.value()}) : computed.value();
    }
    // Some providers leave the list out of an empty page, or send null (Square, Pipedrive).
    if (spec.recordsOptional && (records.isUndefined() || records.isNull()) && page.isObject())
        return QJsonValue(QJsonArray());
    return records;
}

bool recordIsDeleted(const ObjectSpec &object, const QJsonValue &record)
{
    if (!object.deletedPath.isEmpty() && jsonValueAt(record, object.deletedPath) == QJsonValue(true))
        return true;
    return !object.deletedWhen.isEmpty() && DefinitionExpression::holds(object.deletedWhen, record);
}

Result<HttpRequest> buildListRequest(ConnectionSession &session, const RequestSpec &spec, const Paginator &paginator,
                                     const PageState &page, const jsonata::Bindings &bindings, const QString &object)
{
    HttpRequest request;
    request.method = page.nextUrl.isEmpty() ? spec.method.toLatin1() : QByteArray("GET");
    // A provider's next link is followed as it is, never read as a template.
    auto url = page.nextUrl.isEmpty() ? session.apiUrl(spec.path, bindings) : session.linkUrl(page.nextUrl);
    if (!url)
        return url.error();
    request.url = url.value();
    QJsonObject body;
    if (page.nextUrl.isEmpty()) {
        if (auto added = addQueryParams(request.url, spec.params, bindings); !added)
            return added.error();
        if (!spec.body.isEmpty()) {
            auto evaluated = DefinitionExpression::evaluate(spec.body, QJsonValue(QJsonValue::Null), bindings,
                                                            QStringLiteral("The request body of %1").arg(object));
            if (!evaluated)
                return evaluated.error();
            body = evaluated->toObject();
        }
        paginator.apply(page, request.url, body);
    }
    if (auto added = addHeaders(request, spec.headers, bindings); !added)
        return added.error();
    if (request.method != "GET") {
        request.setHeader("Content-Type", "application/json");
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    return request;
}

} // namespace patchbay

#include "ListRequest.h"

#include "ConnectionSession.h"
#include "catalog/TemplateText.h"

#include <QJsonDocument>
#include <QUrlQuery>

namespace patchbay {

Result<HttpRequest> buildListRequest(ConnectionSession &session, const RequestSpec &spec, const Paginator &paginator,
                                     const PageState &page, const jsonata::Bindings &bindings, const QString &object)
{
    HttpRequest request;
    request.method = page.nextUrl.isEmpty() ? spec.method.toLatin1() : QByteArray("GET");
    auto url = session.apiUrl(page.nextUrl.isEmpty() ? spec.path : page.nextUrl, bindings);
    if (!url)
        return url.error();
    request.url = url.value();
    QJsonObject body;
    if (page.nextUrl.isEmpty()) {
        QUrlQuery query(request.url);
        for (auto it = spec.params.begin(); it != spec.params.end(); ++it) {
            auto value = TemplateText::render(it.value(), bindings);
            if (!value)
                return value.error();
            if (!value->isEmpty()) // a template that gives nothing leaves its parameter out
                query.addQueryItem(it.key(), value.value());
        }
        request.url.setQuery(query);
        if (!spec.body.isEmpty()) {
            auto expression = jsonata::Expression::compile(spec.body);
            auto evaluated = expression ? expression.value().evaluate(jsonata::Value::null(), bindings, {1000, 200})
                                        : jsonata::Result<jsonata::Value>(expression.error());
            if (!evaluated) {
                return makeError("definition.body_failed", QStringLiteral("The request body of %1 failed: %2: %3")
                                                               .arg(object,
                                                                    QString::fromStdString(evaluated.error().code),
                                                                    QString::fromStdString(evaluated.error().message)));
            }
            body = evaluated.value().toQJsonValue().toObject();
        }
        paginator.apply(page, request.url, body);
    }
    for (auto it = spec.headers.begin(); it != spec.headers.end(); ++it) {
        auto value = TemplateText::render(it.value(), bindings);
        if (!value)
            return value.error();
        request.setHeader(it.key().toLatin1(), value->toUtf8());
    }
    request.setHeader("Accept", "application/json");
    if (request.method != "GET") {
        request.setHeader("Content-Type", "application/json");
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    }
    return request;
}

} // namespace patchbay

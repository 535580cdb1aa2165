#include "ExecutionExport.h"

#include "ops/OpsApi.h"
#include "ops/OpsJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStringDecoder>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

namespace patchbay::ExecutionExport {

namespace {

QJsonArray harHeaders(const HeaderList &headers)
{
    QJsonArray list;
    for (const auto &[name, value] : headers)
        list.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                                {QStringLiteral("value"), QString::fromLatin1(value)}});
    return list;
}

QString headerValue(const HeaderList &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return QString::fromLatin1(value);
    }
    return QString();
}

// A body as HAR text: UTF-8 as it is, anything else base64 (HAR's "encoding" says which).
void putBody(QJsonObject &object, const QByteArray &body)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(body);
    if (!decoder.hasError()) {
        object.insert(QStringLiteral("text"), text);
        return;
    }
    object.insert(QStringLiteral("text"), QString::fromLatin1(body.toBase64()));
    object.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
}

QJsonObject harRequest(const Exchange &exchange)
{
    QJsonArray query;
    const QUrl url(exchange.url);
    for (const auto &[name, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
        query.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    QJsonObject request{
        {QStringLiteral("method"), exchange.method},
        {QStringLiteral("url"), exchange.url},
        {QStringLiteral("httpVersion"), QString()}, // not recorded by the engine
        {QStringLiteral("cookies"), QJsonArray()},
        {QStringLiteral("headers"), harHeaders(exchange.requestHeaders)},
        {QStringLiteral("queryString"), query},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), exchange.requestBody.size()},
    };
    if (!exchange.requestBody.isEmpty()) {
        QJsonObject postData{{QStringLiteral("mimeType"),
                              headerValue(exchange.requestHeaders, QByteArrayLiteral("Content-Type"))}};
        putBody(postData, exchange.requestBody);
        // postData has no encoding field; a comment says the text of a binary body is base64.
        if (postData.take(QStringLiteral("encoding")).isString())
            postData.insert(QStringLiteral("comment"), QStringLiteral("text is base64: the body is not UTF-8"));
        request.insert(QStringLiteral("postData"), postData);
    }
    return request;
}

QJsonObject harResponse(const Exchange &exchange)
{
    QJsonObject content{
        {QStringLiteral("size"), exchange.responseBody.size()},
        {QStringLiteral("mimeType"), headerValue(exchange.responseHeaders, QByteArrayLiteral("Content-Type"))},
    };
    putBody(content, exchange.responseBody);
    QJsonObject response{
        {QStringLiteral("status"), exchange.status},
        {QStringLiteral("statusText"), QString()}, // the engine keeps the code, not the reason phrase
        {QStringLiteral("httpVersion"), QString()},
        {QStringLiteral("cookies"), QJsonArray()},
        {QStringLiteral("headers"), harHeaders(exchange.responseHeaders)},
        {QStringLiteral("content"), content},
        {QStringLiteral("redirectURL"), headerValue(exchange.responseHeaders, QByteArrayLiteral("Location"))},
        {QStringLiteral("headersSize"), -1},
        {QStringLiteral("bodySize"), exchange.responseBody.size()},
    };
    if (!exchange.error.isEmpty())
        response.insert(QStringLiteral("comment"), exchange.error);
    return response;
}

Result<void> writeWhole(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return makeError("export.write_failed",
                         QStringLiteral("Could not write %1: %2").arg(path, file.errorString()));
    }
    return {};
}

} // namespace

QByteArray eventsAsJsonLines(const QList<Event> &events)
{
    QByteArray lines;
    for (const Event &event : events)
        lines += QJsonDocument(OpsJson::encode(event)).toJson(QJsonDocument::Compact) + '\n';
    return lines;
}

QJsonObject exchangesAsHar(const Execution &execution, const QList<Exchange> &exchanges)
{
    QJsonArray entries;
    for (const Exchange &exchange : exchanges) {
        const qint64 wait = std::max<qint64>(exchange.durationMs, 0);
        entries.append(QJsonObject{
            {QStringLiteral("startedDateTime"), exchange.startedAt.toUTC().toString(Qt::ISODateWithMs)},
            {QStringLiteral("time"), wait},
            {QStringLiteral("request"), harRequest(exchange)},
            {QStringLiteral("response"), harResponse(exchange)},
            {QStringLiteral("cache"), QJsonObject()},
            // The engine times a request whole: sending and receiving are not told apart from waiting.
            {QStringLiteral("timings"), QJsonObject{{QStringLiteral("send"), 0},
                                                    {QStringLiteral("wait"), wait},
                                                    {QStringLiteral("receive"), 0}}},
        });
    }
    const QJsonObject log{
        {QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Patchbay")},
                                                {QStringLiteral("version"), QStringLiteral(PATCHBAY_VERSION)}}},
        {QStringLiteral("comment"), QStringLiteral("Execution %1 (%2 %3) of connection %4")
                                        .arg(execution.id)
                                        .arg(execution.kind, execution.object)
                                        .arg(execution.connectionId)},
        {QStringLiteral("entries"), entries},
    };
    return QJsonObject{{QStringLiteral("log"), log}};
}

QFuture<Result<void>> exportExecution(OpsApi *ops, qint64 executionId, const QString &eventsPath,
                                      const QString &harPath)
{
    struct Gathered
    {
        Execution execution;
        QList<Event> events;
    };
    auto gathered = std::make_shared<Gathered>();
    return ops->execution(executionId)
        .then(ops,
              [ops, executionId, gathered](const Result<Execution> &execution) -> QFuture<Result<QList<Event>>> {
                  if (!execution)
                      return readyAnswer<QList<Event>>(execution.error());
                  gathered->execution = execution.value();
                  return ops->events(executionId);
              })
        .unwrap()
        .then(ops,
              [ops, executionId, gathered](const Result<QList<Event>> &events) -> QFuture<Result<QList<Exchange>>> {
                  if (!events)
                      return readyAnswer<QList<Exchange>>(events.error());
                  gathered->events = events.value();
                  return ops->exchanges(executionId);
              })
        .unwrap()
        .then(ops, [gathered, eventsPath, harPath](const Result<QList<Exchange>> &exchanges) -> Result<void> {
            if (!exchanges)
                return exchanges.error();
            if (auto written = writeWhole(eventsPath, eventsAsJsonLines(gathered->events)); !written)
                return written;
            return writeWhole(harPath, QJsonDocument(exchangesAsHar(gathered->execution, exchanges.value()))
                                           .toJson(QJsonDocument::Indented));
        });
}

} // namespace patchbay::ExecutionExport

#include "GraphMailApi.h"

#include "common/SandboxHttp.h"
#include "common/SandboxPaging.h"

#include <QJsonDocument>
#include <QSet>
#include <QUuid>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

const QString kMessages = QStringLiteral("messages");
const QString kEvents = QStringLiteral("events");

int pageSize(const HttpServerRequest &request, int fallback)
{
    const QString prefer = QString::fromLatin1(request.header("prefer"));
    const qsizetype at = prefer.indexOf(QLatin1String("odata.maxpagesize="));
    if (at >= 0)
        return SandboxPaging::intParameter(prefer.mid(at + 18).section(QLatin1Char(','), 0, 0).trimmed(), fallback, 1,
                                           1000);
    return SandboxPaging::intParameter(request.query().queryItemValue(QStringLiteral("$top")), fallback, 1, 1000);
}

} // namespace

HttpServerResponse GraphMailApi::error(int status, const QString &code, const QString &message)
{
    const QString requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    return SandboxHttp::json(
        QJsonObject{
            {QStringLiteral("error"),
             QJsonObject{{QStringLiteral("code"), code},
                         {QStringLiteral("message"), message},
                         {QStringLiteral("innerError"),
                          QJsonObject{{QStringLiteral("date"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                                      {QStringLiteral("request-id"), requestId},
                                      {QStringLiteral("client-request-id"), requestId}}}}}},
        status);
}

QString GraphMailApi::context(const QString &object) const
{
    return m_apiBase + QStringLiteral("/v1.0/$metadata#users('%1')/%2").arg(m_mailbox.userId(), object);
}

std::optional<HttpServerResponse> GraphMailApi::handle(const HttpServerRequest &request, const QDateTime &now) const
{
    const QString path = request.path();
    const QByteArray method = request.method;
    if (method == "GET" && (path == QLatin1String("/v1.0/me/messages") || path == QLatin1String("/v1.0/me/events")))
        return list(path.section(QLatin1Char('/'), 3, 3), request);
    if (method == "POST" && path == QLatin1String("/v1.0/me/events"))
        return createEvent(request, now);
    if (method == "POST" && path == QLatin1String("/v1.0/$batch"))
        return batch(request, now);
    if (method == "GET" && path == QLatin1String("/v1.0/schemaExtensions"))
        return SandboxHttp::json(QJsonObject{{QStringLiteral("value"), m_mailbox.schemaExtensionsJson()}});
    const QStringList segments = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (method == "GET" && segments.size() == 3 && segments.at(1) == QLatin1String("schemaExtensions")) {
        for (const QString &object : m_mailbox.objects()) {
            if (m_mailbox.extensionId(object) == segments.at(2))
                return SandboxHttp::json(m_mailbox.schemaExtensionJson(object));
        }
        return error(404, QStringLiteral("Request_ResourceNotFound"),
                     QStringLiteral("Resource '%1' does not exist or one of its queried reference-property objects "
                                    "are not present.")
                         .arg(segments.at(2)));
    }
    if (segments.size() == 4 && segments.at(1) == QLatin1String("me") &&
        (segments.at(2) == kMessages || segments.at(2) == kEvents) && segments.at(3) != QLatin1String("delta")) {
        if (method == "GET")
            return item(segments.at(2), segments.at(3));
        if (method == "PATCH" && segments.at(2) == kEvents)
            return updateEvent(segments.at(3), request, now);
    }
    if (method != "GET" || !path.endsWith(QLatin1String("/delta")))
        return std::nullopt;
    const QString folder = path.section(QLatin1Char('/'), 4, 4).toLower();
    if (path.startsWith(QLatin1String("/v1.0/me/mailFolders/")) &&
        path.section(QLatin1Char('/'), 5) == QLatin1String("messages/delta") &&
        (folder == QLatin1String("inbox") || folder == QLatin1String("('inbox')")))
        return delta(kMessages, request, path);
    if (path == QLatin1String("/v1.0/me/events/delta") || path == QLatin1String("/v1.0/me/calendarView/delta"))
        return delta(kEvents, request, path);
    return std::nullopt;
}

HttpServerResponse GraphMailApi::list(const QString &object, const HttpServerRequest &request) const
{
    std::vector<const SandboxRecord *> items = m_mailbox.table(object)->live();
    if (object == kMessages) // newest first, as the inbox lists them
        std::stable_sort(items.begin(), items.end(),
                         [](const SandboxRecord *a, const SandboxRecord *b) { return b->createdAt < a->createdAt; });
    const int top = pageSize(request, kDefaultPageSize);
    const int skip =
        SandboxPaging::intParameter(request.query().queryItemValue(QStringLiteral("$skip")), 0, 0, INT_MAX);
    QJsonArray value;
    for (const SandboxRecord *record : SandboxPaging::slice(items, skip, top))
        value.append(m_mailbox.itemJson(object, *record));
    QJsonObject body{{QStringLiteral("@odata.context"), context(object)}, {QStringLiteral("value"), value}};
    if (skip + top < static_cast<int>(items.size())) {
        const QUrl url = SandboxPaging::requestUrl(m_apiBase, request.path(), request.url);
        body.insert(
            QStringLiteral("@odata.nextLink"),
            QString::fromLatin1(SandboxPaging::withQuery(url, {{QStringLiteral("$top"), QString::number(top)},
                                                               {QStringLiteral("$skip"), QString::number(skip + top)}})
                                    .toEncoded()));
    }
    return SandboxHttp::json(body);
}

QString GraphMailApi::encode(const DeltaState &state)
{
    const QByteArray text = QByteArray::number(state.generation) + ':' + state.object.toLatin1() + ':' +
                            QByteArray::number(state.sinceSequence) + ':' + QByteArray::number(state.roundSequence) +
                            ':' + QByteArray::number(state.afterKey) + ':' + QByteArray::number(state.rangeStartMs) +
                            ':' + QByteArray::number(state.rangeEndMs);
    return QString::fromLatin1(text.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<GraphMailApi::DeltaState> GraphMailApi::decode(const QString &token)
{
    const QList<QByteArray> parts = QByteArray::fromBase64(token.toLatin1(), QByteArray::Base64UrlEncoding).split(':');
    if (parts.size() != 7)
        return std::nullopt;
    return DeltaState{parts.at(0).toInt(),      QString::fromLatin1(parts.at(1)), parts.at(2).toLongLong(),
                      parts.at(3).toLongLong(), parts.at(4).toLongLong(),         parts.at(5).toLongLong(),
                      parts.at(6).toLongLong()};
}

HttpServerResponse GraphMailApi::delta(const QString &object, const HttpServerRequest &request,
                                       const QString &path) const
{
    const QUrlQuery query = request.query();
    const QString skipToken = query.queryItemValue(QStringLiteral("$skiptoken"), QUrl::FullyDecoded);
    const QString deltaToken = query.queryItemValue(QStringLiteral("$deltatoken"), QUrl::FullyDecoded);
    DeltaState state{m_mailbox.deltaGeneration(), object, -1, m_mailbox.changeSequence(), 0, -1, -1};
    if (!skipToken.isEmpty() || !deltaToken.isEmpty()) {
        const auto decoded = decode(skipToken.isEmpty() ? deltaToken : skipToken);
        if (!decoded || decoded->generation != m_mailbox.deltaGeneration() || decoded->object != object)
            return error(410, QStringLiteral("syncStateNotFound"),
                         QStringLiteral("The sync state generation is not found. The delta token is expired and data "
                                        "must be synchronized again."));
        state = *decoded;
        if (!deltaToken.isEmpty()) { // a new round: changes since the last one began
            state.sinceSequence = state.roundSequence;
            state.roundSequence = m_mailbox.changeSequence();
            state.afterKey = 0;
        }
    } else if (path.contains(QLatin1String("calendarView"))) {
        const QDateTime start = SandboxHttp::parseTimestamp(query.queryItemValue(QStringLiteral("startDateTime")));
        const QDateTime end = SandboxHttp::parseTimestamp(query.queryItemValue(QStringLiteral("endDateTime")));
        if (!start.isValid() || !end.isValid())
            return error(
                400, QStringLiteral("ErrorInvalidParameter"),
                QStringLiteral("This request requires a time window specified by startDateTime and endDateTime."));
        state.rangeStartMs = start.toMSecsSinceEpoch();
        state.rangeEndMs = end.toMSecsSinceEpoch();
    }

    // Keyset order by insertion, so records that change during a round neither shift nor repeat pages; they come
    // again in the next round.
    const int size = pageSize(request, kDefaultPageSize);
    QJsonArray value;
    qint64 lastKey = state.afterKey;
    bool more = false;
    for (const SandboxRecord &record : m_mailbox.table(object)->records()) {
        const qint64 sequence = GraphMailbox::sequenceOf(record);
        if (record.key <= state.afterKey || sequence > state.roundSequence || sequence <= state.sinceSequence)
            continue;
        if (record.deleted && state.sinceSequence < 0)
            continue;
        if (state.rangeStartMs >= 0) {
            const auto [start, end] = m_mailbox.eventSpan(record);
            if (start.toMSecsSinceEpoch() >= state.rangeEndMs || end.toMSecsSinceEpoch() <= state.rangeStartMs)
                continue;
        }
        if (value.size() == size) {
            more = true;
            break;
        }
        value.append(record.deleted ? m_mailbox.removedJson(object, record) : m_mailbox.itemJson(object, record));
        lastKey = record.key;
    }
    state.afterKey = lastKey;
    const QString link = m_apiBase + path;
    QJsonObject body{{QStringLiteral("@odata.context"), context(object) + QStringLiteral("/delta")},
                     {QStringLiteral("value"), value}};
    if (more)
        body.insert(QStringLiteral("@odata.nextLink"), link + QStringLiteral("?$skiptoken=") + encode(state));
    else
        body.insert(QStringLiteral("@odata.deltaLink"), link + QStringLiteral("?$deltatoken=") + encode(state));
    return SandboxHttp::json(body);
}

HttpServerResponse GraphMailApi::item(const QString &object, const QString &id) const
{
    const SandboxRecord *record = m_mailbox.table(object)->find(id);
    if (!record || record->deleted)
        return error(404, QStringLiteral("ErrorItemNotFound"),
                     QStringLiteral("The specified object was not found in the store."));
    QJsonObject json = m_mailbox.itemJson(object, *record);
    json.insert(QStringLiteral("@odata.context"), context(object) + QStringLiteral("/$entity"));
    return SandboxHttp::json(json);
}

HttpServerResponse GraphMailApi::updateEvent(const QString &id, const HttpServerRequest &request,
                                             const QDateTime &now) const
{
    QString problem;
    const int status = m_mailbox.updateEvent(id, QJsonDocument::fromJson(request.body).object(), now, &problem);
    if (status == 404)
        return error(404, QStringLiteral("ErrorItemNotFound"), problem);
    if (status != 200)
        return error(status, QStringLiteral("ErrorInvalidRequest"), problem);
    return item(kEvents, id);
}

HttpServerResponse GraphMailApi::batch(const HttpServerRequest &request, const QDateTime &now) const
{
    const QJsonArray steps = QJsonDocument::fromJson(request.body).object().value(QStringLiteral("requests")).toArray();
    if (steps.isEmpty())
        return error(400, QStringLiteral("BadRequest"), QStringLiteral("Invalid batch payload format."));
    if (steps.size() > kMaxBatchRequests)
        return error(400, QStringLiteral("BadRequest"),
                     QStringLiteral("Number of batch request steps exceeds the maximum of %1.").arg(kMaxBatchRequests));
    QSet<QString> ids;
    QJsonArray responses;
    for (const QJsonValue &value : steps) {
        const QJsonObject step = value.toObject();
        const QString id = step.value(QStringLiteral("id")).toString();
        if (id.isEmpty() || ids.contains(id))
            return error(400, QStringLiteral("BadRequest"),
                         QStringLiteral("Every request of a batch needs an id, unique in the batch."));
        ids.insert(id);
        const QJsonObject headers = step.value(QStringLiteral("headers")).toObject();
        bool contentType = false;
        HttpServerRequest inner;
        inner.method = step.value(QStringLiteral("method")).toString().toUpper().toLatin1();
        QString url = step.value(QStringLiteral("url")).toString();
        if (!url.startsWith(QLatin1Char('/')))
            url.prepend(QLatin1Char('/'));
        inner.url = QUrl(QStringLiteral("/v1.0") + url);
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            contentType = contentType || it.key().compare(QLatin1String("content-type"), Qt::CaseInsensitive) == 0;
            inner.headers.append({it.key().toLower().toLatin1(), it.value().toString().toUtf8()});
        }
        HttpServerResponse answer;
        if (step.contains(QStringLiteral("body")) && !contentType) {
            answer = error(400, QStringLiteral("BadRequest"),
                           QStringLiteral("A request with a body must specify its Content-Type header."));
        } else {
            if (step.contains(QStringLiteral("body")))
                inner.body =
                    QJsonDocument(step.value(QStringLiteral("body")).toObject()).toJson(QJsonDocument::Compact);
            const std::optional<HttpServerResponse> handled =
                inner.path() == QLatin1String("/v1.0/$batch") ? std::nullopt : handle(inner, now);
            answer = handled.value_or(error(400, QStringLiteral("BadRequest"),
                                            QStringLiteral("Resource not found for the segment '%1'.")
                                                .arg(inner.path().section(QLatin1Char('/'), -1))));
        }
        QJsonObject answerHeaders;
        for (const auto &[name, headerValue] : std::as_const(answer.headers))
            answerHeaders.insert(QString::fromLatin1(name), QString::fromUtf8(headerValue));
        QJsonObject response{{QStringLiteral("id"), id},
                             {QStringLiteral("status"), answer.status},
                             {QStringLiteral("headers"), answerHeaders}};
        if (const QJsonDocument body = QJsonDocument::fromJson(answer.body); body.isObject())
            response.insert(QStringLiteral("body"), body.object());
        // Graph may answer in any order; last first makes a client that relies on the order fail here.
        responses.prepend(response);
    }
    return SandboxHttp::json(QJsonObject{{QStringLiteral("responses"), responses}});
}

HttpServerResponse GraphMailApi::createEvent(const HttpServerRequest &request, const QDateTime &now) const
{
    QString problem;
    const QString id = m_mailbox.createEvent(QJsonDocument::fromJson(request.body).object(), now, &problem);
    if (id.isEmpty())
        return error(400, QStringLiteral("ErrorInvalidRequest"), problem);
    QJsonObject event = m_mailbox.itemJson(kEvents, *m_mailbox.table(kEvents)->find(id));
    event.insert(QStringLiteral("@odata.context"), context(kEvents) + QStringLiteral("/$entity"));
    return SandboxHttp::json(event, 201);
}

} // namespace patchbay::sandbox

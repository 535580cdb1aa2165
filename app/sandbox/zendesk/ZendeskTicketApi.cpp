#include "ZendeskTicketApi.h"

#include "common/SandboxHttp.h"

#include <QJsonDocument>
#include <QUrlQuery>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

QString encodeCursor(const QString &text)
{
    return QString::fromLatin1(
        text.toLatin1().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString decodeCursor(const QString &cursor)
{
    return QString::fromLatin1(QByteArray::fromBase64(cursor.toLatin1(), QByteArray::Base64UrlEncoding));
}

} // namespace

HttpServerResponse ZendeskTicketApi::error(int status, const QString &error, const QString &description,
                                           const QJsonObject &details)
{
    QJsonObject body{{QStringLiteral("error"), error}, {QStringLiteral("description"), description}};
    if (!details.isEmpty())
        body.insert(QStringLiteral("details"), details);
    return SandboxHttp::json(body, status);
}

HttpServerResponse ZendeskTicketApi::handle(const HttpServerRequest &request, const QString &rawPath,
                                            const QDateTime &now) const
{
    const QString path = rawPath.endsWith(QLatin1String(".json")) ? rawPath.chopped(5) : rawPath;
    const QByteArray method = request.method;
    if (path == QLatin1String("/api/v2/tickets") && method == "GET")
        return listTickets(request);
    if (path == QLatin1String("/api/v2/tickets") && method == "POST")
        return write(request, {}, now);
    if (path.startsWith(QLatin1String("/api/v2/tickets/"))) {
        const QString id = path.mid(16);
        if (method == "PUT")
            return write(request, id, now);
        const SandboxRecord *ticket = m_account.tickets().find(id);
        if (method == "GET" && ticket && !ticket->deleted)
            return SandboxHttp::json(QJsonObject{{QStringLiteral("ticket"), m_account.ticketJson(*ticket, m_apiBase)}});
        return error(404, QStringLiteral("RecordNotFound"), QStringLiteral("Not found"));
    }
    if (path == QLatin1String("/api/v2/incremental/tickets/cursor") && method == "GET")
        return incremental(request, now);
    if (path == QLatin1String("/api/v2/ticket_fields") && method == "GET") {
        QJsonArray fields;
        for (const ZendeskTicketField &field : m_account.ticketFields())
            fields.append(m_account.ticketFieldJson(field, m_apiBase));
        return SandboxHttp::json(QJsonObject{{QStringLiteral("ticket_fields"), fields},
                                             {QStringLiteral("next_page"), QJsonValue(QJsonValue::Null)},
                                             {QStringLiteral("previous_page"), QJsonValue(QJsonValue::Null)},
                                             {QStringLiteral("count"), fields.size()}});
    }
    return error(404, QStringLiteral("InvalidEndpoint"), QStringLiteral("Not found"));
}

HttpServerResponse ZendeskTicketApi::listTickets(const HttpServerRequest &request) const
{
    const QUrlQuery query = request.query();
    const QString size = query.queryItemValue(QStringLiteral("page[size]"), QUrl::FullyDecoded);
    if (!size.isEmpty()) {
        const int pageSize = size.toInt();
        if (pageSize < 1 || pageSize > kMaxPageSize)
            return error(400, QStringLiteral("InvalidPaginationParameter"),
                         QStringLiteral("page[size] must be between 1 and %1").arg(kMaxPageSize));
        return cursorPage(pageSize, query.queryItemValue(QStringLiteral("page[after]"), QUrl::FullyDecoded));
    }
    const int page = std::max(1, query.queryItemValue(QStringLiteral("page")).toInt());
    const int perPage = std::clamp(query.hasQueryItem(QStringLiteral("per_page"))
                                       ? query.queryItemValue(QStringLiteral("per_page")).toInt()
                                       : kMaxPageSize,
                                   1, kMaxPageSize);
    if ((page - 1) * perPage >= kOffsetRecordLimit)
        return error(400, QStringLiteral("InvalidPaginationParameter"),
                     QStringLiteral("Offset pagination is limited to the first %1 records; use cursor pagination.")
                         .arg(kOffsetRecordLimit));
    QJsonArray tickets;
    int index = 0;
    for (const SandboxRecord &ticket : m_account.tickets().records()) {
        if (!ticket.deleted && index++ >= (page - 1) * perPage && tickets.size() < perPage)
            tickets.append(m_account.ticketJson(ticket, m_apiBase));
    }
    const auto pageUrl = [&](int number) {
        return QJsonValue(
            QStringLiteral("%1/api/v2/tickets.json?page=%2&per_page=%3").arg(m_apiBase).arg(number).arg(perPage));
    };
    return SandboxHttp::json(QJsonObject{
        {QStringLiteral("tickets"), tickets},
        {QStringLiteral("next_page"), page * perPage < index ? pageUrl(page + 1) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("previous_page"), page > 1 ? pageUrl(page - 1) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("count"), index}});
}

HttpServerResponse ZendeskTicketApi::cursorPage(int size, const QString &after) const
{
    bool ok = true;
    const qint64 afterId = after.isEmpty() ? 0 : decodeCursor(after).toLongLong(&ok);
    if (!ok)
        return error(400, QStringLiteral("InvalidPaginationParameter"), QStringLiteral("page[after] is not valid"));
    QJsonArray tickets;
    bool hasMore = false;
    qint64 firstId = 0;
    qint64 lastId = 0;
    for (const SandboxRecord &ticket : m_account.tickets().records()) {
        const qint64 id = ticket.id.toLongLong();
        if (ticket.deleted || id <= afterId)
            continue;
        if (tickets.size() == size) {
            hasMore = true;
            break;
        }
        firstId = firstId == 0 ? id : firstId;
        lastId = id;
        tickets.append(m_account.ticketJson(ticket, m_apiBase));
    }
    const QString afterCursor = lastId ? encodeCursor(QString::number(lastId)) : QString();
    const QString beforeCursor = firstId ? encodeCursor(QString::number(firstId - 1)) : QString();
    const auto link = [&](const char *direction, const QString &cursor) {
        return QStringLiteral("%1/api/v2/tickets.json?page[size]=%2&page[%3]=%4")
            .arg(m_apiBase)
            .arg(size)
            .arg(QLatin1String(direction), cursor);
    };
    const QJsonValue null(QJsonValue::Null);
    return SandboxHttp::json(QJsonObject{
        {QStringLiteral("tickets"), tickets},
        {QStringLiteral("meta"),
         QJsonObject{{QStringLiteral("has_more"), hasMore},
                     {QStringLiteral("after_cursor"), lastId ? QJsonValue(afterCursor) : null},
                     {QStringLiteral("before_cursor"), firstId ? QJsonValue(beforeCursor) : null}}},
        {QStringLiteral("links"),
         QJsonObject{{QStringLiteral("next"), hasMore ? QJsonValue(link("after", afterCursor)) : null},
                     {QStringLiteral("prev"), afterId > 0 ? QJsonValue(link("before", beforeCursor)) : null}}}});
}

HttpServerResponse ZendeskTicketApi::incremental(const HttpServerRequest &request, const QDateTime &now) const
{
    const QUrlQuery query = request.query();
    // Position: changed at or after (ms, id); a start_time starts before every ticket of that second.
    qint64 fromMs = 0;
    qint64 afterId = -1;
    if (query.hasQueryItem(QStringLiteral("cursor"))) {
        const QStringList parts =
            decodeCursor(query.queryItemValue(QStringLiteral("cursor"), QUrl::FullyDecoded)).split(QLatin1Char(':'));
        if (parts.size() != 2)
            return error(400, QStringLiteral("InvalidValue"), QStringLiteral("cursor is not valid"));
        fromMs = parts.at(0).toLongLong();
        afterId = parts.at(1).toLongLong();
    } else {
        bool ok = false;
        const qint64 startTime = query.queryItemValue(QStringLiteral("start_time")).toLongLong(&ok);
        if (!ok)
            return error(400, QStringLiteral("InvalidValue"), QStringLiteral("start_time or cursor is required"));
        fromMs = startTime * 1000;
    }
    const qint64 untilMs = now.addSecs(-m_exclusionSeconds).toMSecsSinceEpoch();
    std::vector<const SandboxRecord *> changed;
    for (const SandboxRecord &ticket : m_account.tickets().records()) {
        const qint64 ms = ticket.updatedAt.toMSecsSinceEpoch();
        const bool afterPosition = ms > fromMs || (ms == fromMs && ticket.id.toLongLong() > afterId);
        if (afterPosition && ms <= untilMs)
            changed.push_back(&ticket);
    }
    std::sort(changed.begin(), changed.end(), [](const SandboxRecord *a, const SandboxRecord *b) {
        return std::pair(a->updatedAt, a->id.toLongLong()) < std::pair(b->updatedAt, b->id.toLongLong());
    });
    const size_t count = std::min<size_t>(changed.size(), kIncrementalPageSize);
    QJsonArray tickets;
    for (size_t i = 0; i < count; ++i)
        tickets.append(m_account.ticketJson(*changed[i], m_apiBase));
    // With nothing new the cursor stays where it was, so the next poll resumes from there.
    const QString cursor = count == 0 ? encodeCursor(QStringLiteral("%1:%2").arg(fromMs).arg(afterId))
                                      : encodeCursor(QStringLiteral("%1:%2")
                                                         .arg(changed[count - 1]->updatedAt.toMSecsSinceEpoch())
                                                         .arg(changed[count - 1]->id));
    return SandboxHttp::json(
        QJsonObject{{QStringLiteral("tickets"), tickets},
                    {QStringLiteral("after_cursor"), cursor},
                    {QStringLiteral("after_url"),
                     QStringLiteral("%1/api/v2/incremental/tickets/cursor.json?cursor=%2").arg(m_apiBase, cursor)},
                    {QStringLiteral("before_cursor"), QJsonValue(QJsonValue::Null)},
                    {QStringLiteral("before_url"), QJsonValue(QJsonValue::Null)},
                    {QStringLiteral("end_of_stream"), changed.size() <= static_cast<size_t>(kIncrementalPageSize)}});
}

HttpServerResponse ZendeskTicketApi::write(const HttpServerRequest &request, const QString &id,
                                           const QDateTime &now) const
{
    const QJsonObject ticket =
        QJsonDocument::fromJson(request.body).object().value(QStringLiteral("ticket")).toObject();
    QJsonObject details;
    QString written = id;
    if (id.isEmpty()) {
        written = m_account.createTicket(ticket, now, &details);
    } else if (!m_account.updateTicket(id, ticket, now, &details) && details.isEmpty()) {
        return error(404, QStringLiteral("RecordNotFound"), QStringLiteral("Not found"));
    }
    if (!details.isEmpty() || written.isEmpty())
        return error(422, QStringLiteral("RecordInvalid"), QStringLiteral("Record validation errors"), details);
    const QJsonObject audit{{QStringLiteral("ticket_id"), written.toLongLong()},
                            {QStringLiteral("created_at"), now.toUTC().toString(Qt::ISODate)},
                            {QStringLiteral("events"), QJsonArray()}};
    return SandboxHttp::json(
        QJsonObject{{QStringLiteral("ticket"), m_account.ticketJson(*m_account.tickets().find(written), m_apiBase)},
                    {QStringLiteral("audit"), audit}},
        id.isEmpty() ? 201 : 200);
}

} // namespace patchbay::sandbox

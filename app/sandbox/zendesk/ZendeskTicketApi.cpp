#include "ZendeskTicketApi.h"

#include "ZendeskCollectionPaging.h"

#include "common/SandboxHttp.h"

#include <QJsonDocument>

namespace patchbay::sandbox {

HttpServerResponse ZendeskTicketApi::error(int status, const QString &error, const QString &description,
                                           const QJsonObject &details)
{
    return ZendeskCollectionPaging::error(status, error, description, details);
}

HttpServerResponse ZendeskTicketApi::handle(const HttpServerRequest &request, const QString &rawPath,
                                            const QDateTime &now) const
{
    const QString path = rawPath.endsWith(QLatin1String(".json")) ? rawPath.chopped(5) : rawPath;
    const QByteArray method = request.method;
    const ZendeskCollectionPaging tickets(
        QStringLiteral("tickets"), m_account.tickets(),
        [this](const SandboxRecord &ticket) { return m_account.ticketJson(ticket, m_apiBase); }, m_apiBase);
    if (path == QLatin1String("/api/v2/tickets") && method == "GET")
        return tickets.list(request);
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
        return tickets.incremental(request, now, m_exportPolicy);
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

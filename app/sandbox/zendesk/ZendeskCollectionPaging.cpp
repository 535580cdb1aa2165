#include "ZendeskCollectionPaging.h"

#include "common/SandboxHttp.h"

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

HttpServerResponse ZendeskCollectionPaging::error(int status, const QString &error, const QString &description,
                                                  const QJsonObject &details)
{
    QJsonObject body{{QStringLiteral("error"), error}, {QStringLiteral("description"), description}};
    if (!details.isEmpty())
        body.insert(QStringLiteral("details"), details);
    return SandboxHttp::json(body, status);
}

HttpServerResponse ZendeskCollectionPaging::list(const HttpServerRequest &request) const
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
    return offsetPage(page, perPage);
}

HttpServerResponse ZendeskCollectionPaging::offsetPage(int page, int perPage) const
{
    QJsonArray items;
    int index = 0;
    for (const SandboxRecord &record : m_records.records()) {
        if (!record.deleted && index++ >= (page - 1) * perPage && items.size() < perPage)
            items.append(m_toJson(record));
    }
    const auto pageUrl = [&](int number) {
        return QJsonValue(
            QStringLiteral("%1/api/v2/%2.json?page=%3&per_page=%4").arg(m_apiBase, m_name).arg(number).arg(perPage));
    };
    return SandboxHttp::json(QJsonObject{
        {m_name, items},
        {QStringLiteral("next_page"), page * perPage < index ? pageUrl(page + 1) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("previous_page"), page > 1 ? pageUrl(page - 1) : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("count"), index}});
}

HttpServerResponse ZendeskCollectionPaging::cursorPage(int size, const QString &after) const
{
    bool ok = true;
    const qint64 afterId = after.isEmpty() ? 0 : decodeCursor(after).toLongLong(&ok);
    if (!ok)
        return error(400, QStringLiteral("InvalidPaginationParameter"), QStringLiteral("page[after] is not valid"));
    QJsonArray items;
    bool hasMore = false;
    qint64 firstId = 0;
    qint64 lastId = 0;
    for (const SandboxRecord &record : m_records.records()) {
        const qint64 id = record.id.toLongLong();
        if (record.deleted || id <= afterId)
            continue;
        if (items.size() == size) {
            hasMore = true;
            break;
        }
        firstId = firstId == 0 ? id : firstId;
        lastId = id;
        items.append(m_toJson(record));
    }
    const QString afterCursor = lastId ? encodeCursor(QString::number(lastId)) : QString();
    const QString beforeCursor = firstId ? encodeCursor(QString::number(firstId - 1)) : QString();
    const auto link = [&](const char *direction, const QString &cursor) {
        return QStringLiteral("%1/api/v2/%2.json?page[size]=%3&page[%4]=%5")
            .arg(m_apiBase, m_name)
            .arg(size)
            .arg(QLatin1String(direction), cursor);
    };
    const QJsonValue null(QJsonValue::Null);
    return SandboxHttp::json(QJsonObject{
        {m_name, items},
        {QStringLiteral("meta"),
         QJsonObject{{QStringLiteral("has_more"), hasMore},
                     {QStringLiteral("after_cursor"), lastId ? QJsonValue(afterCursor) : null},
                     {QStringLiteral("before_cursor"), firstId ? QJsonValue(beforeCursor) : null}}},
        {QStringLiteral("links"),
         QJsonObject{{QStringLiteral("next"), hasMore ? QJsonValue(link("after", afterCursor)) : null},
                     {QStringLiteral("prev"), afterId > 0 ? QJsonValue(link("before", beforeCursor)) : null}}}});
}

HttpServerResponse ZendeskCollectionPaging::incremental(const HttpServerRequest &request, const QDateTime &now,
                                                        const ZendeskExportPolicy &policy) const
{
    const QUrlQuery query = request.query();
    // Position: changed at or after (ms, id); a start_time starts before every record of that second.
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
    const qint64 untilMs = now.addSecs(-policy.exclusionSeconds).toMSecsSinceEpoch();
    std::vector<const SandboxRecord *> changed;
    for (const SandboxRecord &record : m_records.records()) {
        const qint64 ms = record.updatedAt.toMSecsSinceEpoch();
        const bool afterPosition = ms > fromMs || (ms == fromMs && record.id.toLongLong() > afterId);
        if (afterPosition && ms <= untilMs)
            changed.push_back(&record);
    }
    std::sort(changed.begin(), changed.end(), [](const SandboxRecord *a, const SandboxRecord *b) {
        return std::pair(a->updatedAt, a->id.toLongLong()) < std::pair(b->updatedAt, b->id.toLongLong());
    });
    const size_t count = std::min<size_t>(changed.size(), static_cast<size_t>(policy.pageSize));
    QJsonArray items;
    for (size_t i = 0; i < count; ++i)
        items.append(m_toJson(*changed[i]));
    // With nothing new the cursor stays where it was, so the next poll resumes from there.
    const QString cursor = count == 0 ? encodeCursor(QStringLiteral("%1:%2").arg(fromMs).arg(afterId))
                                      : encodeCursor(QStringLiteral("%1:%2")
                                                         .arg(changed[count - 1]->updatedAt.toMSecsSinceEpoch())
                                                         .arg(changed[count - 1]->id));
    return SandboxHttp::json(
        QJsonObject{{m_name, items},
                    {QStringLiteral("after_cursor"), cursor},
                    {QStringLiteral("after_url"),
                     QStringLiteral("%1/api/v2/incremental/%2/cursor.json?cursor=%3").arg(m_apiBase, m_name, cursor)},
                    {QStringLiteral("before_cursor"), QJsonValue(QJsonValue::Null)},
                    {QStringLiteral("before_url"), QJsonValue(QJsonValue::Null)},
                    {QStringLiteral("end_of_stream"), changed.size() <= static_cast<size_t>(policy.pageSize)}});
}

} // namespace patchbay::sandbox

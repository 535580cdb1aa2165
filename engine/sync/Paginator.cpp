#include "Paginator.h"

#include "catalog/DefinitionExpression.h"

#include "core/JsonPath.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace patchbay {

QJsonObject PageState::toJson() const
{
    QJsonObject object;
    if (!cursor.isEmpty())
        object.insert(QStringLiteral("cursor"), cursor);
    if (!nextUrl.isEmpty())
        object.insert(QStringLiteral("nextUrl"), nextUrl);
    if (offset != 0)
        object.insert(QStringLiteral("offset"), offset);
    if (page != 0)
        object.insert(QStringLiteral("page"), page);
    return object;
}

PageState PageState::fromJson(const QJsonObject &object)
{
    PageState state;
    state.cursor = object.value(QStringLiteral("cursor")).toString();
    state.nextUrl = object.value(QStringLiteral("nextUrl")).toString();
    state.offset = static_cast<qint64>(object.value(QStringLiteral("offset")).toDouble());
    state.page = object.value(QStringLiteral("page")).toInt();
    return state;
}

QString Paginator::linkHeaderNext(const QByteArray &linkHeader)
{
    // Link: <https://api.example.com/items?page=2>; rel="next", <...>; rel="last"
    static const QRegularExpression entry(QStringLiteral(R"re(<([^>]*)>\s*;([^,]*))re"));
    static const QRegularExpression relNext(QStringLiteral(R"re(rel\s*=\s*"?([^";]*\s)*next(\s[^";]*)*"?)re"));
    auto it = entry.globalMatch(QString::fromLatin1(linkHeader));
    while (it.hasNext()) {
        const auto match = it.next();
        if (relNext.match(match.captured(2)).hasMatch())
            return match.captured(1);
    }
    return {};
}

void Paginator::apply(const PageState &state, QUrl &url, QJsonObject &body) const
{
    if (!state.nextUrl.isEmpty())
        return;
    const bool inBody = m_spec.in == QLatin1String("body");
    QUrlQuery query(url);
    const auto put = [&](const QString &name, const QJsonValue &value) {
        if (name.isEmpty())
            return;
        if (inBody)
            body.insert(name, value);
        else
            query.addQueryItem(name, value.isString() ? value.toString() : QString::number(value.toInteger()));
    };
    if (m_spec.type != QLatin1String("none"))
        put(m_spec.limitParam, m_spec.pageSize);
    if (m_spec.type == QLatin1String("cursor") && !state.cursor.isEmpty())
        put(m_spec.param, state.cursor);
    else if (m_spec.type == QLatin1String("offset"))
        put(m_spec.param, state.offset);
    else if (m_spec.type == QLatin1String("page"))
        put(m_spec.param, state.page == 0 ? m_spec.firstPage : state.page);
    url.setQuery(query);
}

std::optional<PageState> Paginator::next(const PageState &current, const QJsonValue &body,
                                         const HttpResponse &response, const QJsonArray &records) const
{
    if (m_spec.type == QLatin1String("none"))
        return std::nullopt;
    if (!m_spec.hasMorePath.isEmpty()) {
        const QJsonValue more = jsonValueAt(body, m_spec.hasMorePath);
        if (more.isUndefined() || more.isNull() || more == QJsonValue(false))
            return std::nullopt;
    }
    if (m_spec.stopWhenShort && records.size() < m_spec.pageSize)
        return std::nullopt;
    if (!m_spec.lastPageWhen.isEmpty() && DefinitionExpression::holds(m_spec.lastPageWhen, body))
        return std::nullopt;

    PageState next;
    if (m_spec.type == QLatin1String("cursor")) {
        next.cursor = m_spec.cursorFromLastRecord.isEmpty()
                          ? jsonScalarText(jsonValueAt(body, m_spec.nextPath))
                          : (records.isEmpty() ? QString()
                                               : jsonScalarText(jsonValueAt(records.last(), m_spec.cursorFromLastRecord)));
        if (next.cursor.isEmpty() || next.cursor == current.cursor)
            return std::nullopt;
    } else if (m_spec.type == QLatin1String("nextUrl")) {
        next.nextUrl = jsonScalarText(jsonValueAt(body, m_spec.nextPath));
        if (next.nextUrl.isEmpty())
            return std::nullopt;
    } else if (m_spec.type == QLatin1String("linkHeader")) {
        next.nextUrl = linkHeaderNext(response.header("Link"));
        if (next.nextUrl.isEmpty())
            return std::nullopt;
    } else if (m_spec.type == QLatin1String("offset")) {
        if (records.isEmpty())
            return std::nullopt;
        const QJsonValue stated = m_spec.nextOffsetPath.isEmpty() ? QJsonValue() : jsonValueAt(body, m_spec.nextOffsetPath);
        next.offset = stated.isDouble() ? static_cast<qint64>(stated.toDouble()) : current.offset + records.size();
        if (!m_spec.totalPath.isEmpty()) {
            const QJsonValue total = jsonValueAt(body, m_spec.totalPath);
            if (total.isDouble() && next.offset >= static_cast<qint64>(total.toDouble()))
                return std::nullopt;
        }
    } else if (m_spec.type == QLatin1String("page")) {
        if (records.isEmpty())
            return std::nullopt;
        next.page = (current.page == 0 ? m_spec.firstPage : current.page) + 1;
    }
    return next;
}

} // namespace patchbay

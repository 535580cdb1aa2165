#include "HubSpotObjectSearch.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace patchbay::sandbox {

namespace {

// From HubSpot's changelog of August 2024: up to 5 filter groups and 25 filters per search.
constexpr int kMaxFilterGroups = 5;
constexpr int kMaxFilters = 25;

const QStringList kOperators = {QStringLiteral("EQ"),
                                QStringLiteral("NEQ"),
                                QStringLiteral("LT"),
                                QStringLiteral("LTE"),
                                QStringLiteral("GT"),
                                QStringLiteral("GTE"),
                                QStringLiteral("BETWEEN"),
                                QStringLiteral("IN"),
                                QStringLiteral("NOT_IN"),
                                QStringLiteral("HAS_PROPERTY"),
                                QStringLiteral("NOT_HAS_PROPERTY"),
                                QStringLiteral("CONTAINS_TOKEN"),
                                QStringLiteral("NOT_CONTAINS_TOKEN")};

// Filter values come as JSON strings or numbers; HubSpot accepts both.
QString scalar(const QJsonValue &value)
{
    if (value.isDouble())
        return QString::number(static_cast<qint64>(value.toDouble()));
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return value.toString();
}

// Date filters take epoch milliseconds or ISO 8601; stored values are ISO 8601.
std::optional<qint64> toMs(const QString &text)
{
    bool isNumber = false;
    const qint64 ms = text.toLongLong(&isNumber);
    if (isNumber)
        return ms;
    // A bare date means midnight UTC, as HubSpot stores date properties.
    const QDate date = text.size() == 10 ? QDate::fromString(text, Qt::ISODate) : QDate();
    const QDateTime time =
        date.isValid() ? QDateTime(date, QTime(0, 0), Qt::UTC) : QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return std::nullopt;
    return time.toMSecsSinceEpoch();
}

template <typename T> int threeWay(T left, T right)
{
    return left < right ? -1 : (right < left ? 1 : 0);
}

} // namespace

std::optional<HubSpotObjectSearch::Result> HubSpotObjectSearch::run(const HubSpotObjectStore &store,
                                                                    const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.isEmpty() ? QByteArray("{}") : body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        fail(QStringLiteral("Invalid input JSON on line 1: %1").arg(parseError.errorString()));
        return std::nullopt;
    }
    if (!parse(store, document.object()))
        return std::nullopt;

    std::vector<const HubSpotRecord *> matched;
    for (const HubSpotRecord &record : store.records()) {
        if (!record.archived && matches(store, record) && matchesQuery(record))
            matched.push_back(&record);
    }
    if (!m_sortProperty.isEmpty()) {
        const QString type = store.property(m_sortProperty)->type;
        std::stable_sort(matched.begin(), matched.end(), [&](const HubSpotRecord *a, const HubSpotRecord *b) {
            const int order = compare(type, a->properties.value(m_sortProperty), b->properties.value(m_sortProperty));
            return m_sortDescending ? order > 0 : order < 0;
        });
    }

    Result result;
    result.total = static_cast<int>(matched.size());
    result.properties = m_properties;
    const int reachable = std::min(result.total, kMaxReachableResults);
    const int end = std::min(reachable, m_after + m_limit);
    for (int i = m_after; i < end; ++i)
        result.page.append(matched[static_cast<size_t>(i)]);
    if (end < reachable)
        result.nextAfter = end;
    return result;
}

bool HubSpotObjectSearch::fail(const QString &message)
{
    m_error = message;
    return false;
}

bool HubSpotObjectSearch::parse(const HubSpotObjectStore &store, const QJsonObject &request)
{
    const QJsonArray groups = request.value(QStringLiteral("filterGroups")).toArray();
    if (groups.size() > kMaxFilterGroups)
        return fail(
            QStringLiteral("Too many filter groups (%1). The maximum is %2.").arg(groups.size()).arg(kMaxFilterGroups));
    int filterCount = 0;
    for (const QJsonValue &groupValue : groups) {
        FilterGroup group;
        for (const QJsonValue &filterValue : groupValue.toObject().value(QStringLiteral("filters")).toArray()) {
            const QJsonObject object = filterValue.toObject();
            Filter filter;
            filter.propertyName = object.value(QStringLiteral("propertyName")).toString();
            filter.op = object.value(QStringLiteral("operator")).toString();
            filter.value = scalar(object.value(QStringLiteral("value")));
            filter.highValue = scalar(object.value(QStringLiteral("highValue")));
            for (const QJsonValue &value : object.value(QStringLiteral("values")).toArray())
                filter.values.append(scalar(value));
            if (!store.property(filter.propertyName))
                return fail(QStringLiteral("There was a problem with the request. Unknown property: %1")
                                .arg(filter.propertyName));
            if (!kOperators.contains(filter.op))
                return fail(QStringLiteral("Unknown filter operator: %1").arg(filter.op));
            group.append(filter);
            ++filterCount;
        }
        m_groups.append(group);
    }
    if (filterCount > kMaxFilters)
        return fail(QStringLiteral("Too many filters (%1). The maximum is %2.").arg(filterCount).arg(kMaxFilters));

    const QJsonArray sorts = request.value(QStringLiteral("sorts")).toArray();
    if (sorts.size() > 1)
        return fail(QStringLiteral("Only one sort is allowed per search request."));
    if (!sorts.isEmpty()) {
        // Both documented forms: {"propertyName", "direction"} and "-createdate".
        if (sorts.first().isString()) {
            m_sortProperty = sorts.first().toString();
            m_sortDescending = m_sortProperty.startsWith(QLatin1Char('-'));
            if (m_sortDescending)
                m_sortProperty.remove(0, 1);
        } else {
            const QJsonObject sort = sorts.first().toObject();
            m_sortProperty = sort.value(QStringLiteral("propertyName")).toString();
            m_sortDescending = sort.value(QStringLiteral("direction")).toString() == QLatin1String("DESCENDING");
        }
        if (!store.property(m_sortProperty))
            return fail(QStringLiteral("Unknown sort property: %1").arg(m_sortProperty));
    }

    const QJsonValue limit = request.value(QStringLiteral("limit"));
    if (!limit.isUndefined() && !limit.isNull()) {
        m_limit = limit.toInt(-1);
        if (m_limit < 1 || m_limit > kMaxLimit)
            return fail(QStringLiteral("limit must be between 1 and %1").arg(kMaxLimit));
    }
    const QJsonValue after = request.value(QStringLiteral("after"));
    if (!after.isUndefined() && !after.isNull()) {
        bool ok = false;
        m_after = after.isDouble() ? after.toInt(-1) : after.toString().toInt(&ok);
        if ((after.isString() && !ok) || m_after < 0)
            return fail(QStringLiteral("Invalid after: %1").arg(scalar(after)));
    }
    if (m_after >= kMaxReachableResults)
        return fail(QStringLiteral("The search API cannot page beyond %1 results. Narrow the query, for example "
                                   "with a %2 filter, to reach later records.")
                        .arg(kMaxReachableResults)
                        .arg(store.type().lastModifiedProperty));

    for (const QJsonValue &value : request.value(QStringLiteral("properties")).toArray())
        m_properties.append(value.toString());
    if (m_properties.isEmpty())
        m_properties = store.type().defaultProperties;
    m_query = request.value(QStringLiteral("query")).toString().trimmed();
    m_searchable = store.type().searchableProperties;
    return true;
}

bool HubSpotObjectSearch::matches(const HubSpotObjectStore &store, const HubSpotRecord &record) const
{
    if (m_groups.isEmpty())
        return true;
    return std::any_of(m_groups.begin(), m_groups.end(), [&](const FilterGroup &group) {
        return std::all_of(group.begin(), group.end(),
                           [&](const Filter &filter) { return matches(store, record, filter); });
    });
}

bool HubSpotObjectSearch::matches(const HubSpotObjectStore &store, const HubSpotRecord &record,
                                  const Filter &filter) const
{
    const QString type = store.property(filter.propertyName)->type;
    const QString stored = record.properties.value(filter.propertyName);
    const bool has = !stored.isEmpty();
    if (filter.op == QLatin1String("HAS_PROPERTY"))
        return has;
    if (filter.op == QLatin1String("NOT_HAS_PROPERTY"))
        return !has;
    if (filter.op == QLatin1String("NEQ"))
        return !has || compare(type, stored, filter.value) != 0;
    if (filter.op == QLatin1String("NOT_IN"))
        return !has || std::none_of(filter.values.begin(), filter.values.end(),
                                    [&](const QString &v) { return compare(type, stored, v) == 0; });
    if (filter.op == QLatin1String("NOT_CONTAINS_TOKEN"))
        return !stored.contains(QString(filter.value).remove(QLatin1Char('*')), Qt::CaseInsensitive);
    if (!has)
        return false;
    if (filter.op == QLatin1String("EQ"))
        return compare(type, stored, filter.value) == 0;
    if (filter.op == QLatin1String("LT"))
        return compare(type, stored, filter.value) < 0;
    if (filter.op == QLatin1String("LTE"))
        return compare(type, stored, filter.value) <= 0;
    if (filter.op == QLatin1String("GT"))
        return compare(type, stored, filter.value) > 0;
    if (filter.op == QLatin1String("GTE"))
        return compare(type, stored, filter.value) >= 0;
    if (filter.op == QLatin1String("BETWEEN"))
        return compare(type, stored, filter.value) >= 0 && compare(type, stored, filter.highValue) <= 0;
    if (filter.op == QLatin1String("IN"))
        return std::any_of(filter.values.begin(), filter.values.end(),
                           [&](const QString &v) { return compare(type, stored, v) == 0; });
    // CONTAINS_TOKEN
    return stored.contains(QString(filter.value).remove(QLatin1Char('*')), Qt::CaseInsensitive);
}

bool HubSpotObjectSearch::matchesQuery(const HubSpotRecord &record) const
{
    if (m_query.isEmpty())
        return true;
    return std::any_of(m_searchable.begin(), m_searchable.end(), [&](const QString &name) {
        return record.properties.value(name).contains(m_query, Qt::CaseInsensitive);
    });
}

int HubSpotObjectSearch::compare(const QString &type, const QString &left, const QString &right)
{
    if (type == QLatin1String("datetime") || type == QLatin1String("date")) {
        const auto l = toMs(left);
        const auto r = toMs(right);
        if (l && r)
            return threeWay(*l, *r);
    } else if (type == QLatin1String("number")) {
        bool leftOk = false;
        bool rightOk = false;
        const double l = left.toDouble(&leftOk);
        const double r = right.toDouble(&rightOk);
        if (leftOk && rightOk)
            return threeWay(l, r);
    }
    return left.compare(right, Qt::CaseInsensitive);
}

} // namespace patchbay::sandbox

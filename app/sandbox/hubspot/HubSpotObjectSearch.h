#pragma once

#include "HubSpotObjectStore.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace patchbay::sandbox {

// POST /crm/v3/objects/{object}/search: filterGroups (OR of ANDed filters), one sort, limit, after, properties,
// query. Like HubSpot it never pages past 10,000 results of one query, so long backfills must re-window.
class HubSpotObjectSearch
{
public:
    static constexpr int kMaxReachableResults = 10000;
    static constexpr int kDefaultLimit = 10;
    static constexpr int kMaxLimit = 200;

    struct Result
    {
        int total = 0;
        QList<const HubSpotRecord *> page;
        int nextAfter = -1; // -1 when this is the last reachable page
        QStringList properties;
    };

    // On a malformed request returns nothing and sets errorMessage to what HubSpot would complain about.
    std::optional<Result> run(const HubSpotObjectStore &store, const QByteArray &body);
    QString errorMessage() const { return m_error; }

private:
    struct Filter
    {
        QString propertyName;
        QString op;
        QString value;
        QString highValue;
        QStringList values;
    };
    using FilterGroup = QList<Filter>;

    bool parse(const HubSpotObjectStore &store, const QJsonObject &request);
    bool fail(const QString &message);
    bool matches(const HubSpotObjectStore &store, const HubSpotRecord &record) const;
    bool matches(const HubSpotObjectStore &store, const HubSpotRecord &record, const Filter &filter) const;
    bool matchesQuery(const HubSpotRecord &record) const;
    // <0, 0, >0 comparing a stored value with a filter or another stored value, by the property's type.
    static int compare(const QString &type, const QString &left, const QString &right);

    QList<FilterGroup> m_groups;
    QString m_sortProperty;
    bool m_sortDescending = false;
    int m_limit = kDefaultLimit;
    int m_after = 0;
    QStringList m_properties;
    QString m_query;
    QStringList m_searchable; // the object's properties a free-text query looks in
    QString m_error;
};

} // namespace patchbay::sandbox

#pragma once

#include "common/RecordGenerator.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace patchbay::sandbox {

// One entry of GET /crm/v3/properties/{object}.
struct HubSpotProperty
{
    QString name;
    QString label;
    QString type;      // string | number | date | datetime | enumeration | bool
    QString fieldType; // text | number | date | select | radio | booleancheckbox | phonenumber ...
    QString groupName;
    QStringList options; // enumeration values
    bool hubspotDefined = true;
    bool readOnlyValue = false; // HubSpot computes it; a write naming it is refused
    QDateTime createdAt;
};

// What sets one CRM object apart in the emulator: its name in paths, its built-in properties, the property that
// holds the last change, what a request naming no properties gets and how seeded records are filled in. Paging,
// search, archiving and custom properties work the same for every object (HubSpotObjectStore).
//
// From HubSpot's CRM search guide: contacts keep their last change in lastmodifieddate, companies (and every other
// object) in hs_lastmodifieddate; a search naming no properties returns createdate, email, firstname, hs_object_id,
// lastmodifieddate and lastname for contacts, and name, domain, createdate, hs_lastmodifieddate and hs_object_id for
// companies. Chosen: list and single-record reads without properties return the same defaults; industry options are
// a subset of HubSpot's industry enumeration.
struct HubSpotObjectType
{
    QString name;                      // in paths: contacts, companies
    QString propertyGroup;             // where custom properties go
    QString lastModifiedProperty;      // lastmodifieddate (contacts) or hs_lastmodifieddate
    QStringList defaultProperties;     // returned when a request names none
    QStringList searchableProperties;  // what a search's free-text query looks in
    QList<HubSpotProperty> properties; // built in
    qint64 firstId = 1;                // seeded ids start a little above it
    quint32 seedSalt = 0;              // mixed into the portal's seed, so objects of one portal differ
    // The object's own values for a seeded record; the store adds the dates and hs_object_id.
    QHash<QString, QString> (*generateValues)(RecordGenerator &generator) = nullptr;

    static const HubSpotObjectType &contacts();
    static const HubSpotObjectType &companies();
};

} // namespace patchbay::sandbox

#pragma once

#include "HubSpotObjectStore.h"

#include <QString>

#include <vector>

namespace patchbay::sandbox {

using HubSpotContact = HubSpotRecord;

// The contacts of one portal: the contacts object's store, plus what only contacts have (an email address that is
// unique per portal, which creates and updates check).
class HubSpotContactStore : public HubSpotObjectStore
{
public:
    HubSpotContactStore() : HubSpotObjectStore(HubSpotObjectType::contacts()) {}

    const std::vector<HubSpotContact> &contacts() const { return records(); }
    const HubSpotContact *contact(qint64 id) const { return record(id); }
    // The live contact other than exceptId whose email is email (ignoring case), or 0; email is unique per portal.
    qint64 contactWithEmail(const QString &email, qint64 exceptId = 0) const;
};

} // namespace patchbay::sandbox

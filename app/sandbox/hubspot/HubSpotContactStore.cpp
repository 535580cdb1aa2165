#include "HubSpotContactStore.h"

namespace patchbay::sandbox {

qint64 HubSpotContactStore::contactWithEmail(const QString &email, qint64 exceptId) const
{
    if (email.isEmpty())
        return 0;
    for (const HubSpotContact &contact : contacts()) {
        if (!contact.archived && contact.id != exceptId &&
            contact.properties.value(QStringLiteral("email")).compare(email, Qt::CaseInsensitive) == 0)
            return contact.id;
    }
    return 0;
}

} // namespace patchbay::sandbox

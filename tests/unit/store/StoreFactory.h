#pragma once

#include "core/Clock.h"
#include "core/Result.h"
#include "store/Store.h"

#include <QDebug>

#include <memory>
#include <vector>

namespace patchbay::test {

// How the store suite (TestStore) gets a store of one implementation: each test starts a new, empty database and
// may open it again. A PostgreSQL implementation adds its factory to storeFactories().
class StoreFactory
{
public:
    virtual ~StoreFactory() = default;

    virtual QString name() const = 0;
    // A new, empty database for the next test.
    virtual bool createDatabase() = 0;
    // A store (another connection) on that database, taking "now" from clock.
    virtual Result<std::unique_ptr<Store>> open(const Clock &clock) = 0;
    // Until clearFailures, every statement of store that inserts into table fails with the error code test.injected.
    virtual void failInsertsInto(Store &store, const QString &table) = 0;
    virtual void clearFailures(Store &store) = 0;
};

std::vector<std::unique_ptr<StoreFactory>> storeFactories();

// A new tenant with one HubSpot connection; returns the connection's id.
qint64 addHubSpotConnection(Store &store, const QString &tenantName, const QString &tenantDisplayName,
                            const QString &displayName);
// Tenant "acme" with one HubSpot connection, "Acme HubSpot"; returns the connection's id.
qint64 addAcmeConnection(Store &store);

// The opened store or database; null, with the error as a warning, when it did not open.
template <typename T> std::unique_ptr<T> openedOrNull(Result<std::unique_ptr<T>> opened)
{
    if (!opened) {
        qWarning() << opened.error().toString();
        return nullptr;
    }
    return std::move(opened).value();
}

} // namespace patchbay::test

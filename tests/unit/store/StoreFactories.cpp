#include "StoreFactory.h"

#include "store/sqlite/SqliteStore.h"

#include <QTemporaryDir>

namespace patchbay::test {

namespace {

// SQLite on a real file in a temporary folder.
class SqliteStoreFactory final : public StoreFactory
{
public:
    QString name() const override { return QStringLiteral("sqlite"); }

    bool createDatabase() override
    {
        m_dir = std::make_unique<QTemporaryDir>();
        return m_dir->isValid();
    }

    Result<std::unique_ptr<Store>> open(const Clock &clock) override
    {
        auto store = SqliteStore::open(m_dir->filePath(QStringLiteral("patchbay.db")), clock);
        if (!store)
            return store.error();
        return std::unique_ptr<Store>(std::move(store).value());
    }

    void failInsertsInto(Store &store, const QString &table) override
    {
        const QString insert = QStringLiteral("INSERT INTO ") + table;
        static_cast<SqliteStore &>(store).setFailureHook([insert](const QString &sql) -> std::optional<Error> {
            if (sql.contains(insert))
                return Error{QStringLiteral("test.injected"), QStringLiteral("disk full")};
            return std::nullopt;
        });
    }

    void clearFailures(Store &store) override { static_cast<SqliteStore &>(store).setFailureHook({}); }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

} // namespace

qint64 addHubSpotConnection(Store &store, const QString &tenantName, const QString &tenantDisplayName,
                            const QString &displayName)
{
    const qint64 tenant = store.tenants().createTenant(tenantName, tenantDisplayName).value();
    Connection connection;
    connection.tenantId = tenant;
    connection.provider = QStringLiteral("hubspot");
    connection.displayName = displayName;
    return store.tenants().createConnection(connection).value();
}

qint64 addAcmeConnection(Store &store)
{
    return addHubSpotConnection(store, QStringLiteral("acme"), QStringLiteral("Acme Corp"),
                                QStringLiteral("Acme HubSpot"));
}

std::vector<std::unique_ptr<StoreFactory>> storeFactories()
{
    std::vector<std::unique_ptr<StoreFactory>> factories;
    factories.push_back(std::make_unique<SqliteStoreFactory>());
    return factories;
}

} // namespace patchbay::test

#pragma once

#include "store/ApiKeyStore.h"
#include "store/sqlite/SqliteRows.h"

namespace patchbay {

class SqliteApiKeyStore final : public ApiKeyStore, private sqlite::SqliteConcern
{
public:
    using SqliteConcern::SqliteConcern;

    Result<CreatedApiKey> createApiKey(const QString &name, ApiRole role, std::optional<qint64> tenantId) override;
    Result<ApiKey> verifyApiKey(const QString &secret) override;
    Result<QList<ApiKey>> apiKeys() override;
    Result<ApiKey> revokeApiKey(qint64 id) override;
};

} // namespace patchbay

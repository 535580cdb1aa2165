#include "SqliteApiKeyStore.h"

#include <QCryptographicHash>

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace patchbay {

using namespace sqlite;

namespace {

constexpr int kSecretBytes = 32;
constexpr qsizetype kPrefixLength = 11; // "pb_" and 8 characters of the secret: enough to tell keys apart
constexpr qint64 kLastUsedGranularityMs = 60 * 1000;

const QString kKeyColumns =
    QStringLiteral("id, prefix, name, role, tenant_id, created_at, last_used_at, revoked_at");

ApiKey readKey(SqliteRow &row)
{
    ApiKey key;
    key.id = row.int64();
    key.prefix = row.text();
    key.name = row.text();
    key.role = apiRoleFromName(row.text()).value_or(ApiRole::Viewer);
    if (const qint64 tenant = row.int64(); tenant != 0)
        key.tenantId = tenant;
    key.createdAt = row.time();
    key.lastUsedAt = row.time();
    key.revokedAt = row.time();
    return key;
}

QByteArray sha256(const QString &secret)
{
    return QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256);
}

Error badKey()
{
    return makeError("store.bad_key", QStringLiteral("No active API key matches."));
}

} // namespace

Result<CreatedApiKey> SqliteApiKeyStore::createApiKey(const QString &name, ApiRole role,
                                                      std::optional<qint64> tenantId)
{
    QByteArray random(kSecretBytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(random.data()), kSecretBytes) != 1)
        return makeError("store.random_failed", QStringLiteral("The system gave no random bytes for a new key."));
    CreatedApiKey created;
    created.secret = QStringLiteral("pb_")
        + QString::fromLatin1(random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    OPENSSL_cleanse(random.data(), static_cast<size_t>(random.size()));
    const QString prefix = created.secret.left(kPrefixLength);
    auto id = insert(m_db,
                     QStringLiteral("INSERT INTO api_keys (prefix, secret_sha256, name, role, tenant_id, created_at) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"),
                     prefix, sha256(created.secret), name, apiRoleName(role), tenantId, now());
    if (!id)
        return id.error();
    auto key = required(selectOne(m_db, QStringLiteral("SELECT %1 FROM api_keys WHERE id = ?1").arg(kKeyColumns),
                                  readKey, id.value()),
                        notFound("API key", id.value()));
    if (!key)
        return key.error();
    created.key = key.value();
    return created;
}

Result<ApiKey> SqliteApiKeyStore::verifyApiKey(const QString &secret)
{
    if (!secret.startsWith(QLatin1String("pb_")) || secret.size() < kPrefixLength)
        return badKey();
    // The prefix only narrows the search; the hash decides, compared in constant time.
    SqliteStatement stmt = prepare(
        m_db, QStringLiteral("SELECT secret_sha256, %1 FROM api_keys WHERE prefix = ?1 AND revoked_at IS NULL")
                  .arg(kKeyColumns),
        secret.left(kPrefixLength));
    const QByteArray hash = sha256(secret);
    std::optional<ApiKey> match;
    while (stmt.next()) {
        SqliteRow row(stmt);
        const QByteArray stored = row.blob();
        ApiKey key = readKey(row);
        if (stored.size() == hash.size() && CRYPTO_memcmp(stored.constData(), hash.constData(), hash.size()) == 0)
            match = key;
    }
    if (stmt.error())
        return *stmt.error();
    if (!match)
        return badKey();
    const QDateTime time = now();
    if (!match->lastUsedAt.isValid() || match->lastUsedAt.msecsTo(time) >= kLastUsedGranularityMs) {
        // A failed stamp (the database busy) does not refuse a valid key.
        if (run(m_db, QStringLiteral("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1"), match->id, time))
            match->lastUsedAt = time;
    }
    return *match;
}

Result<QList<ApiKey>> SqliteApiKeyStore::apiKeys()
{
    return selectAll(m_db, QStringLiteral("SELECT %1 FROM api_keys ORDER BY id").arg(kKeyColumns), readKey);
}

Result<ApiKey> SqliteApiKeyStore::revokeApiKey(qint64 id)
{
    if (auto result =
            run(m_db, QStringLiteral("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL"), id,
                now());
        !result)
        return result.error();
    return required(selectOne(m_db, QStringLiteral("SELECT %1 FROM api_keys WHERE id = ?1").arg(kKeyColumns),
                              readKey, id),
                    notFound("API key", id));
}

} // namespace patchbay

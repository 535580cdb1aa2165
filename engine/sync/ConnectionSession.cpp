#include "ConnectionSession.h"

#include "ExecutionJournal.h"
#include "auth/CredentialVault.h"
#include "auth/TokenRefresher.h"
#include "core/Clock.h"
#include "http/RequestRunner.h"
#include "store/SqliteStore.h"

#include <QMap>
#include <QMutex>

#include <memory>

namespace patchbay {

namespace {

// One mutex per connection for the whole process: the single-flight of token refresh.
QMutex &refreshMutexFor(qint64 connectionId)
{
    static QMutex registryMutex;
    static QMap<qint64, std::shared_ptr<QMutex>> registry;
    QMutexLocker lock(&registryMutex);
    auto &slot = registry[connectionId];
    if (!slot)
        slot = std::make_shared<QMutex>();
    return *slot;
}

} // namespace

ConnectionSession::ConnectionSession(SqliteStore &store, const CredentialVault &vault,
                                     const ProviderDefinition &definition, Connection connection,
                                     RequestRunner &runner, ExecutionJournal &journal, Clock &clock)
    : m_store(store), m_vault(vault), m_definition(definition), m_connection(std::move(connection)),
      m_runner(runner), m_journal(journal), m_clock(clock)
{
}

QUrl ConnectionSession::resolve(const QString &url) const
{
    const QJsonObject overrides = m_connection.config.value(QStringLiteral("originOverrides")).toObject();
    for (auto it = overrides.begin(); it != overrides.end(); ++it) {
        if (url.startsWith(it.key()))
            return QUrl(it.value().toString() + url.mid(it.key().size()));
    }
    return QUrl(url);
}

QUrl ConnectionSession::apiUrl(const QString &path) const
{
    QString base = m_definition.baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return resolve(base + path);
}

Result<Credential> ConnectionSession::credential(bool forceRefresh)
{
    QMutexLocker lock(&refreshMutexFor(m_connection.id));
    // Read the stored credential under the lock: another execution may have just refreshed it.
    auto stored = m_store.credential(m_connection.id);
    if (!stored)
        return stored.error();
    auto opened = m_vault.open(m_connection.id, stored->sealed);
    if (!opened)
        return opened.error();
    Credential current = std::move(opened).value();
    m_runner.redactor().addSecret(current.accessToken);
    m_runner.redactor().addSecret(current.refreshToken);
    m_runner.redactor().addSecret(current.apiKey);
    m_runner.redactor().addSecret(current.clientSecret);

    const bool oauth = m_definition.auth.type == QLatin1String("oauth2");
    const bool expiring = current.expiresAt.isValid()
                          && m_clock.now().secsTo(current.expiresAt) <= m_definition.auth.refreshMarginSeconds;
    if (oauth && (forceRefresh || expiring)) {
        if (forceRefresh) {
            m_journal.recordEvent(EventLevel::Info, QStringLiteral("Refreshing the access token"));
        } else {
            m_journal.recordEvent(EventLevel::Info,
                                  QStringLiteral("Access token %1 at %2; refreshing it first")
                                      .arg(m_clock.now() >= current.expiresAt ? QStringLiteral("expired")
                                                                             : QStringLiteral("expires"),
                                           current.expiresAt.toString(Qt::ISODate)));
        }
        auto refreshed = refreshLocked(current);
        if (!refreshed)
            return refreshed.error();
        current = std::move(refreshed).value();
    }
    m_credential = current;
    return current;
}

Result<Credential> ConnectionSession::refreshLocked(const Credential &current)
{
    TokenRefresher refresher(m_definition, m_runner, m_clock);
    auto refreshed = refresher.refresh(current, resolve(m_definition.auth.tokenUrl));
    if (!refreshed) {
        if (refreshed.error().code == QLatin1String("auth.revoked")) {
            const auto marked = m_store.setConnectionStatus(m_connection.id, ConnectionStatus::NeedsReauth,
                                                            refreshed.error().message);
            m_journal.recordEvent(EventLevel::Error,
                                  marked ? QStringLiteral("Connection marked as needing re-authorisation")
                                         : QStringLiteral("Could not mark the connection as needing "
                                                          "re-authorisation: %1").arg(marked.error().message));
        }
        return refreshed.error();
    }
    auto sealed = m_vault.seal(m_connection.id, refreshed.value());
    if (!sealed)
        return sealed.error();
    StoredCredential row{m_connection.id, sealed.value(), refreshed->expiresAt, m_clock.now(), {}};
    if (auto saved = m_store.saveCredential(m_connection.id, row); !saved)
        return saved.error();
    if (m_connection.status == ConnectionStatus::NeedsReauth) {
        if (auto reactivated = m_store.setConnectionStatus(m_connection.id, ConnectionStatus::Active, QString());
            reactivated)
            m_connection.status = ConnectionStatus::Active;
    }
    m_journal.recordEvent(EventLevel::Info,
                          refreshed->expiresAt.isValid()
                              ? QStringLiteral("Access token refreshed; valid until %1")
                                    .arg(refreshed->expiresAt.toString(Qt::ISODate))
                              : QStringLiteral("Access token refreshed; the provider gave no lifetime"),
                          {{QStringLiteral("rotatedRefreshToken"),
                            !(refreshed->refreshToken == current.refreshToken)}});
    return refreshed;
}

Result<void> ConnectionSession::authorize(HttpRequest &request)
{
    if (!m_credential) {
        auto loaded = credential();
        if (!loaded)
            return loaded.error();
    }
    const QString &type = m_definition.auth.type;
    if (type == QLatin1String("oauth2") || type == QLatin1String("bearer"))
        request.setHeader("Authorization", "Bearer " + m_credential->accessToken.reveal());
    else if (type == QLatin1String("api-key"))
        request.setHeader("Authorization", "Bearer " + m_credential->apiKey.reveal());
    else if (type == QLatin1String("basic"))
        request.setHeader("Authorization", "Basic " + (m_credential->apiKey.reveal() + ':').toBase64());
    return {};
}

} // namespace patchbay

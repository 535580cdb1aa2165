#include "SyncService.h"

#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "ReadExecution.h"
#include "http/RequestRunner.h"
#include "store/SqliteStore.h"

namespace patchbay {

SyncService::SyncService(QString databasePath, SecretBytes masterKey, ProviderCatalog catalog, Clock &clock,
                         HttpClient::NetworkFactory networkFactory)
    : m_databasePath(std::move(databasePath)), m_vault(std::move(masterKey)), m_catalog(std::move(catalog)),
      m_clock(clock), m_networkFactory(std::move(networkFactory))
{
}

template <typename Body>
Result<Execution> SyncService::runExecution(qint64 connectionId, const QString &kind, const QString &object,
                                            const EventListener &listener, Body body)
{
    auto store = SqliteStore::open(m_databasePath);
    if (!store)
        return store.error();
    auto connection = store.value()->connection(connectionId);
    if (!connection)
        return connection.error();
    auto definition = m_catalog.get(connection->provider);
    // Name what is read on the execution row (all objects when none is given), so the list says it.
    const QString objectLabel = object.isEmpty() && definition && kind == QLatin1String("read")
                                    ? definition->objects.keys().join(QStringLiteral(", "))
                                    : object;
    auto executionId = store.value()->startExecution(connectionId, kind, objectLabel);
    if (!executionId)
        return executionId.error();
    ExecutionJournal journal(*store.value(), executionId.value(), listener);
    if (!definition)
        return journal.fail(definition.error());

    HttpClient http(m_networkFactory);
    RequestRunner runner(http, m_clock, definition->rateLimit, journal);
    ConnectionSession session(*store.value(), m_vault, definition.value(), connection.value(), runner, journal,
                              m_clock);
    if (connection->status == ConnectionStatus::NeedsReauth && kind != QLatin1String("refresh")) {
        return journal.fail(makeError("auth.needs_reauth",
                                      QStringLiteral("The connection needs re-authorisation: %1")
                                          .arg(connection->statusMessage)));
    }
    Result<QString> outcome = body(*store.value(), definition.value(), session, runner, journal);
    if (!outcome)
        return journal.fail(outcome.error());
    return journal.succeed(outcome.value());
}

Result<Execution> SyncService::read(qint64 connectionId, const QString &object, EventListener listener)
{
    return runExecution(connectionId, QStringLiteral("read"), object, listener,
                        [&](SqliteStore &store, const ProviderDefinition &definition, ConnectionSession &session,
                            RequestRunner &runner, ExecutionJournal &journal) -> Result<QString> {
                            const QStringList objects = object.isEmpty() ? definition.objects.keys()
                                                                         : QStringList{object};
                            for (const QString &name : objects) {
                                auto spec = definition.objects.constFind(name);
                                if (spec == definition.objects.constEnd()) {
                                    return makeError("sync.unknown_object",
                                                     QStringLiteral("%1 has no object '%2'; it has: %3")
                                                         .arg(definition.displayName, name,
                                                              definition.objects.keys().join(QStringLiteral(", "))));
                                }
                                ReadExecution read(store, definition, spec.value(), session, runner, journal);
                                if (auto result = read.run(); !result)
                                    return result.error();
                            }
                            return QStringLiteral("Read finished: %1 records").arg(journal.counts().records);
                        });
}

Result<Execution> SyncService::refreshToken(qint64 connectionId, EventListener listener)
{
    return runExecution(connectionId, QStringLiteral("refresh"), QString(), listener,
                        [&](SqliteStore &, const ProviderDefinition &definition, ConnectionSession &session,
                            RequestRunner &, ExecutionJournal &) -> Result<QString> {
                            if (definition.auth.type != QLatin1String("oauth2")) {
                                return makeError("auth.not_refreshable",
                                                 QStringLiteral("%1 connections use %2 credentials, which have no "
                                                                "token to refresh.")
                                                     .arg(definition.displayName, definition.auth.type));
                            }
                            auto credential = session.credential(true);
                            if (!credential)
                                return credential.error();
                            return QStringLiteral("Token refresh finished");
                        });
}

} // namespace patchbay

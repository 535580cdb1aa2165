#pragma once

#include "core/Result.h"
#include "store/StoreTypes.h"

namespace patchbay {

class CompiledMapping;
class ConnectionSession;
class ExecutionJournal;
class RequestRunner;
class SqliteStore;
struct ObjectSpec;
struct ProviderDefinition;

// Reads every page of one object: each page's records are upserted and the cursor advanced in one
// transaction, so a read that stops anywhere resumes from the stored cursor and re-reads at most a page.
class ReadExecution
{
public:
    // Without a mapping the provider's records are stored as they come.
    ReadExecution(SqliteStore &store, const ProviderDefinition &definition, const ObjectSpec &object,
                  ConnectionSession &session, RequestRunner &runner, ExecutionJournal &journal,
                  const CompiledMapping *mapping = nullptr);

    Result<void> run();

private:
    Result<QByteArray> fetchPage(const QString &after);
    void reportFailures(const QList<FailedRecord> &failed);

    SqliteStore &m_store;
    const ProviderDefinition &m_definition;
    const ObjectSpec &m_object;
    ConnectionSession &m_session;
    RequestRunner &m_runner;
    ExecutionJournal &m_journal;
    const CompiledMapping *m_mapping;
};

} // namespace patchbay

#pragma once

#include "Paginator.h"
#include "core/Result.h"
#include "jsonata/Expression.h"
#include "core/Records.h"

namespace patchbay {

class CompiledMapping;
class ConnectionSession;
class ExecutionJournal;
class RequestRunner;
class Store;
struct ObjectSpec;
struct ProviderDefinition;

// Reads one object. The first read pages through everything; once a pass is complete, later reads ask only
// for what changed since (a since filter with a lookback, or the provider's delta link). Each page's records
// are mapped and upserted, deletions applied and the cursor advanced in one transaction, so a read that
// stops anywhere resumes from the stored cursor and re-reads at most a page.
class ReadExecution
{
public:
    // Without a mapping the provider's records are stored as they come.
    ReadExecution(Store &store, const ProviderDefinition &definition, const ObjectSpec &object,
                  ConnectionSession &session, RequestRunner &runner, ExecutionJournal &journal,
                  const CompiledMapping *mapping = nullptr);

    // A backfill starts from this time when there is no cursor yet (0: full history).
    void setBackfillSinceMs(qint64 ms) { m_backfillSinceMs = ms; }
    // Stop after this many records (dry runs); 0: no limit.
    void setRecordLimit(qint64 limit) { m_recordLimit = limit; }

    Result<void> run();

private:
    struct Cursor;
    Result<HttpRequest> buildRequest(const RequestSpec &spec, const Paginator &paginator, const PageState &page,
                                     const jsonata::Bindings &bindings);
    Result<QJsonValue> fetchPage(HttpRequest request, HttpResponse *response);
    void reportFailures(const QList<FailedRecord> &failed);

    Store &m_store;
    const ProviderDefinition &m_definition;
    const ObjectSpec &m_object;
    ConnectionSession &m_session;
    RequestRunner &m_runner;
    ExecutionJournal &m_journal;
    const CompiledMapping *m_mapping;
    Paginator m_fullPaginator;
    Paginator m_incrementalPaginator;
    qint64 m_backfillSinceMs = 0;
    qint64 m_recordLimit = 0;
};

} // namespace patchbay

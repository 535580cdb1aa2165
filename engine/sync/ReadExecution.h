#pragma once

#include "Paginator.h"
#include "core/Result.h"
#include "jsonata/Expression.h"
#include "core/Records.h"

#include <QJsonArray>

#include <functional>

namespace patchbay {

class CompiledMapping;
class ConnectionSession;
class ExecutionJournal;
class RecordMapper;
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
    // Asked after each committed page: true ends the run there with sync.interrupted (see ReadOptions).
    void setStopRequested(std::function<bool()> stopRequested) { m_stopRequested = std::move(stopRequested); }

    // One pass, or the rest of one, page by page: fetch a page, extract its records, map them, commit them with
    // the cursor, and at the end of a complete full pass sweep the stored records it did not see.
    Result<void> run();

    // The error a read stopped on request ends with.
    static Error interruptedError(const QString &object);

private:
    struct Cursor;
    struct PageRecords;

    // The cursor this run starts from: a new pass after a complete one (changes only, when it can), a backfill's
    // start, or where a stopped run left off.
    Cursor startPass();
    // $since for an incremental pass (the highest updated-at seen, less the lookback); empty otherwise.
    Result<QString> bindSince(const Cursor &cursor, jsonata::Bindings &bindings) const;
    void announce(const Cursor &cursor, const QString &since);

    // Page fetch: the request of a page (its cursor, offset and number bound), sent, its answer checked and parsed.
    Result<QJsonValue> fetchPage(const RequestSpec &spec, const Paginator &paginator, const PageState &page,
                                 jsonata::Bindings &bindings, HttpResponse *response);
    Result<HttpRequest> buildRequest(const RequestSpec &spec, const Paginator &paginator, const PageState &page,
                                     const jsonata::Bindings &bindings);
    Result<QJsonValue> sendPageRequest(HttpRequest request, HttpResponse *response);
    // A provider that forgot the delta position (one of the definition's resync statuses): start a full pass.
    bool restartAfterLostDelta(Cursor &cursor, int status);
    // Record extraction: the page's list of records at the definition's recordsPath.
    Result<QJsonArray> extractRecords(const RequestSpec &spec, const QJsonValue &root) const;
    // Mapping: each record mapped (or kept failed), deleted or passed over, the highest updated-at noted.
    PageRecords mapRecords(const QJsonArray &records, const RecordMapper &mapper, Cursor &cursor) const;
    // The cursor after this page; at the end of a complete full pass, the time before which unseen records go.
    std::optional<QDateTime> advance(Cursor &cursor, const std::optional<PageState> &next,
                                     const QJsonValue &root) const;
    // Commit: the page's records, deletions, cursor and sweep in one transaction.
    Result<void> commit(const Cursor &cursor, const PageRecords &page,
                        const std::optional<QDateTime> &removeUnseenSince);

    void reportFailures(const QList<FailedRecord> &failed);
    void reportSweep(qint64 removed);
    void reportPage(const PageRecords &page, const std::optional<PageState> &next);
    void reportRead(const QDateTime &startedAt);

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
    std::function<bool()> m_stopRequested;
};

} // namespace patchbay

#include "ReadExecution.h"

#include "ConnectionSession.h"
#include "ListRequest.h"
#include "ExecutionJournal.h"
#include "auth/TokenRefresher.h"
#include "catalog/ProviderDefinition.h"
#include "catalog/TemplateText.h"
#include "catalog/TimeFormat.h"
#include "core/Clock.h"
#include "core/JsonPath.h"
#include "core/Logging.h"
#include "core/Timestamps.h"
#include "http/RequestRunner.h"
#include "mapping/RecordMapper.h"
#include "store/sqlite/SqliteStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace patchbay {

// The saved position of a read: the page inside the current pass, and what the next pass starts from.
struct ReadExecution::Cursor
{
    bool complete = false;     // the last pass reached its end
    bool incremental = false;  // the current pass asks only for changes
    PageState page;            // inside the current pass
    qint64 maxUpdatedMs = 0;   // highest updated-at seen
    QString deltaLink;         // where the next pass starts, for delta-link providers
    qint64 passStartedMs = 0;  // when the current full pass began (records not stored since are gone at its end)

    static Cursor parse(const std::optional<QString> &text)
    {
        Cursor cursor;
        if (!text)
            return cursor;
        const QJsonObject object = QJsonDocument::fromJson(text->toUtf8()).object();
        cursor.complete = object.value(QStringLiteral("phase")).toString() == QLatin1String("complete");
        cursor.incremental = object.value(QStringLiteral("mode")).toString() == QLatin1String("incremental");
        cursor.page = PageState::fromJson(object.value(QStringLiteral("page")).toObject());
        cursor.maxUpdatedMs = static_cast<qint64>(object.value(QStringLiteral("maxUpdatedMs")).toDouble());
        cursor.deltaLink = object.value(QStringLiteral("deltaLink")).toString();
        cursor.passStartedMs = static_cast<qint64>(object.value(QStringLiteral("passStartedMs")).toDouble());
        // The walking skeleton's cursors kept the page cursor as "after".
        if (cursor.page.isStart() && object.contains(QStringLiteral("after")))
            cursor.page.cursor = object.value(QStringLiteral("after")).toString();
        return cursor;
    }

    QString text() const
    {
        QJsonObject object{{QStringLiteral("phase"), complete ? QStringLiteral("complete") : QStringLiteral("paging")},
                           {QStringLiteral("mode"), incremental ? QStringLiteral("incremental") : QStringLiteral("full")}};
        if (!complete && !page.isStart())
            object.insert(QStringLiteral("page"), page.toJson());
        if (maxUpdatedMs > 0) {
            object.insert(QStringLiteral("maxUpdatedMs"), maxUpdatedMs);
            object.insert(QStringLiteral("maxUpdatedAt"),
                          QDateTime::fromMSecsSinceEpoch(maxUpdatedMs, Qt::UTC).toString(Qt::ISODateWithMs));
        }
        if (!deltaLink.isEmpty())
            object.insert(QStringLiteral("deltaLink"), deltaLink);
        if (!complete && !incremental && passStartedMs > 0)
            object.insert(QStringLiteral("passStartedMs"), passStartedMs);
        return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
    }
};

ReadExecution::ReadExecution(Store &store, const ProviderDefinition &definition, const ObjectSpec &object,
                             ConnectionSession &session, RequestRunner &runner, ExecutionJournal &journal,
                             const CompiledMapping *mapping)
    : m_store(store), m_definition(definition), m_object(object), m_session(session), m_runner(runner),
      m_journal(journal), m_mapping(mapping), m_fullPaginator(object.pagination.value_or(definition.pagination)),
      m_incrementalPaginator(object.incremental.pagination.value_or(m_fullPaginator.spec()))
{
}

Result<HttpRequest> ReadExecution::buildRequest(const RequestSpec &spec, const Paginator &paginator,
                                                const PageState &page, const jsonata::Bindings &bindings)
{
    return buildListRequest(m_session, spec, paginator, page, bindings, m_object.name);
}

Result<QJsonValue> ReadExecution::sendPageRequest(HttpRequest request, HttpResponse *responseOut)
{
    {
        auto sent = m_session.send(std::move(request));
        if (!sent)
            return sent.error();
        const HttpResponse &response = sent.value();
        *responseOut = response;
        if (!response.isSuccess()) {
            const ProviderError error = providerErrorFrom(m_definition.errors, response.body);
            return Error{QStringLiteral("sync.provider_error"),
                         QStringLiteral("%1 answered HTTP %2%3%4")
                             .arg(m_definition.displayName)
                             .arg(response.status)
                             .arg(error.code.isEmpty() ? QString() : QStringLiteral(" ") + error.code)
                             .arg(error.message.isEmpty() ? QString() : QStringLiteral(": ") + error.message)};
        }
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            return makeError("sync.bad_page", QStringLiteral("A page of %1 is not JSON (%2 at offset %3)")
                                                  .arg(m_object.name, parseError.errorString())
                                                  .arg(parseError.offset));
        }
        const QJsonValue root = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
        if (const auto said = providerErrorInSuccess(m_definition.errors, root)) {
            // Some providers report failures inside a 200 answer.
            return makeError("sync.provider_error", QStringLiteral("%1 reported an error in a successful answer: %2")
                                                        .arg(m_definition.displayName, *said));
        }
        return root;
    }
}

void ReadExecution::reportFailures(const QList<FailedRecord> &failed)
{
    // One event per failed record names the field, the record and the error; a mapping broken for every record
    // would flood the log, so past a handful per page the rest are summed up.
    constexpr int kDetailedPerPage = 10;
    for (int i = 0; i < failed.size() && i < kDetailedPerPage; ++i) {
        const QJsonObject first = failed.at(i).errors.first().toObject();
        const int position = first.value(QStringLiteral("position")).toInt();
        m_journal.recordEvent(EventLevel::Error,
                              QStringLiteral("Record %1: field '%2' failed to map: %3%4: %5")
                                  .arg(failed.at(i).recordId, first.value(QStringLiteral("field")).toString(),
                                       first.value(QStringLiteral("code")).toString(),
                                       position >= 0 ? QStringLiteral(" at position %1").arg(position) : QString(),
                                       first.value(QStringLiteral("message")).toString()),
                              {{QStringLiteral("recordId"), failed.at(i).recordId},
                               {QStringLiteral("errors"), failed.at(i).errors}});
    }
    if (failed.size() > kDetailedPerPage) {
        m_journal.recordEvent(EventLevel::Error, QStringLiteral("%1 more records on this page failed to map")
                                                     .arg(failed.size() - kDetailedPerPage));
    }
}

// The records of one page, sorted by what happens to them.
struct ReadExecution::PageRecords
{
    QList<StoredRecord> rows;   // mapped (or raw), to store
    QList<FailedRecord> failed; // did not map, kept raw
    QStringList deleted;        // the provider says they are gone
    int withoutId = 0;          // no id: not stored
};

Result<void> ReadExecution::run()
{
    Cursor cursor = startPass();
    const QDateTime startedAt = m_session.clock().now();
    if (auto credential = m_session.credential(); !credential)
        return credential.error();

    jsonata::Bindings bindings = m_session.bindings();
    auto since = bindSince(cursor, bindings);
    if (!since)
        return since.error();
    bindings.set("limit", jsonata::Value::number(m_fullPaginator.spec().pageSize));
    announce(cursor, since.value());

    const IncrementalSpec &incremental = m_object.incremental;
    const RecordMapper mapper(m_mapping, m_object.name);
    qint64 recordsThisRun = 0;
    for (;;) {
        const bool changesOnly = cursor.incremental && incremental.enabled;
        const RequestSpec &spec = changesOnly ? incremental.request : m_object.list;
        const Paginator &paginator = changesOnly ? m_incrementalPaginator : m_fullPaginator;
        HttpResponse response;
        auto page = fetchPage(spec, paginator, cursor.page, bindings, &response);
        if (!page) {
            if (restartAfterLostDelta(cursor, response.status))
                continue;
            return page.error();
        }
        const QJsonValue root = page.value();
        auto records = extractRecords(spec, root);
        if (!records)
            return records.error();
        const PageRecords sorted = mapRecords(records.value(), mapper, cursor);
        reportFailures(sorted.failed);
        if (sorted.withoutId > 0) {
            m_journal.recordEvent(EventLevel::Warning, QStringLiteral("%1 records on this page have no '%2' and were "
                                                                      "not stored")
                                                           .arg(sorted.withoutId)
                                                           .arg(m_object.idField));
        }
        std::optional<PageState> next = paginator.next(cursor.page, root, response, records.value());
        recordsThisRun += sorted.rows.size() + sorted.failed.size();
        qCDebug(lcSync).noquote() << "execution" << m_journal.executionId() << m_object.name
                                  << "page:" << records.value().size() << "records," << recordsThisRun
                                  << "this run," << (next ? "more to come" : "last page");
        const bool limitReached = m_recordLimit > 0 && recordsThisRun >= m_recordLimit;
        const std::optional<QDateTime> removeUnseenSince = advance(cursor, next, root);
        if (auto committed = commit(cursor, sorted, removeUnseenSince); !committed)
            return committed.error();
        reportPage(sorted, next);
        if (!next || limitReached)
            break;
        if (m_stopRequested && m_stopRequested())
            return interruptedError(m_object.name);
    }
    reportRead(startedAt);
    return {};
}

Error ReadExecution::interruptedError(const QString &object)
{
    return makeError("sync.interrupted", QStringLiteral("Stopped before the read of %1 finished (the server is "
                                                        "shutting down); the next read goes on from the stored cursor")
                                             .arg(object));
}

ReadExecution::Cursor ReadExecution::startPass()
{
    Cursor cursor = Cursor::parse(m_store.records().cursor(m_session.connection().id, m_object.name));
    const IncrementalSpec &incremental = m_object.incremental;
    if (cursor.complete) {
        // A new pass: only changes, when the definition can ask for them and a previous pass saw a time.
        cursor.complete = false;
        cursor.page = PageState();
        cursor.incremental = incremental.enabled && (cursor.maxUpdatedMs > 0 || !cursor.deltaLink.isEmpty());
        if (cursor.incremental && !cursor.deltaLink.isEmpty())
            cursor.page.nextUrl = cursor.deltaLink;
    } else if (cursor.page.isStart() && cursor.maxUpdatedMs == 0 && m_backfillSinceMs > 0 && incremental.enabled) {
        cursor.incremental = true;
        cursor.maxUpdatedMs = m_backfillSinceMs;
    }

    if (!cursor.incremental && cursor.page.isStart())
        cursor.passStartedMs = m_session.clock().now().toMSecsSinceEpoch();
    return cursor;
}

Result<QString> ReadExecution::bindSince(const Cursor &cursor, jsonata::Bindings &bindings) const
{
    const IncrementalSpec &incremental = m_object.incremental;
    QString since;
    if (cursor.incremental && cursor.page.nextUrl.isEmpty()) {
        const qint64 sinceMs = std::max<qint64>(0, cursor.maxUpdatedMs - qint64(incremental.lookbackSeconds) * 1000);
        auto formatted = formatTimestamp(sinceMs, incremental.sinceFormat);
        if (!formatted)
            return formatted.error();
        since = formatted.value();
        bindings.set("since", jsonata::Value::string(since.toStdString()));
    }
    return since;
}

void ReadExecution::announce(const Cursor &cursor, const QString &since)
{
    const IncrementalSpec &incremental = m_object.incremental;
    const bool startsFromDeltaLink = cursor.incremental && !cursor.deltaLink.isEmpty()
                                     && cursor.page.nextUrl == cursor.deltaLink && cursor.page.cursor.isEmpty();
    if (!cursor.page.isStart() && !startsFromDeltaLink) {
        m_journal.recordEvent(EventLevel::Info, QStringLiteral("Resuming the read of %1 from the stored cursor")
                                                    .arg(m_object.name),
                              {{QStringLiteral("page"), cursor.page.toJson()}});
    } else if (cursor.incremental) {
        m_journal.recordEvent(EventLevel::Info,
                              since.isEmpty() ? QStringLiteral("Reading changes to %1 from the delta link").arg(m_object.name)
                                              : QStringLiteral("Reading %1 changed since %2%3")
                                                    .arg(m_object.name, since,
                                                         incremental.lookbackSeconds > 0
                                                             ? QStringLiteral(" (%1 s lookback)").arg(incremental.lookbackSeconds)
                                                             : QString()));
    } else {
        m_journal.recordEvent(EventLevel::Info, QStringLiteral("Reading all %1 from %2")
                                                    .arg(m_object.name, m_definition.displayName));
    }
}

Result<QJsonValue> ReadExecution::fetchPage(const RequestSpec &spec, const Paginator &paginator, const PageState &page,
                                            jsonata::Bindings &bindings, HttpResponse *response)
{
    bindings.set("cursor", jsonata::Value::string(page.cursor.toStdString()));
    bindings.set("offset", jsonata::Value::number(static_cast<double>(page.offset)));
    bindings.set("page", jsonata::Value::number(page.page));
    auto request = buildRequest(spec, paginator, page, bindings);
    if (!request)
        return request.error();
    return sendPageRequest(request.value(), response);
}

bool ReadExecution::restartAfterLostDelta(Cursor &cursor, int status)
{
    if (!cursor.incremental || !m_object.incremental.resyncStatuses.contains(status))
        return false;
    // The provider forgot our delta position: read everything again.
    m_journal.recordEvent(EventLevel::Warning,
                          QStringLiteral("%1 says the delta position is no longer valid (HTTP %2); "
                                         "reading all %3 again")
                              .arg(m_definition.displayName)
                              .arg(status)
                              .arg(m_object.name));
    cursor = Cursor();
    cursor.passStartedMs = m_session.clock().now().toMSecsSinceEpoch();
    return true;
}

Result<QJsonArray> ReadExecution::extractRecords(const RequestSpec &spec, const QJsonValue &root) const
{
    auto recordsValue = pageRecords(spec, root, {}, m_object.name);
    if (!recordsValue)
        return recordsValue.error();
    if (!recordsValue->isArray()) {
        return makeError("sync.bad_page",
                         QStringLiteral("Page %1 has no list of records at '%2'; check recordsPath in the %3 "
                                        "definition")
                             .arg(m_journal.counts().pages + 1)
                             .arg(spec.recordsPath, m_definition.name));
    }
    return recordsValue->toArray();
}

ReadExecution::PageRecords ReadExecution::mapRecords(const QJsonArray &records, const RecordMapper &mapper,
                                                     Cursor &cursor) const
{
    PageRecords sorted;
    for (const QJsonValue &record : records) {
        const QString id = jsonScalarText(jsonValueAt(record, m_object.idField));
        if (id.isEmpty()) {
            ++sorted.withoutId;
            continue;
        }
        const QString updatedAt = m_object.updatedAtField.isEmpty()
                                      ? QString()
                                      : jsonScalarText(jsonValueAt(record, m_object.updatedAtField));
        if (const auto updatedMs = parseTimestampMs(updatedAt); updatedMs && *updatedMs > cursor.maxUpdatedMs)
            cursor.maxUpdatedMs = *updatedMs;
        if (recordIsDeleted(m_object, record)) {
            sorted.deleted.append(id);
            continue;
        }
        mapper.map(id, updatedAt, record.toObject(), sorted.rows, sorted.failed);
    }
    return sorted;
}

std::optional<QDateTime> ReadExecution::advance(Cursor &cursor, const std::optional<PageState> &next,
                                                const QJsonValue &root) const
{
    std::optional<QDateTime> removeUnseenSince;
    if (next) {
        cursor.page = *next;
    } else {
        if (!cursor.incremental && cursor.passStartedMs > 0 && m_object.fullReadRemovesMissing)
            removeUnseenSince = QDateTime::fromMSecsSinceEpoch(cursor.passStartedMs, Qt::UTC);
        cursor.complete = true;
        cursor.page = PageState();
        if (!m_object.incremental.deltaLinkPath.isEmpty())
            cursor.deltaLink = jsonScalarText(jsonValueAt(root, m_object.incremental.deltaLinkPath));
    }
    return removeUnseenSince;
}

Result<void> ReadExecution::commit(const Cursor &cursor, const PageRecords &page,
                                   const std::optional<QDateTime> &removeUnseenSince)
{
    const qint64 connectionId = m_session.connection().id;
    const auto &rows = page.rows;
    const auto &failed = page.failed;
    const auto &deleted = page.deleted;
    const qint64 before = removeUnseenSince ? m_store.records().recordCount(connectionId, m_object.name) : 0;
    if (auto committed = m_store.records().commitPage(connectionId, m_object.name, m_journal.executionId(), rows,
                                            cursor.text(), failed, deleted, removeUnseenSince);
        !committed) {
        return committed.error();
    }
    if (removeUnseenSince)
        reportSweep(before + rows.size() - m_store.records().recordCount(connectionId, m_object.name));
    return {};
}

void ReadExecution::reportSweep(qint64 removed)
{
    if (removed <= 0)
        return;
    m_journal.recordEvent(EventLevel::Info,
                          QStringLiteral("The full read of %1 is complete: %2 stored records it did not see "
                                         "are gone at %3 and were removed")
                              .arg(m_object.name)
                              .arg(removed)
                              .arg(m_definition.displayName));
}

void ReadExecution::reportPage(const PageRecords &page, const std::optional<PageState> &next)
{
    m_journal.counts().records += page.rows.size();
    m_journal.counts().failedRecords += page.failed.size();
    m_journal.counts().pages += 1;
    m_journal.saveCounts();
    m_journal.recordEvent(EventLevel::Debug,
                          QStringLiteral("Page %1: %2 records stored%3%4")
                              .arg(m_journal.counts().pages)
                              .arg(page.rows.size())
                              .arg(page.deleted.isEmpty() ? QString()
                                                          : QStringLiteral(", %1 deleted").arg(page.deleted.size()))
                              .arg(next ? QStringLiteral("; more to come") : QStringLiteral("; last page")),
                          {{QStringLiteral("next"), next ? next->toJson() : QJsonObject()}});
}

void ReadExecution::reportRead(const QDateTime &startedAt)
{
    if (m_journal.counts().failedRecords > 0) {
        m_journal.recordEvent(EventLevel::Warning,
                              QStringLiteral("%1 records did not map and are kept raw as failed records; fix the "
                                             "mapping, then re-map them")
                                  .arg(m_journal.counts().failedRecords));
    }
    const qint64 elapsedMs = startedAt.msecsTo(m_session.clock().now());
    m_journal.recordEvent(EventLevel::Info, QStringLiteral("Read %1 %2 in %3 pages and %4 requests (%5 s)")
                                                .arg(m_journal.counts().records)
                                                .arg(m_object.name)
                                                .arg(m_journal.counts().pages)
                                                .arg(m_journal.counts().requests)
                                                .arg(QString::number(elapsedMs / 1000.0, 'f', 1)));
}

} // namespace patchbay

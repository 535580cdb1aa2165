#include "ReadExecution.h"

#include "ConnectionSession.h"
#include "ExecutionJournal.h"
#include "auth/TokenRefresher.h"
#include "catalog/ProviderDefinition.h"
#include "core/JsonPath.h"
#include "http/RequestRunner.h"
#include "mapping/RecordMapper.h"
#include "store/SqliteStore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace patchbay {

namespace {

struct CursorState
{
    QString after;          // resume point inside a pass
    QString maxUpdatedAt;   // highest updated-at seen
};

CursorState parseCursor(const std::optional<QString> &text)
{
    if (!text)
        return {};
    const QJsonObject object = QJsonDocument::fromJson(text->toUtf8()).object();
    return {object.value(QStringLiteral("after")).toString(), object.value(QStringLiteral("maxUpdatedAt")).toString()};
}

QString cursorText(const CursorState &state, bool complete)
{
    QJsonObject object{{QStringLiteral("phase"), complete ? QStringLiteral("complete") : QStringLiteral("paging")}};
    if (!complete)
        object.insert(QStringLiteral("after"), state.after);
    if (!state.maxUpdatedAt.isEmpty())
        object.insert(QStringLiteral("maxUpdatedAt"), state.maxUpdatedAt);
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

} // namespace

ReadExecution::ReadExecution(SqliteStore &store, const ProviderDefinition &definition, const ObjectSpec &object,
                             ConnectionSession &session, RequestRunner &runner, ExecutionJournal &journal,
                             const CompiledMapping *mapping)
    : m_store(store), m_definition(definition), m_object(object), m_session(session), m_runner(runner),
      m_journal(journal), m_mapping(mapping)
{
}

Result<QByteArray> ReadExecution::fetchPage(const QString &after)
{
    HttpRequest request;
    request.method = m_object.list.method.toLatin1();
    QUrl url = m_session.apiUrl(m_object.list.path);
    QUrlQuery query(url);
    for (auto it = m_object.list.params.begin(); it != m_object.list.params.end(); ++it)
        query.addQueryItem(it.key(), it.value());
    const PaginationSpec &paging = m_definition.pagination;
    if (!paging.limitParam.isEmpty())
        query.addQueryItem(paging.limitParam, QString::number(paging.pageSize));
    if (!after.isEmpty())
        query.addQueryItem(paging.param, after);
    url.setQuery(query);
    request.url = url;
    request.setHeader("Accept", "application/json");

    for (bool refreshedForThisPage = false;;) {
        if (auto authorized = m_session.authorize(request); !authorized)
            return authorized.error();
        auto sent = m_runner.send(request);
        if (!sent)
            return sent.error();
        const HttpResponse &response = sent.value();
        if (response.status == 401 && !refreshedForThisPage && m_definition.auth.type == QLatin1String("oauth2")) {
            m_journal.recordEvent(EventLevel::Warning,
                                  QStringLiteral("The provider rejected the access token (HTTP 401); refreshing it "
                                                 "and retrying the page"));
            refreshedForThisPage = true;
            if (auto refreshed = m_session.credential(true); !refreshed)
                return refreshed.error();
            continue;
        }
        if (!response.isSuccess()) {
            const ProviderError error = providerErrorFrom(m_definition.errors, response.body);
            return makeError("sync.provider_error",
                             QStringLiteral("%1 answered HTTP %2%3%4")
                                 .arg(m_definition.displayName)
                                 .arg(response.status)
                                 .arg(error.code.isEmpty() ? QString() : QStringLiteral(" ") + error.code)
                                 .arg(error.message.isEmpty() ? QString() : QStringLiteral(": ") + error.message));
        }
        return response.body;
    }
}

void ReadExecution::reportFailures(const QList<FailedRecord> &failed)
{
    // One event per failed record names the field, the record and the error; a mapping broken for every record
    // would flood the log, so past a handful per page the rest are summed up.
    constexpr int kDetailedPerPage = 10;
    for (int i = 0; i < failed.size() && i < kDetailedPerPage; ++i) {
        const QJsonObject first = failed.at(i).errors.first().toObject();
        m_journal.recordEvent(EventLevel::Error,
                              QStringLiteral("Record %1: field '%2' failed to map: %3%4: %5")
                                  .arg(failed.at(i).recordId, first.value(QStringLiteral("field")).toString(),
                                       first.value(QStringLiteral("code")).toString(),
                                       first.value(QStringLiteral("position")).toInt() >= 0
                                           ? QStringLiteral(" at position %1")
                                                 .arg(first.value(QStringLiteral("position")).toInt())
                                           : QString(),
                                       first.value(QStringLiteral("message")).toString()),
                              {{QStringLiteral("recordId"), failed.at(i).recordId},
                               {QStringLiteral("errors"), failed.at(i).errors}});
    }
    if (failed.size() > kDetailedPerPage) {
        m_journal.recordEvent(EventLevel::Error, QStringLiteral("%1 more records on this page failed to map")
                                                     .arg(failed.size() - kDetailedPerPage));
    }
}

Result<void> ReadExecution::run()
{
    const qint64 connectionId = m_session.connection().id;
    CursorState state = parseCursor(m_store.cursor(connectionId, m_object.name));
    QElapsedTimer timer;
    timer.start();
    if (!state.after.isEmpty()) {
        m_journal.recordEvent(EventLevel::Info,
                              QStringLiteral("Resuming the read of %1 from the stored cursor").arg(m_object.name),
                              {{QStringLiteral("after"), state.after}});
    } else {
        m_journal.recordEvent(EventLevel::Info, QStringLiteral("Reading all %1 from %2")
                                                    .arg(m_object.name, m_definition.displayName));
    }
    if (auto credential = m_session.credential(); !credential)
        return credential.error();
    const RecordMapper mapper(m_mapping, m_object.name);

    for (;;) {
        auto page = fetchPage(state.after);
        if (!page)
            return page.error();
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(page.value(), &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            return makeError("sync.bad_page", QStringLiteral("Page %1 is not JSON (%2 at offset %3)")
                                                  .arg(m_journal.counts().pages + 1)
                                                  .arg(parseError.errorString())
                                                  .arg(parseError.offset));
        }
        const QJsonValue root = document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object());
        const QJsonValue recordsValue = jsonValueAt(root, m_object.list.recordsPath);
        if (!recordsValue.isArray()) {
            return makeError("sync.bad_page",
                             QStringLiteral("Page %1 has no list of records at '%2'; check recordsPath in the %3 "
                                            "definition")
                                 .arg(m_journal.counts().pages + 1)
                                 .arg(m_object.list.recordsPath, m_definition.name));
        }
        const QJsonArray records = recordsValue.toArray();
        QList<StoredRecord> rows;
        QList<FailedRecord> failed;
        rows.reserve(records.size());
        int withoutId = 0;
        for (const QJsonValue &record : records) {
            const QString id = jsonScalarText(jsonValueAt(record, m_object.idField));
            if (id.isEmpty()) {
                ++withoutId;
                continue;
            }
            const QString updatedAt = m_object.updatedAtField.isEmpty()
                                          ? QString()
                                          : jsonScalarText(jsonValueAt(record, m_object.updatedAtField));
            if (updatedAt > state.maxUpdatedAt)
                state.maxUpdatedAt = updatedAt;
            mapper.map(id, updatedAt, QJsonDocument(record.toObject()).toJson(QJsonDocument::Compact), rows, failed);
        }
        reportFailures(failed);
        if (withoutId > 0) {
            m_journal.recordEvent(EventLevel::Warning, QStringLiteral("%1 records on this page have no '%2' and were "
                                                                      "not stored")
                                                           .arg(withoutId)
                                                           .arg(m_object.idField));
        }
        const QString next = m_definition.pagination.type == QLatin1String("cursor")
                                 ? jsonScalarText(jsonValueAt(root, m_definition.pagination.nextPath))
                                 : QString();
        state.after = next;
        if (auto committed = m_store.commitPage(connectionId, m_object.name, m_journal.executionId(), rows,
                                                cursorText(state, next.isEmpty()), failed);
            !committed) {
            return committed.error();
        }
        m_journal.counts().records += rows.size();
        m_journal.counts().failedRecords += failed.size();
        m_journal.counts().pages += 1;
        m_journal.saveCounts();
        m_journal.recordEvent(EventLevel::Debug,
                              QStringLiteral("Page %1: %2 records stored%3")
                                  .arg(m_journal.counts().pages)
                                  .arg(rows.size())
                                  .arg(next.isEmpty() ? QStringLiteral("; last page") : QStringLiteral("; more to come")),
                              {{QStringLiteral("next"), next}});
        if (next.isEmpty())
            break;
    }
    if (m_journal.counts().failedRecords > 0) {
        m_journal.recordEvent(EventLevel::Warning,
                              QStringLiteral("%1 records did not map and are kept raw as failed records; fix the "
                                             "mapping, then re-map them")
                                  .arg(m_journal.counts().failedRecords));
    }
    m_journal.recordEvent(EventLevel::Info, QStringLiteral("Read %1 %2 in %3 pages and %4 requests (%5 s)")
                                                .arg(m_journal.counts().records)
                                                .arg(m_object.name)
                                                .arg(m_journal.counts().pages)
                                                .arg(m_journal.counts().requests)
                                                .arg(QString::number(timer.elapsed() / 1000.0, 'f', 1)));
    return {};
}

} // namespace patchbay
